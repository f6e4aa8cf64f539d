import { redact, redactDeep } from '../redact.js';
import { UserError } from '../errors.js';
import { CatalogError } from './catalog-error.js';
import { loadCatalog } from './catalog.js';
import { readChain, type CausalChain, type TimeReading } from './chain.js';
import { diagnosisJson, hasCurrentProblem, renderDiagnosis, type DiagnosisJson } from './diagnosis-render.js';
import { findEmptyLogs } from './empty-logs.js';
import { copiedPackageVersions } from './node-packages.js';
import { annotateVersions } from './versions.js';
import { globToRegExp, pathMatchesGlobs } from './globs.js';
import { listLogTree, type CopiedFile } from './log-tree.js';
import { LogMatcher, type LogFinding, type MatcherOptions, type ScanStats } from './matcher.js';
import { isLogSignature, type Catalog, type LogSignature } from './schema.js';
import { applyThresholds } from './threshold.js';
import { isValidZone } from './timestamp.js';
import { renderUnrecognised, UnrecognisedCollector, type Classification, type UnrecognisedGroup, type UnrecognisedReport } from './unrecognised.js';
import { compareNodes } from '../inventory/node-order.js';

export { diagnosisJson, hasCurrentProblem, renderDiagnosis, renderRunbook, type DiagnosisJson } from './diagnosis-render.js';

/** Options of an offline diagnosis. */
export interface DiagnoseOptions extends MatcherOptions {
  /** Roles per node (from the inventory); otherwise inferred from the logs each node has. */
  readonly roles?: Readonly<Record<string, readonly string[]>>;
  /** At most this many templates of unrecognised errors are kept (default 1000; more count as "other"). */
  readonly maxTemplates?: number;
}

/** `stackmedic diagnose --json`: the diagnosis, the unrecognised error groups and the classification rate. */
export interface DiagnoseJson extends DiagnosisJson {
  readonly unrecognised: readonly UnrecognisedGroup[];
  readonly classification: Classification;
}

/** What `diagnoseDirectory` found. */
export interface Diagnosis {
  readonly findings: readonly LogFinding[];
  readonly rootCause: { readonly signature: string; readonly node: string } | null;
  readonly chain: CausalChain | null;
  /** The findings read in time order: what still holds, what recovered and when. */
  readonly reading: TimeReading;
  /** Log files read and bytes scanned. */
  readonly files: number;
  readonly stats: ScanStats;
  /** Error records no signature claimed, grouped, and the share of error records recognised. */
  readonly unrecognised: UnrecognisedReport;
  /** The machine-readable form `stackmedic diagnose --json` prints. */
  toJson(): DiagnoseJson;
}

/**
 * Diagnoses logs copied off a cluster, laid out as `<node>/<absolute path of the log>`
 * (`node-10/var/log/rabbitmq/rabbit@node-10.log`), where a node's directory may be an extracted
 * sosreport, or `dir` one sosreport (see `listLogTree`). Each log signature reads only the files
 * its globs name (rotated and `.gz` copies included) on nodes with one of its roles; a sosreport's
 * journal export is read by every signature, and what a file of the node also shows is kept once,
 * from the file (`withoutJournalCopies`); its `dmesg` stands in for the kernel log where there is
 * no kern.log. Files no signature wants are read only for their error records (none is a
 * signature's, so all are unrecognised). Files are streamed one at a time, each read once. A tree in which no file is one a signature reads
 * is refused: nothing was seen, so nothing may be called fine.
 */
