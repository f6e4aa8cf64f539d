import { UserError } from '../errors.js';
import { remote, sh, ShellScript, type RemoteCommand } from '../ssh/shell.js';
import { EMPTY_LOG_MARKER, emptyLogFinding, emptyLogSignaturesForRoles, parseEmptyLogLine, type EmptyLog } from './empty-logs.js';
import { globProblem } from './globs.js';
import type { LogFinding, LogMatcher } from './matcher.js';
import { signatureLiterals } from './prefilter.js';
import { isLogSignature, JOURNAL_UNIT_CHARSET, type EmptyLogSignature, type LogSignature, type Signature } from './schema.js';
import { applyThresholds } from './threshold.js';

/**
 * Remote log fetching: logs are filtered on the node with `grep -F` on the same literals the
 * matcher's prefilter uses, capped in bytes, and the output is parsed back into runs of lines
 * that go through the same `LogMatcher` as offline analysis.
 */

/** Default cap on what one node sends back (bytes). */
export const DEFAULT_FETCH_BYTES = 2 * 1024 * 1024;

/**
 * Context lines for multi-line formats. In old RabbitMQ reports the text the literals find is on
 * a line after the `=INFO REPORT==== <time> ===` header (up to five lines after it for the
 * `recovery.dets ... enospc` crash report) and a match can continue on the next lines, so grep
 * prints 6 lines before and 2 after each hit. The alternative, `-A 3` on every report header,
 * would send most of a RabbitMQ log back; this sends at most 9 lines per hit, and the parser
 * rebuilds the records (header included) from those runs.
 */
const MULTILINE_CONTEXT = ['-B', '6', '-A', '2'] as const;

/** How far back a unit's journal is read, by default (hours): the incident check's evidence window. */
export const DEFAULT_JOURNAL_HOURS = 48;

/**
 * The newest bytes of one unit's journal (within the time bound) that grep sees: a unit that logs
 * a flood cannot make the node read or send more than this for it.
 */
export const JOURNAL_READ_BYTES = 16 * 1024 * 1024;

/** Label of the kernel ring buffer's lines in the fetched output (a file name would be a lie). */
export const DMESG_LABEL = 'dmesg';

/** Label of a unit's journal lines in the fetched output: `journal:<unit or glob>`. */
export const JOURNAL_LABEL_PREFIX = 'journal:';

/** Logs of every OpenStack service, for `/trace req-...`. */
export const TRACE_GLOBS = [
  '/var/log/nova/*.log',
  '/var/log/neutron/*.log',
  '/var/log/cinder/*.log',
  '/var/log/glance/*.log',
  '/var/log/keystone/*.log',
  '/var/log/heat/*.log',
  '/var/log/kolla/*/*.log',
  // TripleO: each container's log dir, bind-mounted from /var/log/containers/<service>/.
  '/var/log/containers/*/*.log',
] as const;

/** Log signatures that apply to a node with these roles. */
export function logSignaturesForRoles(signatures: readonly Signature[], roles: readonly string[]): LogSignature[] {
  return signatures.filter(isLogSignature).filter((s) => s.source.logs.roles.some((r) => roles.includes(r)));
}

/** Options of `logFetchCommand`. */
export interface LogFetchOptions {
  /** Cap on what the node sends back, in bytes (default `DEFAULT_FETCH_BYTES`). */
  readonly maxBytes?: number;
  /** How far back units' journals are read, in whole hours (default `DEFAULT_JOURNAL_HOURS`). */
  readonly journalHours?: number;
}

/**
 * The command that greps a node's logs (live, `.1` and `.N.gz` rotations), the journal of the
 * units the catalog names and, where no kernel log file exists, `dmesg`, for the literals of the
 * signatures relevant to its roles; `null` when no log signature applies.
 */
export function logFetchCommand(signatures: readonly Signature[], roles: readonly string[], options: LogFetchOptions = {}): RemoteCommand | null {
  const hours = options.journalHours ?? DEFAULT_JOURNAL_HOURS;
  if (!Number.isInteger(hours) || hours <= 0 || hours > 24 * 366) throw new RangeError('journalHours must be a whole number of hours, at most a year');
  const relevant = logSignaturesForRoles(signatures, roles);
  const empties = emptyLogSignaturesForRoles(signatures, roles);
  if (relevant.length === 0 && empties.length === 0) return null;
  const groups = new Map<string, LogSignature[]>();
  for (const s of relevant) {
    const key = `${s.source.logs.multiline ? 'm' : 'l'}${s.ignoreCase ? 'i' : 'c'}`;
    groups.set(key, [...(groups.get(key) ?? []), s]);
  }
  const parts = [...groups.entries()].sort().map(([key, group]) => {
    const literals = [...new Set(group.flatMap((s) => signatureLiterals(s)))];
    const globs = [...new Set(group.flatMap((s) => s.source.logs.paths))];
    const flags = [...(key.startsWith('m') ? MULTILINE_CONTEXT : []), ...(key.endsWith('i') ? ['-i'] : [])];
    const units = [...new Set(group.flatMap((s) => s.source.logs.journal ?? []))];
    const kernel = group.some((s) => s.source.logs.kernel === true);
    return grepScript(literals, globs, flags, { units, kernel, hours });
  });
  // Last, so that the cap (which keeps the end) never cuts these few lines away.
  parts.push(...empties.map(emptyLogScript));
  return withCap(ShellScript.join(parts, '; '), options.maxBytes ?? DEFAULT_FETCH_BYTES);
}

