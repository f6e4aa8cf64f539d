import { closeSync, createReadStream, openSync, readSync } from 'node:fs';
import type { Readable } from 'node:stream';
import { createGunzip } from 'node:zlib';
import { RedactableText } from '../redact.js';
import { buildPrefilter, type CompiledSignature, type Prefilter } from './prefilter.js';
import type { LogSignature } from './schema.js';
import { parseLogTimestamp, type TimestampOptions } from './timestamp.js';

/** Where a log text comes from. */
export interface LogContext {
  /** Inventory node name (`node-10`). */
  readonly node: string;
  /** Path of the log on that node (`/var/log/rabbitmq/rabbit@node-10.log`). */
  readonly file: string;
}

/** One signature matched in one log record. */
export interface LogFinding {
  readonly signature: string;
  readonly node: string;
  readonly file: string;
  /** 1-based number of the record's first line. */
  readonly line: number;
  /** ISO 8601 UTC time of the record, or `null` when it carries no known timestamp. */
  readonly time: string | null;
  /** Same instant as `time`, in epoch ms, for ordering. */
  readonly timeMs: number | null;
  /** Named captures of the pattern that matched. */
  readonly fields: Readonly<Record<string, string>>;
  /** The record's text, whitespace collapsed, trimmed to about 300 characters. */
  readonly text: string;
}

/** Tuning and interpretation options of the matcher. */
export interface MatcherOptions extends TimestampOptions {
  /** Bytes read at a time from files. Default 1 MiB. */
  readonly chunkBytes?: number;
  /** A record grows no further than this (later lines start new records). Default 64 KiB. */
  readonly maxRecordBytes?: number;
  /** A record holds at most this many lines. Default 400. */
  readonly maxRecordLines?: number;
  /** A line longer than this is cut (the rest of it is skipped). Default 1 MiB. */
  readonly maxLineBytes?: number;
  /**
   * Hide secrets in findings' text and fields, before the text is trimmed (default true; off for
   * an operator reading their own logs, `stackmedic diagnose --no-redact`).
   */
  readonly redact?: boolean;
}

/** Counters of one matcher over everything it scanned; `maxBufferedBytes` bounds its memory. */
export interface ScanStats {
  bytes: number;
  lines: number;
  records: number;
  /** Records the prefilter let through to the full regexes. */
  candidates: number;
  findings: number;
  /** Largest block of text held at once (carried record + chunk), in bytes. */
  maxBufferedBytes: number;
  truncatedLines: number;
}

/**
 * Sees every record a scan closes: its bytes are `block[start, end)` (valid only during the call),
 * `line` its first line's number, `claimed` whether a signature matched it, `headEnd` where its
 * first line ends.
 */
export type RecordListener = (block: Buffer, start: number, end: number, line: number, claimed: boolean, headEnd: number) => void;

const DEFAULTS = { chunkBytes: 1 << 20, maxRecordBytes: 64 << 10, maxRecordLines: 400, maxLineBytes: 1 << 20, redact: true };
const TEXT_LIMIT = 300;

/**
 * Streams log text through the signatures: records are assembled from lines (old RabbitMQ reports
 * and indented continuation lines stay with their first line), a combined literal search picks
 * candidate records, and only those meet the full regexes. Memory is bounded by the chunk size
 * plus the largest record, whatever the file size.
 */
export class LogMatcher {
  readonly stats: ScanStats = { bytes: 0, lines: 0, records: 0, candidates: 0, findings: 0, maxBufferedBytes: 0, truncatedLines: 0 };
  private readonly prefilter: Prefilter;
  private readonly options: Required<Omit<MatcherOptions, 'referenceYear' | 'zone'>> & TimestampOptions;
  /** Called for every record of the next scans (`diagnose` groups the unclaimed errors); `null` costs nothing. */
  onRecord: RecordListener | null = null;

  constructor(signatures: readonly LogSignature[], options: MatcherOptions = {}) {
    this.prefilter = buildPrefilter(signatures);
    this.options = { ...DEFAULTS, ...options };
  }

