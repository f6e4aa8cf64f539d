import { humanBytes } from '../render/bytes.js';
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { UserError } from '../errors.js';
import { CatalogError } from './catalog-error.js';
import { loadCatalog } from './catalog.js';
import { buildCausalChain, renderCausalChain, type CausalChain } from './chain.js';
import { globToRegExp, pathMatchesGlobs } from './globs.js';
import { LogMatcher, type LogFinding, type MatcherOptions, type ScanStats } from './matcher.js';
import { isLogSignature, SEVERITIES, type Catalog, type Signature } from './schema.js';
import { isValidZone } from './timestamp.js';

/** Options of an offline diagnosis. */
export interface DiagnoseOptions extends MatcherOptions {
  /** Roles per node (from the inventory); otherwise inferred from the logs each node has. */
  readonly roles?: Readonly<Record<string, readonly string[]>>;
}

/** What `diagnoseDirectory` found. */
export interface Diagnosis {
  readonly findings: readonly LogFinding[];
  readonly rootCause: { readonly signature: string; readonly node: string } | null;
  readonly chain: CausalChain | null;
  /** Log files read and bytes scanned. */
  readonly files: number;
  readonly stats: ScanStats;
  /** The machine-readable form `stackmedic diagnose --json` prints. */
  toJson(): DiagnosisJson;
}

/** `stackmedic diagnose --json` output. */
export interface DiagnosisJson {
  readonly findings: readonly {
    readonly signature: string;
    readonly node: string;
    readonly file: string;
    readonly line: number;
    readonly time: string | null;
    readonly fields: Readonly<Record<string, string>>;
  }[];
  readonly rootCause: { readonly signature: string; readonly node: string } | null;
  readonly chain: readonly string[];
}

interface LogFile {
  readonly node: string;
  /** Absolute path on the node. */
  readonly path: string;
  /** Where it is on this machine. */
  readonly local: string;
}

/**
 * Diagnoses logs copied off a cluster, laid out as `<node>/<absolute path of the log>`
 * (`node-10/var/log/rabbitmq/rabbit@node-10.log`). Each log signature reads only the files its
 * globs name (rotated and `.gz` copies included) on nodes with one of its roles; files no
 * signature wants are not read at all. Files are streamed one at a time.
 */
export async function diagnoseDirectory(dir: string, catalog: Catalog, options: DiagnoseOptions = {}): Promise<Diagnosis> {
  const logSignatures = catalog.signatures.filter(isLogSignature);
  const globs = new Map(logSignatures.map((s) => [s.id, s.source.logs.paths.map(globToRegExp)]));
  const files = await listLogs(dir);
  const roles = new Map<string, readonly string[] | null>();
  for (const node of new Set(files.map((f) => f.node))) {
    roles.set(node, options.roles?.[node] ?? inferRoles(files.filter((f) => f.node === node).map((f) => f.path)));
  }
  const matchers = new Map<string, LogMatcher>();
  const stats: ScanStats = { bytes: 0, lines: 0, records: 0, candidates: 0, findings: 0, maxBufferedBytes: 0, truncatedLines: 0 };
  const findings: LogFinding[] = [];
  let scanned = 0;
  for (const file of files) {
    const nodeRoles = roles.get(file.node) ?? null;
    const wanted = logSignatures.filter(
      (s) => pathMatchesGlobs(file.path, globs.get(s.id) ?? []) && (nodeRoles === null || s.source.logs.roles.some((r) => nodeRoles.includes(r))),
    );
    if (wanted.length === 0) continue;
    const key = wanted.map((s) => s.id).join(',');
    let matcher = matchers.get(key);
    if (!matcher) {
      matcher = new LogMatcher(wanted, options);
      matchers.set(key, matcher);
    }
    const before = { ...matcher.stats };
    try {
      findings.push(...(await matcher.scanFile(file.local, { node: file.node, file: file.path })));
    } catch (error) {
      throw new UserError(`while reading ${file.local}: ${(error as Error).message}`, 'stackmedic_diagnose_read');
    }
    addStats(stats, matcher.stats, before);
    scanned++;
  }
  findings.sort((a, b) => compareNodes(a.node, b.node) || (a.file < b.file ? -1 : a.file > b.file ? 1 : 0) || a.line - b.line);
  const chain = buildCausalChain(findings, catalog.signatures);
  const rootCause = chain ? { signature: chain.root.signature, node: chain.root.node } : null;
  return {
    findings,
    rootCause,
    chain,
    files: scanned,
    stats,
    toJson: () => ({
      findings: findings.map((f) => ({ signature: f.signature, node: f.node, file: f.file, line: f.line, time: f.time, fields: f.fields })),
      rootCause,
      chain: chain ? [chain.root.signature, ...chain.links.map((l) => l.signature)] : [],
    }),
  };
}

