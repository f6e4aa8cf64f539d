import type { HealthArea, Problem } from './area.js';
import { readProblems } from './area.js';
import { combineCoverage, probeCoverage, type Coverage, type NotChecked } from './coverage.js';
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
  /**
   * `ok` and `problem` judge what was read; `unknown`: answers came back unreadable; `unchecked`:
   * nothing was read (no node has the area's roles, or none answered). Only `ok` is a ✔.
   */
  readonly status: 'ok' | 'problem' | 'unknown' | 'unchecked';
  /** When ok: what was seen; when unknown: why; when unchecked: the coverage. */
  readonly note: string;
  readonly problems: readonly Problem[];
  /** What the area's probes reached: "checked on 3 of 3 controllers", "not checked: node-18 unreachable". */
  readonly coverage: string;
  /** How much of what it is meant for the area read. */
  readonly checked: Coverage['level'];
  /** The nodes it is meant for that it could not read, and why. */
  readonly notChecked: readonly NotChecked[];
  /** The deployment does not run what the area checks (no OVN): `unchecked`, and no coverage gap. */
  readonly notUsed?: true;
}

/** The verdict on a snapshot. `INCOMPLETE`: nothing wrong in what was read, but not everything was. */
export type Verdict = 'HEALTHY' | 'INCOMPLETE' | 'DEGRADED' | 'CRITICAL';

/** The verdict on a snapshot. */
export interface HealthReport {
  readonly cluster: string;
  readonly takenAt: string;
  readonly verdict: Verdict;
  /** "CRITICAL: 9 problems on 6 nodes", "NO PROBLEM FOUND in what was checked; 4 of 8 areas not checked (...)" */
  readonly headline: string;
  readonly nodeCount: number;
  readonly areas: readonly AreaReport[];
  readonly unreachable: readonly { readonly node: string; readonly problem: string }[];
  /** Nodes no status probe runs on: their roles are checked by no area. */
  readonly unprobed: readonly { readonly node: string; readonly roles: readonly string[] }[];
  /** Inventory hosts that are the deployment host, not cluster nodes (kolla's `localhost`), and why. */
  readonly deployHosts?: readonly { readonly node: string; readonly why: string }[];
  readonly problems: readonly Problem[];
}

/** One area's report: its own judgement, what its probes reached, and whether it could be read at all. */
function reportArea(a: HealthArea, s: ClusterSnapshot): AreaReport {
  const coverage = combineCoverage(a.probes.map((p) => probeCoverage(s, p)));
  const base = { area: a.id, title: a.title, coverage: coverage.text, checked: coverage.level, notChecked: coverage.missing };
  const { problems: found, okNote, notUsed } = a.assess(s);
  const problems = found.map((p): Problem => ({ area: a.id, ...p }));
  if (notUsed !== undefined && problems.length === 0) {
    const text = `not checked: ${notUsed}`;
    // `checked` stays what the probes read (every node may have answered "no OVN"); the status says it is no ✔.
    return { ...base, coverage: text, status: 'unchecked', note: text, problems, notUsed: true };
  }
  const unknownNote = a.probes.flatMap((p) => readProblems(s, p)).join('; ');
  if (problems.length > 0) return { ...base, status: 'problem', note: unknownNote, problems };
  if (unknownNote !== '' && (okNote === '' || coverage.level === 'none')) return { ...base, status: 'unknown', note: unknownNote, problems };
  // Never a ✔ for what was not seen: an area that read nothing is not checked, whatever it would say.
  if (coverage.level === 'none' || okNote === '') return { ...base, status: 'unchecked', note: coverage.text, problems };
  return { ...base, status: 'ok', note: okNote, problems };
}

const plural = (n: number, word: string): string => `${n} ${word}${n === 1 ? '' : 's'}`;

/**
 * What the verdict line adds about coverage: areas nothing was read for, areas read in part for a
 * reason other than an unreachable node (the verdict counts those as unreachable already), and
 * nodes no probe runs on.
 */