  /** The signatures this matcher applies. */
  get signatures(): readonly LogSignature[] {
    return this.prefilter.signatures.map((c) => c.signature);
  }

  /** Scans a stream of log bytes; findings are passed to `onFinding` as found and returned. */
  async scanStream(input: Readable | AsyncIterable<Buffer | string>, context: LogContext, onFinding?: (finding: LogFinding) => void): Promise<LogFinding[]> {
    const scan = this.startScan(context, 1, onFinding);
    for await (const chunk of input as AsyncIterable<Buffer | string>) {
      scan.push(typeof chunk === 'string' ? Buffer.from(chunk, 'utf8') : chunk);
    }
    return scan.end();
  }

  /** Scans a file, gunzipping `.gz` files on the fly. */
  async scanFile(path: string, context: LogContext, onFinding?: (finding: LogFinding) => void): Promise<LogFinding[]> {
    if (path.endsWith('.gz')) {
      const input = createReadStream(path, { highWaterMark: 256 << 10 }).pipe(createGunzip({ chunkSize: 256 << 10 }));
      return this.scanStream(input, context, onFinding);
    }
    // Fast path: read straight into the scan's work buffer, no stream and no per-chunk allocation.
    // Reads are synchronous: each 1 MiB read is a copy from the page cache, and a round trip
    // through libuv's thread pool per chunk cost a 1 GB diagnosis 0.4-0.5 s of wall time on a
    // busy machine (2.6 s against 2.1 s, same peak RSS within 2 MB; docs/bench.md).
    const scan = this.startScan(context, 1, onFinding);
    const fd = openSync(path, 'r');
    try {
      const size = this.options.chunkBytes;
      for (;;) {
        const n = readSync(fd, scan.writable(size), 0, size, null);
        if (n === 0) break;
        scan.commit(n);
      }
    } finally {
      closeSync(fd);
    }
    return scan.end();
  }

  /**
   * Scans text already in memory, e.g. one contiguous run of lines from remote grep output;
   * `firstLine` is the file line number of its first line.
   */
  scanText(text: string, context: LogContext, firstLine = 1): LogFinding[] {
    const scan = this.startScan(context, firstLine);
    scan.push(Buffer.from(text, 'utf8'));
    return scan.end();
  }

  private startScan(context: LogContext, firstLine: number, onFinding?: (finding: LogFinding) => void): RecordScan {
    return new RecordScan(this.prefilter, this.options, this.stats, context, firstLine, onFinding, this.onRecord);
  }
}

const REPORT_TAIL = Buffer.from(' REPORT====', 'latin1');

/**
 * One pass over one byte stream: the state carried between chunks. Bytes live in one reusable
 * work buffer (the carried, unfinished record at its start, new bytes after it), so a scan
 * allocates nothing per chunk and never holds more than a chunk plus a record.
 */
class RecordScan {
  private work: Buffer;
  private carryLen = 0;
  private carryLine: number;
  private reportMode = false;
  private skippingLongLine = false;
  private readonly findings: LogFinding[] = [];
  private readonly hits: number[] = [];

  constructor(
    private readonly prefilter: Prefilter,
    private readonly options: Required<Omit<MatcherOptions, 'referenceYear' | 'zone'>> & TimestampOptions,
    private readonly stats: ScanStats,
    private readonly context: LogContext,
    firstLine: number,
    private readonly onFinding?: (finding: LogFinding) => void,
    private readonly onRecord: RecordListener | null = null,
  ) {
    this.carryLine = firstLine;
    this.work = Buffer.allocUnsafe(0);
  }

  /** Where the next `n` bytes must be written (after the carried record); then call `commit`. */
  writable(n: number): Buffer {
    if (this.work.length < this.carryLen + n) {
      const grown = Buffer.allocUnsafe(Math.max(this.carryLen + n, Math.min(this.work.length * 2, this.carryLen + n + this.options.chunkBytes)));
      this.work.copy(grown, 0, 0, this.carryLen);
      this.work = grown;
    }
    return this.work.subarray(this.carryLen, this.carryLen + n);
  }