function addStats(total: ScanStats, after: ScanStats, before: ScanStats): void {
  total.bytes += after.bytes - before.bytes;
  total.lines += after.lines - before.lines;
  total.records += after.records - before.records;
  total.candidates += after.candidates - before.candidates;
  total.findings += after.findings - before.findings;
  total.truncatedLines += after.truncatedLines - before.truncatedLines;
  total.maxBufferedBytes = Math.max(total.maxBufferedBytes, after.maxBufferedBytes);
}

/**
 * Roles a node's logs betray: broker, database, ceph or neutron-server logs mean a controller,
 * nova-compute or libvirt logs a compute node. `null` (apply every signature) when neither shows.
 */
export function inferRoles(paths: readonly string[]): string[] | null {
  const roles: string[] = [];
  const controller =
    /^\/var\/log\/(?:rabbitmq|mysql|mariadb|ceph|pacemaker|cluster)\/|^\/var\/log\/neutron\/(?:neutron-)?server\.log|^\/var\/log\/cinder\/cinder-(?:scheduler|volume|api)\.log|^\/var\/log\/kolla\/(?:rabbitmq|mariadb)\//;
  const compute = /^\/var\/log\/nova\/nova-compute\.log|^\/var\/log\/libvirt\/|^\/var\/log\/kolla\/nova\/nova-compute\.log/;
  if (paths.some((p) => controller.test(p))) roles.push('controller');
  if (paths.some((p) => compute.test(p))) roles.push('compute');
  return roles.length > 0 ? roles : null;
}

async function listLogs(dir: string): Promise<LogFile[]> {
  let nodes: string[];
  try {
    nodes = (await readdir(dir, { withFileTypes: true }))
      .filter((e) => e.isDirectory())
      .map((e) => e.name)
      .sort(compareNodes);
  } catch (error) {
    throw new UserError(`cannot read the logs directory ${dir}: ${(error as Error).message}`, 'stackmedic_diagnose_dir');
  }
  const files: LogFile[] = [];
  for (const node of nodes) {
    const stack: string[] = [''];
    while (stack.length > 0) {
      const rel = stack.pop() as string;
      const entries = await readdir(join(dir, node, rel), { withFileTypes: true });
      for (const entry of entries.sort((a, b) => (a.name < b.name ? 1 : -1))) {
        const child = `${rel}/${entry.name}`;
        // Symlinks are skipped: copied log trees should not lead the scan elsewhere (or in loops).
        if (entry.isDirectory()) stack.push(child);
        else if (entry.isFile()) files.push({ node, path: child, local: join(dir, node, child) });
      }
    }
  }
  return files.sort((a, b) => compareNodes(a.node, b.node) || (a.path < b.path ? -1 : 1));
}

function compareNodes(a: string, b: string): number {
  return a.localeCompare(b, 'en', { numeric: true });
}

