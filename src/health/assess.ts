import {
  cephStatus,
  diskUsage,
  galeraStatus,
  libvirtStatus,
  neutronAgents,
  novaServices,
  pacemakerStatus,
  rabbitmqStatus,
  spaceHogs,
  type PacemakerClusterState,
  type Probe,
} from '../probes/index.js';
import { humanBytes } from '../render/templates.js';
import { describeExit, tailLines } from '../ssh/exit-codes.js';
import type { ClusterSnapshot, NodeProbeOutcome } from './snapshot.js';

/** The areas a status report is organised in. */
export type Area = 'pacemaker' | 'rabbitmq' | 'galera' | 'ceph' | 'nova' | 'neutron' | 'disk' | 'libvirt';

/** One thing that is wrong. */
export interface Problem {
  readonly area: Area | 'reachability';
  readonly severity: 'critical' | 'warning';
  /** Nodes concerned (empty: cluster-wide). */
  readonly nodes: readonly string[];
  /** One line, naming what and where. */
  readonly summary: string;
}

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

const TITLES: Record<Area, string> = {
  pacemaker: 'Pacemaker',
  rabbitmq: 'RabbitMQ',
  galera: 'Galera',
  ceph: 'Ceph',
  nova: 'Nova',
  neutron: 'Neutron',
  disk: 'Disk',
  libvirt: 'libvirt',
};

function listNodes(nodes: readonly string[]): string {
  return nodes.length <= 6 ? nodes.join(', ') : `${nodes.slice(0, 6).join(', ')} and ${nodes.length - 6} more`;
}

/** Problems reading a probe (parse failure, non-zero exit without a typed answer). */
function readProblems(snapshot: ClusterSnapshot, probe: Probe<unknown>): string[] {
  return snapshot.of(probe).flatMap((o: NodeProbeOutcome<unknown>) => {
    if (o.kind === 'unknown') {
      const exit = o.exitCode !== 0 ? `${describeExit(o.exitCode)}: ` : '';
      return [`${o.node}: ${exit}${o.exitCode === 127 ? 'tool not installed' : o.reason}${o.exitCode !== 0 && o.raw ? ` (${tailLines(o.raw, 1)})` : ''}`];
    }
    if (o.kind === 'failed' && o.failure.kind === 'error') return [`${o.node}: ${o.failure.message}`];
    return [];
  });
}

function area(a: Area, problems: Problem[], okNote: string, s: ClusterSnapshot, probe: Probe<unknown>): AreaReport {
  const unknownNote = readProblems(s, probe);
  if (!s.nodes.some((n) => n.roles.some((r) => probe.roles.includes(r)))) {
    return { area: a, title: TITLES[a], status: 'n/a', note: 'no node with this role', problems: [] };
  }
  if (problems.length > 0) return { area: a, title: TITLES[a], status: 'problem', note: unknownNote.join('; '), problems };
  if (unknownNote.length > 0 && okNote === '') return { area: a, title: TITLES[a], status: 'unknown', note: unknownNote.join('; '), problems };
  return { area: a, title: TITLES[a], status: 'ok', note: okNote, problems };
}

/**
 * Where each stopped resource instance belongs. Text output says it (`Stopped: [ node-10 ]`);
 * XML does not, so for a clone the missing nodes are the online members without an active
 * instance, and for anything else the single offline node, if there is exactly one.
 */
export function stoppedPlacements(v: PacemakerClusterState): { node: string; name: string }[] {
  const members = v.nodes.filter((n) => n.kind === 'member');
  const offline = members.filter((n) => n.state !== 'online').map((n) => n.name);
  const out: { node: string; name: string }[] = [];
  const cloneSeen = new Set<string>();
  for (const r of v.resources) {
    if (!/^stopped$/i.test(r.role)) continue;
    const clone = r.parents.find((p) => p.kind === 'clone');
    const name = r.parents[0]?.id ?? r.id;
    if (r.inactiveOn) {
      out.push({ node: r.inactiveOn, name });
    } else if (clone) {
      if (cloneSeen.has(clone.id)) continue;
      cloneSeen.add(clone.id);
      const active = new Set(v.resources.filter((x) => x.parents.some((p) => p.id === clone.id)).flatMap((x) => x.nodes));
      const missing = members.filter((m) => !active.has(m.name)).map((m) => m.name);
      for (const node of missing) out.push({ node, name });
      if (missing.length === 0) out.push({ node: '', name });
    } else {
      out.push({ node: offline.length === 1 ? (offline[0] ?? '') : '', name });
    }
  }
  return out;
}