  /** Processes `n` bytes just written into `writable(n)`. */
  commit(n: number): void {
    this.stats.bytes += n;
    const start = this.carryLen;
    if (this.skippingLongLine) {
      const nl = this.work.indexOf(10, start);
      if (nl < 0 || nl >= start + n) return;
      n -= nl + 1 - start;
      this.work.copy(this.work, start, nl + 1, nl + 1 + n);
      this.skippingLongLine = false;
    }
    const length = start + n;
    if (length > this.stats.maxBufferedBytes) this.stats.maxBufferedBytes = length;
    this.process(this.work.subarray(0, length), false);
  }

  /** Adds a chunk of bytes. */
  push(chunk: Buffer): void {
    chunk.copy(this.writable(chunk.length));
    this.commit(chunk.length);
  }

  /** Flushes the last record and returns every finding of the stream. */
  end(): LogFinding[] {
    if (this.carryLen > 0) this.process(this.work.subarray(0, this.carryLen), true);
    this.carryLen = 0;
    return this.findings;
  }

  private process(block: Buffer, final: boolean): void {
    const end = final ? block.length : block.lastIndexOf(10) + 1;
    if (end === 0) {
      this.carryPartialLine(block, 0);
      return;
    }
    this.collectHits(block, end);
    const { maxRecordBytes, maxRecordLines } = this.options;
    const hits = this.hits;
    let hitIndex = 0;
    let nextHit = hits.length > 0 ? (hits[0] as number) : Infinity;
    let line = this.carryLine;
    // The open record, in locals rather than an object: millions of records per scan, and an
    // object each was a large share of the scan's garbage collection.
    let open = false;
    let recStart = 0;
    let recEnd = 0;
    let recHead = 0;
    let recLine = 0;
    let recLines = 0;
    let recCandidate = false;
    // The first line starts with a digit (a timestamp): later lines that do not are its continuation
    // (RabbitMQ 3.7+ headers whose message is on the next lines, tracebacks and pastes without prefix).
    let recTimestamped = false;
    let pos = 0;
    while (pos < end) {
      let eol = block.indexOf(10, pos);
      if (eol < 0 || eol >= end) eol = end;
      const c = block[pos] as number;
      let head = true;
      if (c === 61 && isReportHead(block, pos, eol)) {
        this.reportMode = true;
      } else if (
        open &&
        recLines < maxRecordLines &&
        eol - recStart <= maxRecordBytes &&
        (this.reportMode || c === 32 || c === 9 || (recTimestamped && !(c >= 48 && c <= 57)))
      ) {
        head = false;
      }
      if (head) {
        if (open) this.close(block, recStart, recEnd, recLine, recCandidate, recHead);
        open = true;
        recStart = pos;
        recHead = eol;
        recLine = line;
        recLines = 0;
        recCandidate = false;
        recTimestamped = c >= 48 && c <= 57;
      }
      recEnd = eol;
      recLines++;
      while (nextHit < pos) nextHit = ++hitIndex < hits.length ? (hits[hitIndex] as number) : Infinity;
      if (nextHit < eol) recCandidate = true;
      pos = eol + 1;
      line++;
    }
    if (final) {
      this.stats.lines += line - this.carryLine;
      if (open) this.close(block, recStart, recEnd, recLine, recCandidate, recHead);
      this.carryLen = 0;
      return;
    }
    // The last record may go on in the next chunk: keep it (bounded by maxRecordBytes) and re-read it.
    const keepFrom = open ? recStart : end;
    const keptLine = open ? recLine : line;
    this.stats.lines += keptLine - this.carryLine;
    this.carryLine = keptLine;
    this.carryPartialLine(block, keepFrom);
  }

  private carryPartialLine(block: Buffer, keepFrom: number): void {
    const partialStart = block.lastIndexOf(10) + 1;
    if (block.length - partialStart > this.options.maxLineBytes) {
      // A line without end in sight: keep its head, skip the rest up to the next newline.
      this.stats.truncatedLines++;
      const kept = Buffer.concat([block.subarray(keepFrom, partialStart + this.options.maxLineBytes), Buffer.from('\n')]);
      this.skippingLongLine = true;
      this.process(kept, true);
      let lines = 0;
      for (let i = kept.indexOf(10); i >= 0; i = kept.indexOf(10, i + 1)) lines++;
      this.carryLine += lines;
      return;
    }
    // Move the unfinished record to the front of the work buffer (copy handles the overlap).
    this.carryLen = block.length - keepFrom;
    if (this.carryLen > 0 && keepFrom > 0) block.copy(this.work, 0, keepFrom, block.length);
  }