/** A diagnosis for people: verdict first, then the chain, the fix, the evidence and action items. */
export function renderDiagnosis(diagnosis: Diagnosis, signatures: readonly Signature[]): string {
  const byId = new Map(signatures.map((s) => [s.id, s]));
  const lines: string[] = [];
  if (diagnosis.findings.length === 0) {
    return `No known failure signature in ${diagnosis.files} log files (${humanBytes(diagnosis.stats.bytes)}).\n`;
  }
  const chain = diagnosis.chain;
  if (chain) {
    const root = byId.get(chain.root.signature);
    lines.push(`Root cause: ${root?.title ?? chain.root.signature} on ${chain.root.node}${chain.root.time ? ` (first seen ${chain.root.time})` : ''}`);
    lines.push(`Chain: ${renderCausalChain(chain, signatures)}`);
    if (root?.runbook) lines.push(`Fix: ${renderRunbook(root, chain.root.node)}`);
    if (root) lines.push(`Why: ${root.remediation}`);
  }
  lines.push('', `Findings (${diagnosis.findings.length} in ${diagnosis.files} files, ${humanBytes(diagnosis.stats.bytes)} scanned):`);
  const groups = new Map<string, LogFinding[]>();
  for (const f of diagnosis.findings) {
    const key = `${f.signature}\u0000${f.node}`;
    groups.set(key, [...(groups.get(key) ?? []), f]);
  }
  const rank = (id: string): number => SEVERITIES.indexOf(byId.get(id)?.severity ?? 'info');
  const ordered = [...groups.values()].sort(
    (a, b) =>
      rank((a[0] as LogFinding).signature) - rank((b[0] as LogFinding).signature) ||
      ((a[0] as LogFinding).time ?? '').localeCompare((b[0] as LogFinding).time ?? ''),
  );
  for (const group of ordered) {
    const first = group[0] as LogFinding;
    const signature = byId.get(first.signature);
    const times = group
      .map((f) => f.time)
      .filter((t): t is string => t !== null)
      .sort();
    const span = times.length > 0 ? ` ${times[0]}${times.length > 1 && times[times.length - 1] !== times[0] ? ` .. ${times[times.length - 1]}` : ''}` : '';
    lines.push(`  [${signature?.severity ?? '?'}] ${first.signature} on ${first.node} x${group.length}${span}`);
    lines.push(`      ${first.file}:${first.line}: ${first.text}`);
  }
  const actions = [...new Set(diagnosis.findings.flatMap((f) => byId.get(f.signature)?.actionItems ?? []))];
  if (actions.length > 0) lines.push('', 'Action items:', ...actions.map((a) => `  - ${a}`));
  return `${lines.join('\n')}\n`;
}

/** The runbook command of a signature for one node (`/cluster free-disk {node}` on node-10). */
export function renderRunbook(signature: Signature, node: string, fields: Readonly<Record<string, string>> = {}): string {
  return (signature.runbook ?? '').replace(/\{([^}]*)\}/g, (whole, name: string) => (name === 'node' ? node : (fields[name] ?? whole)));
}

/** Options of `runDiagnose`, as the CLI parses them. */
export interface RunDiagnoseOptions {
  readonly logsDir: string;
  readonly json: boolean;
  /** Operators' signatures (`SIGNATURES_DIR`), added to the built-ins. */
  readonly signaturesDir?: string | undefined;
  /** Zone of timestamps without offset (default UTC). */
  readonly zone?: string | undefined;
  /** Built-in catalog directory (tests). */
  readonly builtinDir?: string | undefined;
}

/**
 * `stackmedic diagnose --logs DIR [--json]`: the output to print and the exit code: 0 when nothing
 * critical or major was found, 1 when something was, 2 when the catalog or the input is unusable.
 */
export async function runDiagnose(options: RunDiagnoseOptions): Promise<{ output: string; exitCode: number }> {
  if (options.zone !== undefined && !isValidZone(options.zone)) {
    return { output: `unknown time zone ${JSON.stringify(options.zone)}: use an IANA name (Asia/Shanghai) or an offset (+08:00)\n`, exitCode: 2 };
  }
  let catalog: Catalog;
  try {
    catalog = await loadCatalog({ ...(options.builtinDir ? { builtinDir: options.builtinDir } : {}), extraDir: options.signaturesDir });
  } catch (error) {
    if (error instanceof CatalogError) return { output: `invalid signature catalog: ${error.message}\n`, exitCode: 2 };
    throw error;
  }
  let diagnosis: Diagnosis;
  try {
    diagnosis = await diagnoseDirectory(options.logsDir, catalog, options.zone ? { zone: options.zone } : {});
  } catch (error) {
    if (error instanceof UserError) return { output: `${error.message}\n`, exitCode: 2 };
    throw error;
  }
  const serious = diagnosis.findings.some((f) => {
    const severity = catalog.signatures.find((s) => s.id === f.signature)?.severity;
    return severity === 'critical' || severity === 'major';
  });
  const output = options.json ? `${JSON.stringify(diagnosis.toJson(), null, 2)}\n` : renderDiagnosis(diagnosis, catalog.signatures);
  return { output, exitCode: serious ? 1 : 0 };
}