export async function diagnoseDirectory(dir: string, catalog: Catalog, options: DiagnoseOptions = {}): Promise<Diagnosis> {
  const logSignatures = catalog.signatures.filter(isLogSignature);
  const globs = new Map(logSignatures.map((s) => [s.id, s.source.logs.paths.map(globToRegExp)]));
  const tree = await listLogTree(dir);
  const files = tree.files;
  const roles = new Map<string, readonly string[] | null>();
  for (const node of new Set(files.map((f) => f.node))) {
    roles.set(node, options.roles?.[node] ?? inferRoles(files.filter((f) => f.node === node && f.kind === 'log').map((f) => f.as ?? f.path)));
  }
  const readsAsFile = (s: LogSignature, file: CopiedFile): boolean => {
    const own = globs.get(s.id) ?? [];
    if (file.kind === 'log') return pathMatchesGlobs(file.as ?? file.path, own);
    if (file.kind === 'kernel') return pathMatchesGlobs('/var/log/kern.log', own) || pathMatchesGlobs('/var/log/dmesg', own);
    return false;
  };
  // The journal holds what journald got: syslog's lines, the kernel's, units that log nowhere
  // else. Every signature reads it; what a file of the node also holds is dropped below.
  const reads = (s: LogSignature, file: CopiedFile): boolean => file.kind === 'journal' || readsAsFile(s, file);
  const matchers = new Map<string, LogMatcher>();
  const stats: ScanStats = { bytes: 0, lines: 0, records: 0, candidates: 0, findings: 0, maxBufferedBytes: 0, truncatedLines: 0 };
  const findings: LogFinding[] = [];
  const unrecognised = new UnrecognisedCollector({ ...options, ...(options.maxTemplates !== undefined ? { maxTemplates: options.maxTemplates } : {}) });
  const onRecord = unrecognised.record.bind(unrecognised);
  let scanned = 0;
  for (const file of files) {
    if (file.kind === 'meta') continue;
    const nodeRoles = roles.get(file.node) ?? null;
    const wanted = logSignatures.filter((s) => reads(s, file) && (nodeRoles === null || s.source.logs.roles.some((r) => nodeRoles.includes(r))));
    // Lines without a year (syslog, the journal) take the year the sosreport was taken in.
    const year = options.referenceYear ?? tree.years.get(file.node);
    const key = `${year ?? ''}|${wanted.map((s) => s.id).join(',')}`;
    let matcher = matchers.get(key);
    if (!matcher) {
      matcher = new LogMatcher(wanted, { ...options, ...(year !== undefined ? { referenceYear: year } : {}) });
      matchers.set(key, matcher);
    }
    matcher.onRecord = onRecord;
    const before = { ...matcher.stats };
    unrecognised.beginFile({ node: file.node, file: file.path });
    try {
      findings.push(...(await matcher.scanFile(file.local, { node: file.node, file: file.path })));
    } catch (error) {
      throw new UserError(`while reading ${file.local}: ${(error as Error).message}`, 'stackmedic_diagnose_read');
    }
    unrecognised.endFile();
    // Files read only for their errors are not counted as scanned by the signatures.
    if (wanted.length === 0) continue;
    addStats(stats, matcher.stats, before);
    scanned++;
  }
  if (scanned === 0) throw new UserError(nothingToRead(dir, tree.entries, files.length), 'stackmedic_diagnose_nothing');
  const found = [
    ...withoutJournalCopies(findings, files),
    // Logs that should have lines and have none are found by size, not by reading them.
    ...(await findEmptyLogs(files, catalog.signatures, (node) => roles.get(node) ?? null)),
  ];
  // A copied dpkg database tells which findings are on a version that carries the fix.
  const packages = await copiedPackageVersions(files);
  const counted = annotateVersions(applyThresholds(found, catalog.signatures), catalog.signatures, (node) => packages.get(node));
  counted.sort((a, b) => compareNodes(a.node, b.node) || (a.file < b.file ? -1 : a.file > b.file ? 1 : 0) || a.line - b.line);
  const reading = readChain(counted, catalog.signatures);
  const chain = reading.chain;
  const rootCause = chain ? { signature: chain.root.signature, node: chain.root.node } : null;
  const diagnosis: Diagnosis = {
    findings: counted,
    rootCause,
    chain,
    reading,
    files: scanned,
    stats,
    unrecognised: unrecognised.report(),
    toJson: () => ({ ...diagnosisJson(diagnosis), unrecognised: diagnosis.unrecognised.groups, classification: diagnosis.unrecognised.classification }),
  };
  return diagnosis;
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
    /^\/var\/log\/(?:rabbitmq|mysql|mariadb|ceph|pacemaker|cluster)\/|^\/var\/log\/neutron\/(?:neutron-)?server\.log|^\/var\/log\/cinder\/cinder-(?:scheduler|volume|api)\.log|^\/var\/log\/kolla\/(?:rabbitmq|mariadb)\/|^\/var\/log\/containers\/(?:rabbitmq|mysql)\//;
  const compute = /^\/var\/log\/nova\/nova-compute\.log|^\/var\/log\/libvirt\/|^\/var\/log\/(?:kolla|containers)\/nova\/nova-compute\.log/;
  if (paths.some((p) => controller.test(p))) roles.push('controller');
  if (paths.some((p) => compute.test(p))) roles.push('compute');
  return roles.length > 0 ? roles : null;
}