function coverageGaps(areas: readonly AreaReport[], unprobed: HealthReport['unprobed']): string[] {
  const notChecked = areas.filter((a) => (a.status === 'unchecked' && a.notUsed !== true) || a.status === 'unknown');
  const inPart = areas.filter((a) => !notChecked.includes(a) && a.notChecked.some((m) => m.why !== 'unreachable'));
  const titles = (list: readonly AreaReport[]): string => list.map((a) => a.title).join(', ');
  return [
    ...(notChecked.length ? [`${notChecked.length} of ${plural(areas.length, 'area')} not checked (${titles(notChecked)})`] : []),
    ...(inPart.length ? [`${titles(inPart)} checked in part`] : []),
    ...(unprobed.length ? [`${plural(unprobed.length, 'node')} not probed (${unprobed.map((u) => u.node).join(', ')}: no area checks their roles)`] : []),
  ];
}

/** Turns a snapshot into a verdict and per-area problems (by default on every registered area). Pure. */
export function assessSnapshot(snapshot: ClusterSnapshot, judgedBy: readonly HealthArea[] = healthAreas): HealthReport {
  const areas = judgedBy.map((a) => reportArea(a, snapshot));
  const statusProbes = judgedBy.flatMap((a) => a.probes);
  const unreachable = snapshot.unreachable().map((n) => ({ node: n.name, problem: n.problem ?? 'unreachable' }));
  const unprobed = snapshot.nodes
    .filter((n) => n.deployHost === undefined && !statusProbes.some((p) => p.roles.some((r) => n.roles.includes(r))))
    .map((n) => ({ node: n.name, roles: n.roles }));
  // The deployment host is not a cluster node: no area is meant for it, so it is no gap either.
  const deployHosts = snapshot.nodes.flatMap((n) =>
    n.deployHost !== undefined && !statusProbes.some((p) => p.roles.some((r) => n.roles.includes(r)))
      ? [{ node: n.name, why: n.reachable ? n.deployHost : `${n.deployHost}; unreachable: ${n.problem ?? 'no answer'}` }]
      : [],
  );
  // An unreachable deployment host (the undercloud the openstack CLI runs on) is no cluster
  // problem: the areas read there say "not checked: undercloud unreachable", the verdict is
  // INCOMPLETE, and the verdict line names it with the deployment hosts.
  const hostNames = new Set(deployHosts.map((d) => d.node));
  const deployNote = deployHosts.length
    ? `; ${deployHosts.map((d) => d.node).join(', ')}: the deployment host, not a cluster node (${deployHosts.map((d) => d.why).join('; ')})`
    : '';
  const problems: Problem[] = [
    ...areas.flatMap((a) => a.problems),
    ...unreachable
      .filter((u) => !hostNames.has(u.node))
      .map((u): Problem => ({ area: 'reachability', severity: 'critical', nodes: [u.node], summary: `${u.node} unreachable: ${u.problem}` })),
  ];
  const nodesHit = new Set(problems.flatMap((p) => p.nodes));
  const gaps = coverageGaps(areas, unprobed);
  const verdict: Verdict =
    problems.length === 0 ? (gaps.length ? 'INCOMPLETE' : 'HEALTHY') : problems.some((p) => p.severity === 'critical') ? 'CRITICAL' : 'DEGRADED';
  const checkedAreas = areas.filter((a) => a.status === 'ok' || a.status === 'problem').length;
  let headline: string;
  if (verdict === 'HEALTHY') headline = `HEALTHY: ${snapshot.nodes.length} nodes answer, no problems found`;
  else if (verdict === 'INCOMPLETE')
    headline = checkedAreas === 0 ? `NOTHING CHECKED: ${gaps.join('; ')}` : `NO PROBLEM FOUND in what was checked; ${gaps.join('; ')}`;
  else
    headline = `${verdict}: ${plural(problems.length, 'problem')} on ${plural(nodesHit.size, 'node')}${unreachable.length ? `, ${unreachable.length} unreachable` : ''}${gaps.length ? `; ${gaps.join('; ')}` : ''}`;
  return {
    cluster: snapshot.cluster,
    takenAt: snapshot.takenAt.toISOString(),
    verdict,
    headline: `${headline}${deployNote}`,
    nodeCount: snapshot.nodes.length,
    areas,
    unreachable,
    unprobed,
    ...(deployHosts.length ? { deployHosts } : {}),
    problems,
  };
}