function assessPacemaker(s: ClusterSnapshot): AreaReport {
  const problems: Problem[] = [];
  const outcomes = s.values(pacemakerStatus);
  for (const o of outcomes) {
    if (!o.value.running)
      problems.push({
        area: 'pacemaker',
        severity: 'critical',
        nodes: [o.node],
        summary: `pacemaker not running on ${o.node}: ${tailLines(o.value.message, 1)}`,
      });
  }
  const view = s.clusterValue(pacemakerStatus);
  let okNote = '';
  if (view && view.value.running) {
    const v = view.value;
    const badNodes = v.nodes.filter((n) => n.state !== 'online');
    for (const n of badNodes) {
      if (problems.some((p) => p.nodes.includes(n.name))) continue;
      problems.push({
        area: 'pacemaker',
        severity: n.state === 'standby' || n.state === 'maintenance' ? 'warning' : 'critical',
        nodes: [n.name],
        summary: `${n.name} is ${n.state.toUpperCase()} in pacemaker`,
      });
    }
    const byNode = new Map<string, string[]>();
    for (const { node, name } of stoppedPlacements(v)) {
      const list = byNode.get(node) ?? [];
      if (!list.includes(name)) list.push(name);
      byNode.set(node, list);
    }
    for (const [node, names] of byNode) {
      problems.push({
        area: 'pacemaker',
        severity: 'critical',
        nodes: node ? [node] : [],
        summary: `${names.length} resource${names.length === 1 ? '' : 's'} stopped${node ? ` on ${node}` : ''}: ${names.slice(0, 8).join(', ')}${names.length > 8 ? ', ...' : ''}`,
      });
    }
    for (const r of v.resources.filter((x) => x.failed)) {
      problems.push({
        area: 'pacemaker',
        severity: 'critical',
        nodes: [...r.nodes],
        summary: `resource ${r.id} FAILED${r.nodes.length ? ` on ${r.nodes.join(', ')}` : ''}`,
      });
    }
    for (const f of v.failedActions) {
      problems.push({
        area: 'pacemaker',
        severity: 'warning',
        nodes: [f.node],
        summary: `failed action ${f.resource} ${f.operation} on ${f.node}: ${f.exitReason || f.exitStatus}`,
      });
    }
    if (v.quorum === false) problems.push({ area: 'pacemaker', severity: 'critical', nodes: [], summary: `partition WITHOUT quorum (seen from ${view.node})` });
    const started = v.resources.filter((r) => r.nodes.length > 0).length;
    okNote = `${v.nodes.length} nodes online, ${started} resources started (seen from ${view.node})`;
  }
  return area('pacemaker', problems, okNote, s, pacemakerStatus);
}

