import { redact } from '../redact.js';
import { ErrorHeads, isErrorLine } from './error-level.js';
import type { LogContext } from './matcher.js';
import { TemplateMiner, type TemplateMinerOptions } from './template-miner.js';
import { parseLogTimestamp, type TimestampOptions } from './timestamp.js';
import { compareNodes } from '../inventory/node-order.js';

/**
 * What the catalog does not know: every error record of the logs that no signature claimed,
 * grouped into templates (see template-miner.ts), and the share of error records the catalog
 * recognised. Records come from the matcher's scan (its `onRecord` hook), so the logs are read once.
 */

/** Where a group's first record is. */
export interface RecordRef {
  readonly node: string;
  readonly file: string;
  readonly line: number;
}

/** One group of unrecognised error records, as `diagnose --json` prints it. */
export interface UnrecognisedGroup {
  readonly template: string;
  readonly count: number;
  readonly nodes: readonly string[];
  /** ISO 8601 UTC time of the earliest and latest record with a timestamp, or `null`. */
  readonly first: string | null;
  readonly last: string | null;
  readonly example: RecordRef;
}

/** How many error records there were and how many a signature claimed. */
export interface Classification {
  readonly errors: number;
  readonly classified: number;
  /** `classified / errors`, or `null` when there was no error record at all (unknown, not 100 %). */
  readonly rate: number | null;
}

/** What the collector found over every file. */
export interface UnrecognisedReport {
  /** Largest first; the position + 1 is the group's number. */
  readonly groups: readonly UnrecognisedGroup[];
  /** Unclaimed error records that came after the template bound was reached and fit no template. */
  readonly other: number;
  readonly classification: Classification;
}

/** Options of the collector. */
export interface UnrecognisedOptions extends TimestampOptions, TemplateMinerOptions {
  /** Hide secrets in the messages before they are mined (default true). */
  readonly redact?: boolean;
}

interface GroupData {
  readonly nodes: Set<string>;
  firstMs: number | null;
  lastMs: number | null;
  example: RecordRef | null;
}

/** An error record still open: oslo.log writes a traceback as many lines with one prefix. */
interface Pending {
  readonly line: number;
  readonly head: string;
  /** What is mined: the first line's message, or an Erlang report's body. */
  readonly message: string;
  /** Date, time, pid, level and logger of an oslo.log line; later records with the same are its continuation. */
  readonly osloKey: string | null;
  /** A bare Python traceback waiting for its exception line. */
  bareTraceback: boolean;
  traceback: boolean;
  exception: string | null;
  claimed: boolean;
}

/** Messages are cut to this many characters before mining. */
const MESSAGE_CHARS = 400;
// The seconds' fraction as oslo.log writes it, or twice where a deployment's format adds
// %(msecs)03d to an asctime that has its own (Sunbeam's keystone: `14:07:32,056.056`).
const OSLO = /^(\d{4}-\d\d-\d\d \d\d:\d\d:\d\d(?:[.,]\d+){0,2} +\d+ +(?:ERROR|CRITICAL) +\S+)(?: |$)/;
/**
 * The prefix pebble (the Kubernetes charms' service manager: Sunbeam) writes before each line of
 * a service's output, `2025-05-14T04:28:45.321Z [nova-scheduler] ` (with the WSGI server's own
 * time after it for the API services), then the oslo.log line.
 */
const PEBBLE = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d+)?Z \[[\w.-]+\] (?:\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{6} (?=\d{4}-\d\d-\d\d ))?/;
/** A line without the service manager's prefix, so its oslo.log prefix can be compared. */
const unwrapped = (line: string): string => line.replace(PEBBLE, '');
const SYSLOG_HEAD = /^[A-Z][a-z]{2} +\d+ \d\d:\d\d:\d\d \S+ /;
const LEADING_STAMP = /^(?:[\d\-:.,+TZ/[\]]+\s+)+/;

/** True when a line is an error record's first line (see `isErrorLine`); for tests and callers with text. */
export function isErrorHead(line: string, file: string): boolean {
  return isErrorLine(line, file);
}

