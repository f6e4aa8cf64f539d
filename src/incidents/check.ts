import { clusterStatus, type ClusterStatus, type UncheckedFact } from '../health/status.js';
import { versionsOf } from '../health/versions.js';
import type { ProbeCache } from '../health/probe-cache.js';
import type { Inventory } from '../inventory/types.js';
import type { Executor } from '../ssh/types.js';
import {
  DEFAULT_FETCH_BYTES,
  DEFAULT_JOURNAL_HOURS,
  globWords,
  LogMatcher,
  logFetchCommand,
  logSignaturesForRoles,
  matchFetchedLogs,
  parseLogFetchOutput,
  UnrecognisedCollector,
  type Catalog,
  type FetchedLogs,
  type LogFinding,
  type Signature,
} from '../signatures/index.js';
import { annotateVersions } from '../signatures/versions.js';
import { remote, sh } from '../ssh/shell.js';
import { classifyFetchedErrors, DEFAULT_ERROR_FETCH_BYTES, errorFetchCommand } from './error-fetch.js';
import { evidenceOf, groupProblems } from './lifecycle.js';
import type { Evidence, ProblemGroup } from './types.js';
import { unrecognisedEvidence, type LogErrors } from './unrecognised-evidence.js';

/** How one node's logs were fetched. */
export interface NodeFetch {
  readonly node: string;
  /** Bytes the node sent back (after its own filtering and the cap). */
  readonly bytes: number;
  /** The byte cap cut the output short. */
  readonly truncated: boolean;
  readonly findings: number;
  /** Bytes the node's error fetch sent back (error records, for what no signature claimed). */
  readonly errorBytes: number;
  /** Why nothing usable came back (unreachable, a shell that refused the script...). */
  readonly problem?: string | undefined;
}

/** One health check: the cluster's state, the log evidence behind it, and the problems they make. */
export interface CheckResult {
  readonly at: Date;
  readonly status: ClusterStatus;
  readonly logFindings: readonly LogFinding[];
  readonly evidence: readonly Evidence[];
  readonly problems: readonly ProblemGroup[];
  readonly unreachable: readonly string[];
  /** Probe signatures the check could not evaluate, and where (`*`: anywhere): an incident resting on them is not green. */
  readonly unchecked: readonly UncheckedFact[];
  readonly fetches: readonly NodeFetch[];
  /** Error records of the fetched logs (within the evidence window) no signature claimed, grouped; every problem carries them as evidence. */
  readonly unrecognised: LogErrors;
  readonly durationMs: number;
}

/** Options of `runCheck`. */
export interface CheckOptions {
  readonly clock?: () => Date;
  readonly concurrency?: number;
  /** Cap on what one node's log fetch sends back (default 2 MiB). */
  readonly maxBytesPerNode?: number;
  /** Cap on what one node's error fetch sends back (default 512 KiB). */
  readonly maxErrorBytesPerNode?: number;
  /** Time zone of log timestamps that carry none (STACKMEDIC_LOG_TIMEZONE). */
  readonly logTimezone?: string;
  /** Log records older than this many hours are not evidence of a current problem (default 48). */
  readonly evidenceHours?: number;
  /**
   * Log records from before this instant are history (typically the last resolution): they were
   * the evidence of an incident already closed and must not open another.
   */
  readonly historyBefore?: string | null;
  /** Evidence the check does not gather itself (firing alerts), judged together with its own. */
  readonly external?: ExternalEvidence | undefined;
  /** The cluster's probe cache (package lists reused for a few minutes), shared with `/cluster status`. */
  readonly probeCache?: ProbeCache | undefined;
}

/** Evidence from outside the probes and logs, with the signatures it cites and the nodes whose logs it asks for. */
export interface ExternalEvidence {
  readonly evidence: readonly Evidence[];
  /** Signatures of that evidence the catalog does not have (alert-derived ones). */
  readonly signatures: readonly Signature[];
  /** Inventory nodes whose logs are fetched even when no probe finding names them. */
  readonly nodes: readonly string[];
}

/**
 * Runs one check: probes the cluster (`clusterStatus`), then fetches the logs of the nodes the
 * probe findings name, filtered on the node by the signatures' literals and capped in bytes, and
 * matches them. Log records outside the evidence window (too old, or before the last resolution)
 * are dropped. Probe, log and external evidence are then grouped into problems, one root cause each. The same
 * nodes' error records are fetched too and those no signature claimed are grouped (`unrecognised`),
 * so an incident shows what its root cause does not explain. A healthy cluster costs the probes
 * only: no finding, no log fetch.
 */