  private collectHits(block: Buffer, end: number): void {
    const hits = this.hits;
    hits.length = 0;
    this.prefilter.exact?.search(block, 0, end, hits);
    if (this.prefilter.folded !== null) {
      this.prefilter.folded.search(block, 0, end, hits);
      hits.sort((a, b) => a - b);
    }
  }

  private close(block: Buffer, start: number, end: number, line: number, candidate: boolean, head: number): void {
    this.stats.records++;
    if (!candidate) {
      this.onRecord?.(block, start, end, line, false, head);
      return;
    }
    this.stats.candidates++;
    const before = this.findings.length;
    const text = block.toString('utf8', start, end);
    let folded: string | null = null;
    for (const compiled of this.prefilter.signatures) {
      let haystack = text;
      if (compiled.ignoreCase) haystack = folded ??= text.toLowerCase();
      if (!compiled.literals.some((literal) => haystack.includes(literal))) continue;
      const finding = this.match(compiled, text, line);
      if (finding) {
        this.stats.findings++;
        this.findings.push(finding);
        this.onFinding?.(finding);
      }
    }
    this.onRecord?.(block, start, end, line, this.findings.length > before, head);
  }

  private match(compiled: CompiledSignature, text: string, line: number): LogFinding | null {
    for (const pattern of compiled.patterns) {
      const m = pattern.exec(text);
      if (!m) continue;
      // Secrets are found in the whole record, so that its pieces shown below stay hidden.
      const record = this.options.redact ? new RedactableText(text) : null;
      const show = (start: number, end: number): string => (record ? record.slice(start, end) : text.slice(start, end));
      const matchEnd = m.index + m[0].length;
      const fields: Record<string, string> = {};
      for (const [name, value] of Object.entries(m.groups ?? {})) {
        if (value === undefined) continue;
        const at = text.indexOf(value, m.index);
        fields[name] = at >= 0 && at + value.length <= matchEnd ? show(at, at + value.length) : value;
      }
      const nl = text.indexOf('\n');
      const firstLine = nl < 0 ? text : text.slice(0, nl);
      const timeMs = parseLogTimestamp(firstLine, this.options);
      return {
        signature: compiled.signature.id,
        node: this.context.node,
        file: this.context.file,
        line,
        time: timeMs === null ? null : new Date(timeMs).toISOString(),
        timeMs,
        fields,
        text: evidenceText(show(0, text.length), show(0, firstLine.length), show(m.index, matchEnd), matchEnd <= TEXT_LIMIT || text === firstLine),
      };
    }
    return null;
  }
}

/** `=INFO REPORT==== ...`: an uppercase word then ` REPORT====` right after the `=` at `pos`. */
function isReportHead(block: Buffer, pos: number, eol: number): boolean {
  let i = pos + 1;
  while (i < eol && (block[i] as number) >= 65 && (block[i] as number) <= 90) i++;
  if (i === pos + 1 || i + REPORT_TAIL.length > eol) return false;
  // A loop, not Buffer.compare: the native call costs more than these 11 bytes.
  for (let k = 0; k < REPORT_TAIL.length; k++) if (block[i + k] !== REPORT_TAIL[k]) return false;
  return true;
}

function collapse(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}

/** The record as people read it: the whole of it when short, else its first line and the match. */
function evidenceText(whole: string, firstLine: string, matched: string, showWhole: boolean): string {
  const evidence = showWhole ? collapse(whole) : `${collapse(firstLine)} … ${collapse(matched)}`;
  return evidence.length > TEXT_LIMIT ? `${evidence.slice(0, TEXT_LIMIT - 1)}…` : evidence;
}