/** The message of a first line without its timestamp, pid or syslog host. */
export function messageOf(line: string): string {
  const syslog = SYSLOG_HEAD.exec(line);
  const rest = syslog ? line.slice(syslog[0].length) : line.replace(LEADING_STAMP, '');
  return rest.trim();
}

/**
 * Collects unclaimed error records file by file: call `beginFile`, then `record` for every record
 * in order, then `endFile`; `report` at the end.
 */
export class UnrecognisedCollector {
  private readonly miner: TemplateMiner<GroupData>;
  private context: LogContext = { node: '', file: '' };
  private pending: Pending | null = null;
  private readonly heads = new ErrorHeads();
  private errors = 0;
  private classified = 0;
  private other = 0;

  constructor(private readonly options: UnrecognisedOptions = {}) {
    this.miner = new TemplateMiner<GroupData>(() => ({ nodes: new Set(), firstMs: null, lastMs: null, example: null }), options);
  }

  /** Starts a file; the previous one must have been ended. */
  beginFile(context: LogContext): void {
    this.context = context;
    this.heads.beginFile(context.file);
    this.pending = null;
  }

  /**
   * One record of the scan: its bytes are `block[start, end)`, its first line is `line`,
   * `claimed` says whether a signature matched it, and its first line ends at `headEnd`.
   */
  record(block: Buffer, start: number, end: number, line: number, claimed: boolean, headEnd = firstLineEnd(block, start, end)): void {
    const pending = this.pending;
    if (pending !== null && pending.bareTraceback) {
      // The line after a bare traceback's indented frames is its exception.
      pending.bareTraceback = false;
      pending.exception = block.toString('utf8', start, headEnd).trim();
      pending.claimed ||= claimed;
      return;
    }
    if (!this.heads.test(block, start, headEnd)) {
      if (pending !== null) this.flush();
      return;
    }
    const head = unwrapped(block.toString('utf8', start, headEnd));
    if (pending !== null && pending.osloKey !== null && head.startsWith(pending.osloKey)) {
      const message = head
        .slice(pending.osloKey.length)
        .replace(/^\s*\[[^\]]*\]/, '')
        .trim();
      if (message.startsWith('Traceback (most recent call last)')) pending.traceback = true;
      else if (
        pending.traceback &&
        message !== '' &&
        !message.startsWith('File "') &&
        /^[\w.]+(?:Error|Exception|Timeout|Failure|Exit|Interrupt)?:/.test(message)
      ) {
        pending.exception = message;
      }
      pending.claimed ||= claimed;
      return;
    }
    this.flush();
    const text = block.toString('utf8', start, end);
    const firstLine = text.slice(0, headEnd - start);
    const oslo = OSLO.exec(unwrapped(firstLine));
    const traceback = text.includes('Traceback (most recent call last)');
    this.pending = {
      line,
      head: firstLine,
      message: recordMessage(text, firstLine),
      osloKey: oslo ? (oslo[1] as string) : null,
      bareTraceback: firstLine.startsWith('Traceback (most recent call last)') && !lastLineIsException(text),
      traceback,
      exception: traceback ? lastLineIsException(text) : null,
      claimed,
    };
  }

  /** Ends the current file (closes its last record). */
  endFile(): void {
    this.flush();
  }

  private flush(): void {
    const record = this.pending;
    if (record === null) return;
    this.pending = null;
    this.errors++;
    if (record.claimed) {
      this.classified++;
      return;
    }
    let message = record.message;
    if (record.exception !== null && record.exception !== message) message = `${message} | ${record.exception}`;
    if (message.length > MESSAGE_CHARS) message = message.slice(0, MESSAGE_CHARS);
    if (this.options.redact !== false) message = redact(message);
    const template = this.miner.add(message);
    if (template === null) {
      this.other++;
      return;
    }
    const data = template.data;
    data.nodes.add(this.context.node);
    const ms = parseLogTimestamp(record.head, this.options);
    if (ms !== null) {
      if (data.firstMs === null || ms < data.firstMs) data.firstMs = ms;
      if (data.lastMs === null || ms > data.lastMs) data.lastMs = ms;
    }
    data.example ??= { node: this.context.node, file: this.context.file, line: record.line };
  }

  /** The groups, largest first (then earliest), and the classification rate. */
  report(): UnrecognisedReport {
    this.flush();
    const iso = (ms: number | null): string | null => (ms === null ? null : new Date(ms).toISOString());
    const groups = this.miner.templates
      .map((t) => ({
        template: t.tokens.join(' '),
        count: t.count,
        nodes: [...t.data.nodes].sort(compareNodes),
        first: iso(t.data.firstMs),
        last: iso(t.data.lastMs),
        example: t.data.example as RecordRef,
        firstMs: t.data.firstMs,
      }))
      .sort((a, b) => b.count - a.count || (a.firstMs ?? Infinity) - (b.firstMs ?? Infinity))
      .map(({ firstMs: _firstMs, ...group }) => group);
    const rate = this.errors === 0 ? null : Math.round((this.classified / this.errors) * 10000) / 10000;
    return { groups, other: this.other, classification: { errors: this.errors, classified: this.classified, rate } };
  }
}