function assessRabbit(s: ClusterSnapshot): AreaReport {
  const problems: Problem[] = [];
  const values = s.values(rabbitmqStatus);
  const down = values.filter((v) => !v.value.running).map((v) => v.node);
  if (down.length) problems.push({ area: 'rabbitmq', severity: 'critical', nodes: down, summary: `RabbitMQ not running on ${listNodes(down)}` });
  const seen = new Set<string>();
  for (const { value } of values) {
    if (!value.running) continue;
    for (const a of value.alarms) {
      const key = `${a.node}/${a.kind}`;
      if (seen.has(key)) continue;
      seen.add(key);
      problems.push({
        area: 'rabbitmq',
        severity: 'critical',
        nodes: [a.node.replace(/^[^@]+@/, '')],
        summary: `${a.kind} alarm on ${a.node}: publishers are blocked`,
      });
    }
    for (const p of value.partitions) {
      const key = `partition/${p.node}`;
      if (seen.has(key)) continue;
      seen.add(key);
      problems.push({
        area: 'rabbitmq',
        severity: 'critical',
        nodes: [p.node.replace(/^[^@]+@/, '')],
        summary: `network partition: ${p.node} cannot see ${p.partitionedFrom.join(', ')}`,
      });
    }
    for (const n of value.stoppedNodes) {
      const short = n.replace(/^[^@]+@/, '');
      if (down.includes(short) || seen.has(`stopped/${n}`)) continue;
      seen.add(`stopped/${n}`);
      problems.push({ area: 'rabbitmq', severity: 'critical', nodes: [short], summary: `cluster member ${n} is not running` });
    }
  }
  const running = values.find((v) => v.value.running);
  const okNote = running && running.value.running ? `${running.value.runningNodes.length} nodes running, no alarms, no partitions` : '';
  return area('rabbitmq', problems, okNote, s, rabbitmqStatus);
}

function assessGalera(s: ClusterSnapshot): AreaReport {
  const problems: Problem[] = [];
  const values = s.values(galeraStatus);
  const down = values.filter((v) => !v.value.running).map((v) => v.node);
  if (down.length) problems.push({ area: 'galera', severity: 'critical', nodes: down, summary: `MySQL/Galera not running on ${listNodes(down)}` });
  for (const { node, value } of values) {
    if (!value.running) continue;
    if (value.clusterStatus && value.clusterStatus !== 'Primary')
      problems.push({ area: 'galera', severity: 'critical', nodes: [node], summary: `${node} is in a ${value.clusterStatus} component (not Primary)` });
    else if (value.localState && value.localState !== 'Synced')
      problems.push({ area: 'galera', severity: 'warning', nodes: [node], summary: `${node} is ${value.localState}, not Synced` });
    else if (!value.ready) problems.push({ area: 'galera', severity: 'critical', nodes: [node], summary: `${node} is not ready (wsrep_ready OFF)` });
  }
  const sizes = values.flatMap((v) => (v.value.running && v.value.clusterSize !== undefined ? [v.value.clusterSize] : []));
  const okNote = sizes.length ? `cluster size ${Math.max(...sizes)}, all members Synced` : '';
  return area('galera', problems, okNote, s, galeraStatus);
}

function assessCeph(s: ClusterSnapshot): AreaReport {
  const problems: Problem[] = [];
  const view = s.clusterValue(cephStatus);
  let okNote = '';
  if (view && !view.value.running)
    problems.push({ area: 'ceph', severity: 'critical', nodes: [], summary: `ceph does not answer: ${tailLines(view.value.message, 1)}` });
  if (view && view.value.running) {
    const v = view.value;
    if (v.outOfQuorum.length)
      problems.push({
        area: 'ceph',
        severity: 'critical',
        nodes: [...v.outOfQuorum],
        summary: `mon${v.outOfQuorum.length > 1 ? 's' : ''} out of quorum: ${v.outOfQuorum.join(', ')}`,
      });
    const checks = v.checks.filter((c) => c.code !== 'MON_DOWN' || v.outOfQuorum.length === 0).map((c) => c.summary);
    if (v.health !== 'HEALTH_OK' && (checks.length > 0 || v.outOfQuorum.length === 0)) {
      problems.push({
        area: 'ceph',
        severity: v.health === 'HEALTH_ERR' ? 'critical' : 'warning',
        nodes: [],
        summary: `${v.health}${checks.length ? `: ${checks.slice(0, 3).join('; ')}` : ''}`,
      });
    }
    okNote = `HEALTH_OK, ${v.quorum.length} mons in quorum`;
  }
  return area('ceph', problems, okNote, s, cephStatus);
}

