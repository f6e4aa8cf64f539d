import {
  DEFAULT_JOURNAL_HOURS,
  FETCH_START_MARKER,
  globWords,
  JOURNAL_LABEL_PREFIX,
  JOURNAL_READ_BYTES,
  JOURNAL_UNIT_CHARSET,
  LogMatcher,
  logSignaturesForRoles,
  parseLogTimestamp,
  UnrecognisedCollector,
  type FetchedLogs,
  type RecordListener,
  type Signature,
} from '../signatures/index.js';
import { remote, sh, ShellScript, type RemoteCommand } from '../ssh/shell.js';

/**
 * The error records of a node's logs, fetched for the incident check to group what no signature
 * claimed. The signature fetch sends back only lines carrying a signature's literals, so an error
 * nobody has a signature for never comes with it; this second, separately capped grep sends back
 * the lines that carry an error level (and two lines after each, for reports whose message is on
 * the next line), from the same files the node's signatures read.
 */

/** Cap on what one node's error fetch sends back (bytes): less than the signature fetch, which must never be crowded out. */
export const DEFAULT_ERROR_FETCH_BYTES = 512 * 1024;

/**
 * What marks an error record's first line, as `grep -F` patterns: oslo.log's level word, RabbitMQ's
 * `[error]` and Erlang error reports, logfmt and JSON levels, and Python's traceback header. The
 * grep only narrows: the collector's own level check decides what is an error record.
 */
const ERROR_NEEDLES = [
  ' ERROR ',
  ' CRITICAL ',
  '[error]',
  '=ERROR REPORT====',
  'level=error',
  'level=ERROR',
  '"error"',
  '"ERROR"',
  '"CRITICAL"',
  'Traceback (most recent call last)',
] as const;

/** Lines that say error (grep -E), in files of kernel lines only (kern.log, a saved dmesg). */
const SAYS_ERROR = '[Ee]rror|ERROR';
/** Kernel lines that say error, in files that mix them with others (syslog, messages). */
const KERNEL_SAYS_ERROR = 'kernel: .*([Ee]rror|ERROR)';

/** How the collector reads a file's lines: all the kernel's, some of them, or none. */
function kernelLines(glob: string): 'all' | 'some' | 'none' {
  if (glob.includes('kern.log') || glob.includes('dmesg')) return 'all';
  return glob.includes('syslog') || glob.includes('messages') ? 'some' : 'none';
}

/** Options of `errorFetchCommand`. */
export interface ErrorFetchOptions {
  /** Cap on what the node sends back (default `DEFAULT_ERROR_FETCH_BYTES`). */
  readonly maxBytes?: number;
  /** How far back units' journals are read, in whole hours (default `DEFAULT_JOURNAL_HOURS`). */
  readonly journalHours?: number;
}

/**
 * The command that greps a node's error lines from the `.1` and live files its signatures' globs
 * name (compressed rotations are older than an incident's window and cost a decompression each
 * check) and from the journal of the units they name (time-bounded, labelled `journal:<unit>` as
 * the signature fetch labels them), oldest first and capped at the end so the newest are kept;
 * `null` when no log signature applies to its roles.
 */
export function errorFetchCommand(signatures: readonly Signature[], roles: readonly string[], options: ErrorFetchOptions = {}): RemoteCommand | null {
  const relevant = logSignaturesForRoles(signatures, roles);
  const globs = [...new Set(relevant.flatMap((s) => s.source.logs.paths))];
  const units = [...new Set(relevant.flatMap((s) => s.source.logs.journal ?? []))];
  if (globs.length === 0 && units.length === 0) return null;
  const maxBytes = options.maxBytes ?? DEFAULT_ERROR_FETCH_BYTES;
  const hours = options.journalHours ?? DEFAULT_JOURNAL_HOURS;
  if (!Number.isInteger(maxBytes) || maxBytes <= 0) throw new RangeError('maxBytes must be a positive integer');
  if (!Number.isInteger(hours) || hours <= 0 || hours > 24 * 366) throw new RangeError('journalHours must be a whole number of hours, at most a year');
  const patterns = ShellScript.join(
    ERROR_NEEDLES.map((n) => sh`-e ${n}`),
    ' ',
  );
  const parts: ShellScript[] = [];
  if (globs.length > 0) parts.push(sh`grep -H -Z -n -F -A 2 ${patterns} -- ${globWords(globs.map((g) => `${g}.1`))} 2>/dev/null`);
  if (units.length > 0) {
    // Checked when the catalog loaded and again here, as every text that reaches a command is.
    for (const unit of units) {
      if (!JOURNAL_UNIT_CHARSET.test(unit)) throw new Error(`refusing journal unit ${JSON.stringify(unit)}: expected a systemd unit name or glob`);
    }
    const label = ShellScript.raw(`${JOURNAL_LABEL_PREFIX}$u`);
    parts.push(
      sh`if command -v journalctl >/dev/null 2>&1; then for u in ${units}; do journalctl --no-pager -q -o short-iso --since=-${hours}h -u "$u" 2>/dev/null | tail -c ${JOURNAL_READ_BYTES} | grep -H -Z -n -F -A 2 --label="${label}" ${patterns}; done; fi`,
    );
  }
  if (globs.length > 0) parts.push(sh`grep -H -Z -n -F -A 2 ${patterns} -- ${globWords(globs)} 2>/dev/null`);
  // Kernel lines carry no level word: both words on one line take grep -E, one grep per kind of file.
  for (const [kind, pattern] of [
    ['all', SAYS_ERROR],
    ['some', KERNEL_SAYS_ERROR],
  ] as const) {
    const kernel = globs.filter((g) => kernelLines(g) === kind);
    if (kernel.length > 0) parts.push(sh`grep -H -Z -n -E -e ${pattern} -- ${globWords(kernel.flatMap((g) => [`${g}.1`, g]))} 2>/dev/null`);
  }
  return remote(sh`{ echo ${FETCH_START_MARKER}; ${ShellScript.join(parts, '; ')}; } | tail -c ${maxBytes}`, { privileged: true });
}

/** Options of `classifyFetchedErrors`. */
export interface ClassifyOptions {
  /** Zone of timestamps without an offset. */
  readonly zone: string;
  /** Records stamped before this instant (epoch ms) are outside the incident's window and not counted. */
  readonly earliestMs: number;
}

/**
 * Runs a node's fetched error lines through the matcher of its signatures and the collector: each
 * error record is counted, as recognised when a signature claimed it, else into its template's
 * group. A record stamped before the window is skipped with the lines that continue it.
 */
export function classifyFetchedErrors(
  fetched: FetchedLogs,
  node: string,
  signatures: readonly Signature[],
  roles: readonly string[],
  collector: UnrecognisedCollector,
  options: ClassifyOptions,
): void {
  const matcher = new LogMatcher(logSignaturesForRoles(signatures, roles), { zone: options.zone });
  let skipping = false;
  const onRecord: RecordListener = (block, start, end, line, claimed, headEnd) => {
    const ms = parseLogTimestamp(block.toString('utf8', start, Math.min(headEnd, start + 160)), { zone: options.zone });
    if (ms !== null) skipping = ms < options.earliestMs;
    if (skipping) return;
    collector.record(block, start, end, line, claimed, headEnd);
  };
  matcher.onRecord = onRecord;
  for (const run of fetched.runs) {
    skipping = false;
    collector.beginFile({ node, file: run.file });
    matcher.scanText(run.text, { node, file: run.file }, run.firstLine);
    collector.endFile();
  }
}