function firstLineEnd(block: Buffer, start: number, end: number): number {
  const nl = block.indexOf(10, start);
  return nl < 0 || nl > end ? end : nl;
}

/**
 * The message of a record: its first line's, unless that is only a header (`=ERROR REPORT====
 * date ===`, or a RabbitMQ `[error] <0.1.0>` whose message is on the next lines): then the next
 * line, with the header's kind in front.
 */
function recordMessage(text: string, firstLine: string): string {
  const message = messageOf(firstLine);
  const report = firstLine.startsWith('=') ? /^=([A-Z]+ REPORT)====/.exec(firstLine) : null;
  if (report === null && message.split(/\s+/).length > 3) return message;
  // The first line of the body only: what follows (stacks, state dumps) varies in length.
  const rest = text.slice(firstLine.length, firstLine.length + MESSAGE_CHARS * 2).replace(/^\s+/, '');
  const nl = rest.indexOf('\n');
  const body = (nl < 0 ? rest : rest.slice(0, nl)).trim();
  return `${report ? (report[1] as string) : message} ${body}`.trim();
}

/** The exception line closing a traceback held in one record (its last unindented line), or `null`. */
function lastLineIsException(text: string): string | null {
  const lines = text.split('\n');
  for (let i = lines.length - 1; i > 0; i--) {
    const l = lines[i] as string;
    if (l.trim() === '') continue;
    return l.startsWith(' ') || l.startsWith('\t') ? null : l.trim();
  }
  return null;
}

/**
 * The text that ends `diagnose`'s output: the rate, then the top groups numbered by count
 * ("412 error records, 96 % recognised; 3 unrecognised groups:").
 */
export function renderUnrecognised(report: UnrecognisedReport, top = 10): string {
  const { errors, rate } = report.classification;
  const share = rate === null ? 'nothing to recognise' : `${Math.floor(rate * 100)} % recognised`;
  const groups = report.groups.length;
  const lines = [`${errors} error record${errors === 1 ? '' : 's'}, ${share}; ${groups} unrecognised group${groups === 1 ? '' : 's'}${groups > 0 ? ':' : '.'}`];
  report.groups.slice(0, top).forEach((g, i) => {
    const when = g.first === null ? '' : g.last !== null && g.last !== g.first ? ` ${g.first} .. ${g.last}` : ` ${g.first}`;
    lines.push(`  ${i + 1}. x${g.count} on ${g.nodes.join(', ')}${when}`);
    lines.push(`      ${g.template}`);
    lines.push(`      e.g. ${g.example.node}:${g.example.file}:${g.example.line}`);
  });
  if (groups > top) lines.push(`  … ${groups - top} more groups (--json lists them all)`);
  if (report.other > 0) lines.push(`  + ${report.other} error records beyond the template bound (other)`);
  return `${lines.join('\n')}\n`;
}
