import { remote, shellQuote, ShellScript } from '../ssh/shell.js';
import { isRecord, lines, num, rawText, str, strings, tryJson } from './text.js';
import { ok, unknown, type Probe, type ProbeOutput, type ProbeResult } from './types.js';

/** One health check (Luminous+ `checks`) or summary line (older releases, no code). */
export interface CephHealthCheck {
  /** `MON_DOWN`, `OSD_DOWN` ...; undefined for pre-Luminous summaries. */
  readonly code: string | undefined;
  readonly severity: string;
  readonly summary: string;
}

/** `ceph -s` of a cluster whose monitors answered. */
export interface CephReachable {
  readonly running: true;
  /** HEALTH_OK, HEALTH_WARN or HEALTH_ERR. */
  readonly health: string;
  readonly checks: readonly CephHealthCheck[];
  /** Monitors in the monmap, when the output says. */
  readonly monsTotal: number | undefined;
  readonly quorum: readonly string[];
  /** Monitors known by name that are not in quorum (only when the monmap lists names). */
  readonly outOfQuorum: readonly string[];
  /**
   * Every monitor of the monmap by name: from `ceph -s` up to Nautilus, from `ceph quorum_status`
   * since Octopus (whose `ceph -s` gives only a count). Undefined when neither listed names, and
   * then `outOfQuorum` cannot name anyone. Optional only so values built before the field existed
   * still type-check.
   */
  readonly mons?: readonly string[] | undefined;
}

/** The ceph CLI could not reach a monitor quorum (it timed out or failed to connect). */
export interface CephUnreachable {
  readonly running: false;
  readonly message: string;
}

/** The value of the `ceph-status` probe. */
export type CephStatus = CephReachable | CephUnreachable;

const UNREACHABLE = [/error connecting to the cluster/i, /authenticate timed out/i, /monclient.*hunting/i, /ObjectNotFound/];

/**
 * `ceph -s`, then (when it answered) `ceph quorum_status`, each followed by a marker line with its
 * exit code, so the parser can tell the two outputs and their failures apart. A cluster without
 * monitor quorum makes `ceph -s` wait until `timeout` stops it (exit 124); quorum_status is then
 * not run. `ceph` is the command that runs the CLI where the deployment has it; `slow` allows for
 * cephadm starting a container per call.
 */
function statusScript(ceph: string, slow: boolean): string {
  const [s, q] = slow ? [25, 15] : [20, 8];
  return `timeout ${s} ${ceph} -s -f json; rc=$?; echo; echo "@@ceph-s exit $rc"; if [ $rc -eq 0 ]; then timeout ${q} ${ceph} quorum_status -f json; rc=$?; echo; echo "@@quorum_status exit $rc"; fi`;
}

/**
 * Runs the status script where the deployment runs ceph, told on the node in the same command:
 * - ceph-ansible (TripleO up to OSP 16, docker on OSP 13) names each monitor's container
 *   `ceph-mon-<short hostname>`: the name the engine lists is handed to `sh` as `c=NAME` ahead of
 *   the script (engines allow only `[a-zA-Z0-9][a-zA-Z0-9_.-]*` in names, nothing a shell reads
 *   as code), which runs `ceph` in it with `exec`;
 * - cephadm (TripleO OSP 17, any cephadm cluster) runs no `ceph` on the host: `cephadm shell -- ceph`
 *   starts the cluster's image with the monitor's config and the admin keyring;
 * - otherwise the host's `ceph` (classic nodes, kolla's ceph-common).
 * Sources: test/fixtures/deployment/tripleo/SOURCE.md.
 */
function cephScript(): string {
  const monContainer = ['podman', 'docker'].map((engine) => {
    const listed = `${engine} ps --format '{{.Names}}' 2>/dev/null | grep -q '^ceph-mon-'`;
    const handOver = `(${engine} ps --format 'c={{.Names}}' | grep '^c=ceph-mon-' | head -1; echo ${shellQuote(statusScript(`${engine} exec "$c" ceph`, false))}) | sh`;
    return `${listed}; then ${handOver}`;
  });
  const cephadm = `command -v cephadm >/dev/null 2>&1; then ${statusScript('cephadm shell -- ceph', true)}`;
  return `if ${[...monContainer, cephadm].join('; elif ')}; else ${statusScript('ceph', false)}; fi`;
}

const CEPH_STATUS_SCRIPT = cephScript();

/** One command's part of the probe output. */
interface Part {
  readonly stdout: string;
  readonly exitCode: number | null;
}