/**
 * Findings of a sosreport's journal export that a file of the same node also shows: the same
 * signature with the same captures at the same second (or where one side carries no time, as the
 * saved dmesg does). syslog, a service's own log and the journal often hold one event each; it is
 * kept once, from the file, which has the finer time and the service's own name for it.
 */
function withoutJournalCopies(findings: readonly LogFinding[], files: readonly CopiedFile[]): readonly LogFinding[] {
  const journals = new Set(files.filter((f) => f.kind === 'journal').map((f) => `${f.node}\0${f.path}`));
  if (journals.size === 0) return findings;
  const inJournal = (f: LogFinding): boolean => journals.has(`${f.node}\0${f.file}`);
  const key = (f: LogFinding): string => `${f.signature}\0${f.node}\0${JSON.stringify(Object.entries(f.fields).sort())}`;
  const elsewhere = new Map<string, (number | null)[]>();
  for (const f of findings) {
    if (inJournal(f)) continue;
    const times = elsewhere.get(key(f));
    if (times) times.push(f.timeMs);
    else elsewhere.set(key(f), [f.timeMs]);
  }
  const copied = (f: LogFinding): boolean => (elsewhere.get(key(f)) ?? []).some((t) => t === null || f.timeMs === null || Math.abs(t - f.timeMs) < 1000);
  return findings.filter((f) => !inJournal(f) || !copied(f));
}

/**
 * Why a tree gave nothing to read, and how to lay it out: saying "no known failure" of logs that
 * were never read would report as fine what was not seen.
 */
function nothingToRead(dir: string, entries: readonly string[], files: number): string {
  const shown = entries.slice(0, 8).join(', ') + (entries.length > 8 ? `, … (${entries.length} entries)` : '');
  return [
    `no log that a signature reads under ${dir} (${files} files looked at${entries.length > 0 ? `; it holds ${shown}` : ', it is empty'}), so nothing was diagnosed.`,
    'Lay the logs out as <node>/var/log/... (one directory per node, e.g. node-10/var/log/rabbitmq/),',
    'or give an extracted sosreport (or a directory of them); a .tar.xz must be extracted first.',
  ].join('\n');
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
  /** Hide secrets in the output (default true; `--no-redact` for an operator reading their own logs). */
  readonly redact?: boolean | undefined;
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
  const hide = options.redact !== false;
  let diagnosis: Diagnosis;
  try {
    diagnosis = await diagnoseDirectory(options.logsDir, catalog, { ...(options.zone ? { zone: options.zone } : {}), redact: hide });
  } catch (error) {
    if (error instanceof UserError) return { output: `${error.message}\n`, exitCode: 2 };
    throw error;
  }
  const serious = hasCurrentProblem(diagnosis, catalog.signatures);
  // Findings were redacted as they were made; the whole output is too, as every door's is.
  const text = (): string => `${renderDiagnosis(diagnosis, catalog.signatures)}\n${renderUnrecognised(diagnosis.unrecognised)}`;
  const output = options.json ? `${JSON.stringify(hide ? redactDeep(diagnosis.toJson()) : diagnosis.toJson(), null, 2)}\n` : hide ? redact(text()) : text();
  return { output, exitCode: serious ? 1 : 0 };
}