export async function runCheck(inventory: Inventory, executor: Executor, catalog: Catalog, options: CheckOptions = {}): Promise<CheckResult> {
  const clock = options.clock ?? (() => new Date());
  const started = performance.now();
  const status = await clusterStatus(inventory, executor, catalog, {
    clock,
    ...(options.concurrency ? { concurrency: options.concurrency } : {}),
    ...(options.probeCache ? { cache: options.probeCache } : {}),
  });
  const at = status.snapshot.takenAt;
  const unreachable = status.snapshot.unreachable().map((n) => n.name);
  const named = new Set([...status.findings.map((f) => f.node), ...(options.external?.nodes ?? [])]);
  const targets = inventory.nodes.filter((n) => named.has(n.name) && !unreachable.includes(n.name));
  const fetched = await Promise.all(targets.map((n) => fetchNodeLogs(n.name, n.roles, executor, catalog, options)));
  const earliest = Math.max(at.getTime() - (options.evidenceHours ?? 48) * 3_600_000, options.historyBefore ? Date.parse(options.historyBefore) : -Infinity);
  const inWindow = fetched.flatMap((f) => f.findings).filter((f) => f.timeMs === null || f.timeMs >= earliest);
  // The versions the status read say, for signatures that declare `versions`, whether the node's is fixed.
  const logFindings = annotateVersions(inWindow, catalog.signatures, versionsOf(status.snapshot));
  const evidence = [...evidenceOf([...status.findings, ...logFindings]), ...(options.external?.evidence ?? [])];
  const signatures = options.external ? [...catalog.signatures, ...options.external.signatures] : catalog.signatures;
  const unrecognised = classifyErrors(fetched, targets, catalog, { zone: options.logTimezone ?? 'UTC', earliestMs: earliest });
  const errorRow = unrecognisedEvidence(unrecognised, at.toISOString());
  return {
    at,
    status,
    logFindings,
    evidence,
    problems: groupProblems(evidence, signatures).map((p) => ({ ...p, evidence: [...p.evidence, errorRow] })),
    unreachable,
    unchecked: status.unchecked,
    fetches: fetched.map((f) => f.fetch),
    unrecognised,
    durationMs: performance.now() - started,
  };
}

/** Groups the unclaimed error records of every node whose error fetch came back. */
function classifyErrors(
  fetched: readonly { fetch: NodeFetch; errors: FetchedLogs | null }[],
  targets: readonly { name: string; roles: readonly string[] }[],
  catalog: Catalog,
  options: { zone: string; earliestMs: number },
): LogErrors {
  const collector = new UnrecognisedCollector({ zone: options.zone });
  const nodes: string[] = [];
  let truncated = false;
  fetched.forEach((f, i) => {
    const target = targets[i];
    if (!f.errors || !target) return;
    nodes.push(target.name);
    truncated ||= f.errors.truncated;
    classifyFetchedErrors(f.errors, target.name, catalog.signatures, target.roles, collector, options);
  });
  const report = collector.report();
  return { fetched: nodes.length > 0, nodes, groups: report.groups, moreGroups: 0, other: report.other, classification: report.classification, truncated };
}

async function fetchNodeLogs(
  node: string,
  roles: readonly string[],
  executor: Executor,
  catalog: Catalog,
  options: CheckOptions,
): Promise<{ fetch: NodeFetch; findings: LogFinding[]; errors: FetchedLogs | null }> {
  const command = logFetchCommand(catalog.signatures, roles, { maxBytes: options.maxBytesPerNode ?? DEFAULT_FETCH_BYTES, journalHours: journalHours(options) });
  if (!command) return { fetch: { node, bytes: 0, errorBytes: 0, truncated: false, findings: 0 }, findings: [], errors: null };
  const out = await executor.exec(node, command);
  if (!out.ok) {
    return {
      fetch: { node, bytes: 0, errorBytes: 0, truncated: false, findings: 0, problem: `while fetching logs from ${node}: ${out.message}` },
      findings: [],
      errors: null,
    };
  }
  const errors = await fetchErrors(node, roles, executor, catalog, options);
  const fetchedLogs = parseLogFetchOutput(out.stdout);
  const matcher = new LogMatcher(logSignaturesForRoles(catalog.signatures, roles), { zone: options.logTimezone ?? 'UTC' });
  const findings = matchFetchedLogs(fetchedLogs, node, matcher);
  // grep exits 1 when nothing matched; a shell that could not run the script says so on stderr.
  const problem = out.stdout === '' && out.stderr.trim() !== '' ? `while fetching logs from ${node}: ${out.stderr.trim().split('\n')[0]}` : undefined;
  return {
    fetch: {
      node,
      bytes: Buffer.byteLength(out.stdout),
      errorBytes: errors.bytes,
      truncated: fetchedLogs.truncated,
      findings: findings.length,
      ...(problem ? { problem } : {}),
    },
    findings,
    errors: problem ? null : errors.logs,
  };
}