/**
 * `/trace req-<uuid>`: every line of every OpenStack service log (rotations included) carrying the
 * request id. Anything but a well-formed request id is refused before a command is built.
 */
export function traceCommand(requestId: string, options: { maxBytes?: number } = {}): RemoteCommand {
  if (!/^req-[0-9a-f-]{36}$/.test(requestId)) {
    throw new UserError(
      `${JSON.stringify(requestId.slice(0, 80))} is not a request id: expected req- followed by a 36-character uuid (req-36aaf95c-53ed-4b77-8bc9-9cc0f6d90feb)`,
      'stackmedic_bad_request_id',
    );
  }
  return withCap(grepScript([requestId], TRACE_GLOBS, []), options.maxBytes ?? DEFAULT_FETCH_BYTES);
}

/** First line of every fetch's output: when the cap cut it away, the output was truncated. */
export const FETCH_START_MARKER = '@@stackmedic-fetch';

/**
 * Caps the output at its END: files are read oldest first (rotations, then `.1`, then the live
 * log), so when a noisy node overflows the cap, what is dropped is the oldest lines, not the
 * incident's. The marker line tells the parser whether the cut happened (and that the first line
 * it got is partial).
 */
function withCap(script: ShellScript, maxBytes: number): RemoteCommand {
  if (!Number.isInteger(maxBytes) || maxBytes <= 0) throw new RangeError('maxBytes must be a positive integer');
  return remote(sh`{ echo ${FETCH_START_MARKER}; ${script}; } | tail -c ${maxBytes}`, { privileged: true });
}

/**
 * `gzip -dc | grep --label` on `.gz` rotations (logrotate's numbered `x.2.gz` and dateext
 * `x-20240101.gz`), then grep on plain dateext rotations, `.1` and the live file. Not `zgrep`: it
 * refuses `-Z`, and without NUL-separated file names a rotated name like
 * `nova-api.log.1.2017-05-16_13:53:08` cannot be told apart from the line number that follows.
 */
function grepScript(
  literals: readonly string[],
  globs: readonly string[],
  flags: readonly string[],
  streams: { units: readonly string[]; kernel: boolean; hours: number } = { units: [], kernel: false, hours: DEFAULT_JOURNAL_HOURS },
): ShellScript {
  // The group's patterns are written once, as the positional parameters, and every grep below
  // reads them as "$@": the command must fit one SSH packet (35,000 bytes is what every server
  // must accept, and all that ssh2 and dropbear accept) as the catalog grows.
  const setPatterns = sh`set -- ${ShellScript.join(
    literals.map((l) => sh`-e ${l}`),
    ' ',
  )}`;
  const patterns = ShellScript.raw('"$@"');
  // `-2???????` is logrotate's dateext (-YYYYMMDD), the RHEL default; a glob nothing matches
  // stays literal and grep's complaint about it goes to /dev/null.
  const live = globWords(globs.flatMap((g) => [`${g}-2???????`, `${g}.1`, g]));
  const rotated = globWords(globs.flatMap((g) => [`${g}.*.gz`, `${g}-2???????.gz`]));
  const options = flags.length > 0 ? sh` ${[...flags]}` : ShellScript.raw('');
  const files = sh`for f in ${rotated}; do [ -f "$f" ] && gzip -dc -- "$f" 2>/dev/null | grep -H -Z -n -F${options} --label="$f" ${patterns}; done`;
  const liveFiles = sh`grep -H -Z -n -F${options} ${patterns} -- ${live} 2>/dev/null`;
  // Oldest first (compressed rotations, then the journal and the ring buffer, which hold the last
  // hours, then `.1` and live files, read by one grep), so that the cap at the end keeps the newest.
  return ShellScript.join(
    [setPatterns, files, ...journalScript(streams.units, streams.hours, options, patterns), ...dmesgScript(streams.kernel, options, patterns), liveFiles],
    '; ',
  );
}

/**
 * `journalctl -u` per unit, time-bounded and capped, labelled `journal:<unit>`. Units come from
 * the catalog (checked against a unit-name charset when it loaded, again here) and are quoted.
 * Nodes without journalctl skip it.
 */
function journalScript(units: readonly string[], hours: number, options: ShellScript, patterns: ShellScript): ShellScript[] {
  if (units.length === 0) return [];
  for (const unit of units)
    if (!JOURNAL_UNIT_CHARSET.test(unit)) throw new Error(`refusing journal unit ${JSON.stringify(unit)}: expected a systemd unit name or glob`);
  const label = `${JOURNAL_LABEL_PREFIX}$u`;
  return [
    sh`if command -v journalctl >/dev/null 2>&1; then for u in ${[...units]}; do journalctl --no-pager -q -o short-iso --since=-${hours}h -u "$u" 2>/dev/null | tail -c ${JOURNAL_READ_BYTES} | grep -H -Z -n -F${options} --label="${ShellScript.raw(label)}" ${patterns}; done; fi`,
  ];
}