/** Splits the probe output at its marker lines; output without markers is `ceph -s` alone. */
function splitParts(output: ProbeOutput): { status: Part; quorum: Part | undefined } {
  const status = /^@@ceph-s exit (\d+)$/m.exec(output.stdout);
  if (!status) return { status: { stdout: output.stdout, exitCode: output.exitCode }, quorum: undefined };
  const rest = output.stdout.slice(status.index + status[0].length);
  const quorum = /^@@quorum_status exit (\d+)$/m.exec(rest);
  return {
    status: { stdout: output.stdout.slice(0, status.index), exitCode: Number(status[1]) },
    quorum: quorum ? { stdout: rest.slice(0, quorum.index), exitCode: Number(quorum[1]) } : undefined,
  };
}

function monNamesOf(monmap: Record<string, unknown> | undefined): string[] {
  return monmap && Array.isArray(monmap['mons'])
    ? monmap['mons']
        .filter(isRecord)
        .map((m) => str(m, 'name') ?? '')
        .filter((n) => n !== '')
    : [];
}

/** `ceph quorum_status -f json`: the monmap's monitors by name and those in quorum, when it answered. */
function readQuorumStatus(part: Part | undefined): { mons: string[]; quorum: string[] } | undefined {
  if (!part || part.exitCode !== 0) return undefined;
  const start = part.stdout.indexOf('{');
  const parsed = start < 0 ? undefined : tryJson(part.stdout.slice(start));
  if (!parsed?.ok || !isRecord(parsed.value) || !Array.isArray(parsed.value['quorum_names'])) return undefined;
  const mons = monNamesOf(isRecord(parsed.value['monmap']) ? parsed.value['monmap'] : undefined);
  return mons.length > 0 ? { mons, quorum: strings(parsed.value, 'quorum_names') } : undefined;
}

/**
 * Reads the probe's `ceph -s -f json` from Hammer/Jewel (`overall_status`, `summary`) to Squid
 * (`status`, `checks`), and the monitor names from `ceph quorum_status -f json` where `-s` has none.
 */
export function parseCephStatus(output: ProbeOutput): ProbeResult<CephStatus> {
  const raw = rawText(output);
  const { status: part, quorum: quorumPart } = splitParts(output);
  const start = part.stdout.indexOf('{');
  if (start < 0) {
    if (part.exitCode === 124) return ok({ running: false, message: 'ceph -s timed out: no monitor answered' });
    const line = lines(output.stderr).find((l) => UNREACHABLE.some((p) => p.test(l)));
    if (line) return ok({ running: false, message: line.trim() });
    return unknown('no JSON in ceph -s output', raw);
  }
  const parsed = tryJson(part.stdout.slice(start));
  if (!parsed.ok) return unknown(`ceph -s JSON is malformed: ${parsed.error}`, raw);
  const doc = parsed.value;
  if (!isRecord(doc) || !isRecord(doc['health'])) return unknown('ceph -s JSON has no health object', raw);
  const health = doc['health'];
  const status = str(health, 'status') ?? str(health, 'overall_status');
  if (!status) return unknown('ceph -s JSON has no health status', raw);
  const checks: CephHealthCheck[] = [];
  if (isRecord(health['checks'])) {
    for (const [code, check] of Object.entries(health['checks'])) {
      if (!isRecord(check)) continue;
      const summary = isRecord(check['summary']) ? str(check['summary'], 'message') : str(check, 'summary');
      checks.push({ code, severity: str(check, 'severity') ?? status, summary: summary ?? '' });
    }
  } else if (Array.isArray(health['summary'])) {
    for (const item of health['summary']) {
      if (isRecord(item)) checks.push({ code: undefined, severity: str(item, 'severity') ?? status, summary: str(item, 'summary') ?? '' });
    }
  }
  const monmap = isRecord(doc['monmap']) ? doc['monmap'] : undefined;
  const fromStatus = monNamesOf(monmap);
  const fromQuorum = readQuorumStatus(quorumPart);
  const monNames = fromStatus.length > 0 ? fromStatus : (fromQuorum?.mons ?? []);
  const quorum = fromStatus.length === 0 && fromQuorum ? fromQuorum.quorum : strings(doc, 'quorum_names');
  return ok({
    running: true,
    health: status,
    checks,
    monsTotal: monNames.length > 0 ? monNames.length : monmap && num(monmap, 'num_mons'),
    quorum,
    outOfQuorum: monNames.filter((n) => !quorum.includes(n)),
    mons: monNames.length > 0 ? monNames : undefined,
  });
}

/** Ceph health, its checks, and the monitor quorum (named by `ceph quorum_status` where `ceph -s` has no names). */
export const cephStatus = {
  id: 'ceph-status',
  title: 'Ceph status',
  roles: ['controller', 'ceph-mon'],
  scope: 'cluster',
  command: remote(ShellScript.raw(CEPH_STATUS_SCRIPT), { privileged: true }),
  timeoutMs: 45_000,
  parse: parseCephStatus,
} satisfies Probe<CephStatus>;