/** Journals are read as far back as the evidence window reaches (in whole hours, at most a year). */
function journalHours(options: CheckOptions): number {
  return Math.min(24 * 366, Math.max(1, Math.ceil(options.evidenceHours ?? DEFAULT_JOURNAL_HOURS)));
}

/** A node's error records (see error-fetch.ts); `null` logs when the fetch failed, which leaves the node out of the classification. */
async function fetchErrors(
  node: string,
  roles: readonly string[],
  executor: Executor,
  catalog: Catalog,
  options: CheckOptions,
): Promise<{ bytes: number; logs: FetchedLogs | null }> {
  const command = errorFetchCommand(catalog.signatures, roles, {
    maxBytes: options.maxErrorBytesPerNode ?? DEFAULT_ERROR_FETCH_BYTES,
    journalHours: journalHours(options),
  });
  if (!command) return { bytes: 0, logs: null };
  const out = await executor.exec(node, command);
  if (!out.ok) return { bytes: 0, logs: null };
  return { bytes: Buffer.byteLength(out.stdout), logs: parseLogFetchOutput(out.stdout) };
}

/** Bytes fetched against bytes of log on the nodes, for one check. */
export interface LogFetchMeasurement {
  /** `fetchedBytes` counts both fetches of a node; `errorBytes` is the error fetch's share of it. */
  readonly nodes: readonly {
    readonly node: string;
    readonly fetchedBytes: number;
    readonly errorBytes: number;
    readonly logBytes: number;
    readonly files: number;
  }[];
  readonly fetchedBytes: number;
  readonly logBytes: number;
  /** fetchedBytes / logBytes. */
  readonly ratio: number;
}

/**
 * Measures what the remote log fetch saves: for each node, the bytes its fetches (signatures' and
 * error records') sent back and the
 * size of the log files its signatures' globs name there (live, `.1` and `.gz` rotations, as on
 * disk), read with `stat` so that nothing but sizes crosses the wire.
 */
export async function measureLogFetch(
  inventory: Inventory,
  executor: Executor,
  catalog: Catalog,
  options: { nodes?: readonly string[]; maxBytesPerNode?: number } = {},
): Promise<LogFetchMeasurement> {
  const targets = inventory.nodes.filter((n) => !options.nodes || options.nodes.includes(n.name));
  const rows = await Promise.all(
    targets.map(async (n) => {
      const fetch = await fetchNodeLogs(n.name, n.roles, executor, catalog, options.maxBytesPerNode ? { maxBytesPerNode: options.maxBytesPerNode } : {});
      const globs = [...new Set(logSignaturesForRoles(catalog.signatures, n.roles).flatMap((s) => s.source.logs.paths))];
      const fetchedBytes = fetch.fetch.bytes + fetch.fetch.errorBytes;
      if (globs.length === 0) return { node: n.name, fetchedBytes, errorBytes: fetch.fetch.errorBytes, logBytes: 0, files: 0 };
      const words = globWords(globs.flatMap((g) => [g, `${g}.1`, `${g}.*.gz`]));
      const out = await executor.exec(n.name, remote(sh`stat -L -c '%s %n' -- ${words} 2>/dev/null`, { privileged: true }));
      const sizes = new Map<string, number>();
      for (const line of out.ok ? out.stdout.split('\n') : []) {
        const m = /^(\d+) (.+)$/.exec(line);
        if (m) sizes.set(m[2] as string, Number(m[1]));
      }
      return { node: n.name, fetchedBytes, errorBytes: fetch.fetch.errorBytes, logBytes: [...sizes.values()].reduce((a, b) => a + b, 0), files: sizes.size };
    }),
  );
  const fetchedBytes = rows.reduce((a, r) => a + r.fetchedBytes, 0);
  const logBytes = rows.reduce((a, r) => a + r.logBytes, 0);
  return { nodes: rows, fetchedBytes, logBytes, ratio: logBytes > 0 ? fetchedBytes / logBytes : 0 };
}