/**
 * The kernel ring buffer (ISO times where dmesg can print them), only where the node keeps no
 * kernel log file: otherwise the same lines would be found twice.
 */
function dmesgScript(kernel: boolean, options: ShellScript, patterns: ShellScript): ShellScript[] {
  if (!kernel) return [];
  return [
    sh`if [ ! -e /var/log/kern.log ] && [ ! -e /var/log/messages ] && command -v dmesg >/dev/null 2>&1; then { dmesg --time-format=iso 2>/dev/null || dmesg 2>/dev/null; } | grep -H -Z -n -F${options} --label=${DMESG_LABEL} ${patterns}; fi`,
  ];
}

/**
 * One line per file the signature names that exists with no bytes, and per witness that has
 * bytes (the daemon runs): `@@stackmedic-empty <signature> <file> <witness>`.
 */
function emptyLogScript(signature: EmptyLogSignature): ShellScript {
  const marker = sh`${EMPTY_LOG_MARKER} ${signature.id}`;
  return sh`for f in ${globWords(signature.source.logs.paths)}; do if [ -f "$f" ] && [ ! -s "$f" ]; then for w in ${globWords(signature.empty.witnesses)}; do if [ -s "$w" ]; then echo ${marker} "$f" "$w"; fi; done; fi; done`;
}

/**
 * Log globs as shell words the remote shell expands. Each is checked here, again, against a
 * charset that is inert in a shell word (no quotes, `$`, spaces, `;`...): the catalog checked them
 * when it loaded, but this is the one place where text goes into a command unquoted.
 */
export function globWords(globs: readonly string[]): ShellScript {
  for (const glob of globs) {
    const problem = globProblem(glob);
    if (problem) throw new Error(`refusing log glob ${JSON.stringify(glob)}: expected ${problem}`);
  }
  return ShellScript.raw(globs.join(' '));
}

/** A contiguous run of lines of one file, as grep printed them. */
export interface FetchedLines {
  readonly file: string;
  /** Line number of the first line of `text`. */
  readonly firstLine: number;
  readonly text: string;
}

/** Parsed output of a log fetch: runs of lines, empty logs, and whether the byte cap cut it short. */
export interface FetchedLogs {
  readonly runs: readonly FetchedLines[];
  readonly truncated: boolean;
  /** Logs the catalog expects lines in that exist with none (one entry per signature and file). */
  readonly empty?: readonly EmptyLog[];
}

/**
 * Parses `grep -H -Z -n` output (`file\0line:text`, `file\0line-text` for context, `--` between
 * groups) into runs of consecutive lines per file. Lines printed twice (by two greps over the same
 * file) are kept once; a first line cut by the byte cap is dropped.
 */
export function parseLogFetchOutput(stdout: string): FetchedLogs {
  const lines = stdout.split('\n');
  lines.pop();
  // Without the marker the cap cut the start away: the first line is a fragment.
  const truncated = lines[0] !== FETCH_START_MARKER && stdout.length > 0;
  lines.shift();
  const byFile = new Map<string, Map<number, string>>();
  const empty = new Map<string, EmptyLog>();
  for (const line of lines) {
    const e = parseEmptyLogLine(line);
    if (e) {
      if (!empty.has(`${e.signature} ${e.file}`)) empty.set(`${e.signature} ${e.file}`, e);
      continue;
    }
    const nul = line.indexOf('\0');
    if (nul < 0) continue;
    const m = /^(\d+)[:-]/.exec(line.slice(nul + 1));
    if (!m) continue;
    const file = line.slice(0, nul);
    const number = Number(m[1]);
    let fileLines = byFile.get(file);
    if (!fileLines) byFile.set(file, (fileLines = new Map()));
    if (!fileLines.has(number)) fileLines.set(number, line.slice(nul + 1 + m[0].length));
  }
  const runs: FetchedLines[] = [];
  for (const [file, fileLines] of byFile) {
    const numbers = [...fileLines.keys()].sort((a, b) => a - b);
    let start = 0;
    for (let i = 1; i <= numbers.length; i++) {
      if (i === numbers.length || numbers[i] !== (numbers[i - 1] as number) + 1) {
        const run = numbers.slice(start, i);
        runs.push({ file, firstLine: run[0] as number, text: `${run.map((n) => fileLines.get(n)).join('\n')}\n` });
        start = i;
      }
    }
  }
  return empty.size > 0 ? { runs, truncated, empty: [...empty.values()] } : { runs, truncated };
}

/** Runs fetched log lines of one node through the matcher (the same one offline diagnosis uses). */
export function matchFetchedLogs(fetched: FetchedLogs, node: string, matcher: LogMatcher): LogFinding[] {
  const findings = fetched.runs.flatMap((run) => matcher.scanText(run.text, { node, file: run.file }, run.firstLine));
  return [...applyThresholds(findings, matcher.signatures), ...(fetched.empty ?? []).map((e) => emptyLogFinding(node, e))];
}
