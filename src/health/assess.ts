import type { HealthArea, Problem } from './area.js';
import { readProblems } from './area.js';
import { healthAreas } from './registry.js';
import type { ClusterSnapshot } from './snapshot.js';

export type { Problem } from './area.js';
export { DISK_CRITICAL_PERCENT, DISK_WARN_PERCENT } from './areas/disk.js';
export { stoppedPlacements } from './areas/pacemaker.js';

/** The id of a health area (`rabbitmq`), as its module declares it. */
export type Area = string;

/** One area of the report. */
export interface AreaReport {
  readonly area: Area;
  readonly title: string;
  readonly status: 'ok' | 'problem' | 'unknown' | 'n/a';
  /** When ok: what was seen; when unknown: why. */
  readonly note: string;
  readonly problems: readonly Problem[];
}

/** The verdict on a snapshot. */
export interface HealthReport {
  readonly cluster: string;
  readonly takenAt: string;
  readonly verdict: 'HEALTHY' | 'DEGRADED' | 'CRITICAL';
  /** "CRITICAL: 9 problems on 6 nodes" */
  readonly headline: string;
  readonly nodeCount: number;
  readonly areas: readonly AreaReport[];
  readonly unreachable: readonly { readonly node: string; readonly problem: string }[];
  readonly problems: readonly Problem[];
}

/** One area's report: its own judgement, and whether its probes could be read at all. */
function reportArea(a: HealthArea, s: ClusterSnapshot): AreaReport {
  const base = { area: a.id, title: a.title };
  if (!s.nodes.some((n) => n.roles.some((r) => a.probes.some((p) => p.roles.includes(r))))) {
    return { ...base, status: 'n/a', note: 'no node with this role', problems: [] };
  }
  const { problems: found, okNote } = a.assess(s);
  const problems = found.map((p): Problem => ({ area: a.id, ...p }));
  const unknownNote = a.probes.flatMap((p) => readProblems(s, p)).join('; ');
  if (problems.length > 0) return { ...base, status: 'problem', note: unknownNote, problems };
  if (unknownNote !== '' && okNote === '') return { ...base, status: 'unknown', note: unknownNote, problems };
  return { ...base, status: 'ok', note: okNote, problems };
}

/** Turns a snapshot into a verdict and per-area problems. Pure. */
export function assessSnapshot(snapshot: ClusterSnapshot): HealthReport {
  const areas = healthAreas.map((a) => reportArea(a, snapshot));
  const unreachable = snapshot.unreachable().map((n) => ({ node: n.name, problem: n.problem ?? 'unreachable' }));
  const problems: Problem[] = [
    ...areas.flatMap((a) => a.problems),
    ...unreachable.map((u): Problem => ({ area: 'reachability', severity: 'critical', nodes: [u.node], summary: `${u.node} unreachable: ${u.problem}` })),
  ];
  const nodesHit = new Set(problems.flatMap((p) => p.nodes));
  const verdict = problems.length === 0 ? 'HEALTHY' : problems.some((p) => p.severity === 'critical') ? 'CRITICAL' : 'DEGRADED';
  const unknownAreas = areas.filter((a) => a.status === 'unknown').length;
  const headline =
    verdict === 'HEALTHY'
      ? `HEALTHY: ${snapshot.nodes.length} nodes answer, no problems found${unknownAreas ? ` (${unknownAreas} area${unknownAreas === 1 ? '' : 's'} could not be read)` : ''}`
      : `${verdict}: ${problems.length} problem${problems.length === 1 ? '' : 's'} on ${nodesHit.size} node${nodesHit.size === 1 ? '' : 's'}${unreachable.length ? `, ${unreachable.length} unreachable` : ''}`;
  return {
    cluster: snapshot.cluster,
    takenAt: snapshot.takenAt.toISOString(),
    verdict,
    headline,
    nodeCount: snapshot.nodes.length,
    areas,
    unreachable,
    problems,
  };
}
