import { remote, ShellScript } from '../ssh/shell.js';
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
}

/** The ceph CLI could not reach a monitor quorum (it timed out or failed to connect). */
export interface CephUnreachable {
  readonly running: false;
  readonly message: string;
}

/** The value of the `ceph-status` probe. */
export type CephStatus = CephReachable | CephUnreachable;

const UNREACHABLE = [/error connecting to the cluster/i, /authenticate timed out/i, /monclient.*hunting/i, /ObjectNotFound/];

/** Reads `ceph -s -f json` from Hammer/Jewel (`overall_status`, `summary`) to Luminous+ (`status`, `checks`). */
export function parseCephStatus(output: ProbeOutput): ProbeResult<CephStatus> {
  const raw = rawText(output);
  const start = output.stdout.indexOf('{');
  if (start < 0) {
    if (output.exitCode === 124) return ok({ running: false, message: 'ceph -s timed out after 20 s: no monitor answered' });
    const line = lines(output.stderr).find((l) => UNREACHABLE.some((p) => p.test(l)));
    if (line) return ok({ running: false, message: line.trim() });
    return unknown('no JSON in ceph -s output', raw);
  }
  const parsed = tryJson(output.stdout.slice(start));
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
  const monNames = monmap && Array.isArray(monmap['mons']) ? monmap['mons'].filter(isRecord).map((m) => str(m, 'name') ?? '') : [];
  const quorum = strings(doc, 'quorum_names');
  return ok({
    running: true,
    health: status,
    checks,
    monsTotal: monNames.length > 0 ? monNames.length : monmap && num(monmap, 'num_mons'),
    quorum,
    outOfQuorum: monNames.filter((n) => !quorum.includes(n)),
  });
}

/** Ceph health, its checks, and the monitor quorum. */
export const cephStatus = {
  id: 'ceph-status',
  title: 'Ceph status',
  roles: ['controller'],
  scope: 'cluster',
  command: remote(ShellScript.raw('timeout 20 ceph -s -f json'), { privileged: true }),
  timeoutMs: 30_000,
  parse: parseCephStatus,
} satisfies Probe<CephStatus>;