function assessNova(s: ClusterSnapshot): AreaReport {
  const problems: Problem[] = [];
  const view = s.clusterValue(novaServices);
  let okNote = '';
  if (view) {
    const down = view.value.services.filter((x) => x.state === 'down' && x.status === 'enabled');
    const byBinary = new Map<string, string[]>();
    for (const d of down) byBinary.set(d.binary, [...(byBinary.get(d.binary) ?? []), d.host]);
    for (const [binary, hosts] of byBinary) {
      problems.push({ area: 'nova', severity: 'critical', nodes: hosts, summary: `${binary} DOWN on ${listNodes(hosts)}` });
    }
    okNote = `${view.value.services.length} services up`;
  }
  return area('nova', problems, okNote, s, novaServices);
}

function assessNeutron(s: ClusterSnapshot): AreaReport {
  const problems: Problem[] = [];
  const view = s.clusterValue(neutronAgents);
  let okNote = '';
  if (view) {
    const down = view.value.agents.filter((a) => !a.alive && a.adminStateUp);
    const byHost = new Map<string, string[]>();
    for (const a of down) byHost.set(a.host, [...(byHost.get(a.host) ?? []), a.agentType]);
    for (const [host, types] of byHost) {
      problems.push({
        area: 'neutron',
        severity: 'critical',
        nodes: [host],
        summary: `${types.length} agent${types.length === 1 ? '' : 's'} DOWN on ${host}: ${types.join(', ')}`,
      });
    }
    okNote = `${view.value.agents.length} agents alive`;
  }
  return area('neutron', problems, okNote, s, neutronAgents);
}

/** Root or data mount usage at which a node is flagged. */
export const DISK_WARN_PERCENT = 85;
export const DISK_CRITICAL_PERCENT = 95;

function assessDisk(s: ClusterSnapshot): AreaReport {
  const problems: Problem[] = [];
  const hogsByNode = new Map(s.values(spaceHogs).map((v) => [v.node, v.value.files]));
  let fullest = 0;
  for (const { node, value } of s.values(diskUsage)) {
    for (const m of value.mounts) {
      fullest = Math.max(fullest, m.usePercent);
      if (m.usePercent < DISK_WARN_PERCENT) continue;
      const underMount = (path: string): boolean => m.mountpoint === '/' || path.startsWith(`${m.mountpoint}/`);
      const biggestFile = (hogsByNode.get(node) ?? []).filter((f) => underMount(f.path))[0];
      const biggestDir = [...value.hogs].filter((h) => underMount(h.path)).sort((a, b) => b.bytes - a.bytes)[0];
      const hog = biggestFile
        ? ` (${humanBytes(biggestFile.bytes)} in ${biggestFile.path})`
        : biggestDir && biggestDir.bytes > 0
          ? ` (${humanBytes(biggestDir.bytes)} in ${biggestDir.path})`
          : '';
      problems.push({
        area: 'disk',
        severity: m.usePercent >= DISK_CRITICAL_PERCENT ? 'critical' : 'warning',
        nodes: [node],
        summary: `${node} ${m.mountpoint} ${m.usePercent}% full, ${humanBytes(m.availBytes)} free${hog}`,
      });
    }
  }
  return area('disk', problems, s.values(diskUsage).length ? `fullest mount at ${fullest}%` : '', s, diskUsage);
}

function assessLibvirt(s: ClusterSnapshot): AreaReport {
  const problems: Problem[] = [];
  for (const { node, value } of s.values(libvirtStatus)) {
    if (!value.socketPresent || !value.daemonRunning) {
      const what = [!value.socketPresent ? 'socket /var/run/libvirt/libvirt-sock missing' : '', !value.daemonRunning ? 'libvirtd not running' : '']
        .filter(Boolean)
        .join(', ');
      problems.push({ area: 'libvirt', severity: 'critical', nodes: [node], summary: `${node}: ${what}` });
    }
  }
  const n = s.values(libvirtStatus).length;
  return area('libvirt', problems, n ? `libvirtd running on ${n} computes` : '', s, libvirtStatus);
}

/** Turns a snapshot into a verdict and per-area problems. Pure. */
export function assessSnapshot(snapshot: ClusterSnapshot): HealthReport {
  const areas = [assessPacemaker, assessRabbit, assessGalera, assessCeph, assessNova, assessNeutron, assessDisk, assessLibvirt].map((f) => f(snapshot));
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
