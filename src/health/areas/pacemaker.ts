import { failureHost, guestHosts, isGuestOf } from '../../deployment/bundles.js';
import { pacemakerStatus, type PacemakerClusterState } from '../../probes/pacemaker-status.js';
import { tailLines } from '../../ssh/exit-codes.js';
import { defineArea, type AreaProblem } from '../area.js';
import type { ClusterSnapshot } from '../snapshot.js';

/**
 * The hosts where a bundle's resource failed and runs no more: pacemaker reports the failure on
 * the replica's guest node (`rabbitmq-bundle-0`), whose host is the cluster node.
 */
function bundleFailureHosts(v: PacemakerClusterState, id: string, bundle: string, hosts: ReadonlyMap<string, string>): string[] {
  const active = new Set(
    v.resources.filter((x) => x.id === id && x.parents.some((p) => p.id === bundle)).flatMap((x) => x.nodes.map((n) => hosts.get(n) ?? n)),
  );
  const failed = v.failedActions.filter((f) => f.resource === id && isGuestOf(f.node, bundle)).map((f) => hosts.get(f.node) ?? '');
  return [...new Set(failed)].filter((h) => h !== '' && !active.has(h));
}

/**
 * Where each stopped resource instance belongs. Text output says it (`Stopped: [ node-10 ]`);
 * XML does not, so for a clone the missing nodes are the online members without an active
 * instance, for a bundle's resource the hosts of the replicas it failed in, and for anything else
 * the single offline node, if there is exactly one.
 */
export function stoppedPlacements(v: PacemakerClusterState): { node: string; name: string }[] {
  const members = v.nodes.filter((n) => n.kind === 'member');
  const offline = members.filter((n) => n.state !== 'online').map((n) => n.name);
  const hosts = guestHosts(v);
  const out: { node: string; name: string }[] = [];
  const cloneSeen = new Set<string>();
  for (const r of v.resources) {
    if (!/^stopped$/i.test(r.role)) continue;
    const clone = r.parents.find((p) => p.kind === 'clone');
    const bundle = r.parents.find((p) => p.kind === 'bundle');
    const failedIn = bundle ? bundleFailureHosts(v, r.id, bundle.id, hosts) : [];
    const name = r.parents[0]?.id ?? r.id;
    if (failedIn.length > 0) {
      for (const node of failedIn) out.push({ node, name });
    } else if (r.inactiveOn) {
      out.push({ node: r.inactiveOn, name });
    } else if (clone) {
      if (cloneSeen.has(clone.id)) continue;
      cloneSeen.add(clone.id);
      const active = new Set(v.resources.filter((x) => x.parents.some((p) => p.id === clone.id)).flatMap((x) => x.nodes));
      // A clone that runs only on pacemaker remote nodes (TripleO Instance HA's compute-unfence-trigger
      // on the computes) is meant for those: its unplaced instances are clone-max's surplus, not
      // resources stopped on the controllers.
      const runners = v.nodes.filter((n) => active.has(n.name));
      if (runners.length > 0 && runners.every((n) => n.kind === 'remote')) {
        const remotes = v.nodes.filter((n) => n.kind === 'remote' && !active.has(n.name)).map((n) => n.name);
        for (const node of remotes) out.push({ node, name });
        continue;
      }
      const missing = members.filter((m) => !active.has(m.name)).map((m) => m.name);
      for (const node of missing) out.push({ node, name });
      if (missing.length === 0) out.push({ node: '', name });
    } else {
      out.push({ node: offline.length === 1 ? (offline[0] ?? '') : '', name });
    }
  }
  return out;
}

/** Controllers whose own crm_mon says pacemaker is not running there. */
function notRunning(s: ClusterSnapshot): { node: string; message: string }[] {
  return s.values(pacemakerStatus).flatMap(({ node, value }) => (value.running ? [] : [{ node, message: value.message }]));
}

/** The cluster's view, from the first controller where pacemaker runs. */
function clusterView(s: ClusterSnapshot): { node: string; value: PacemakerClusterState } | undefined {
  const view = s.clusterValue(pacemakerStatus);
  return view && view.value.running ? { node: view.node, value: view.value } : undefined;
}

/** Stopped resource names by the node they belong on ('' when nobody can tell). */
function stoppedByNode(v: PacemakerClusterState): Map<string, string[]> {
  const byNode = new Map<string, string[]>();
  for (const { node, name } of stoppedPlacements(v)) {
    const list = byNode.get(node) ?? [];
    if (!list.includes(name)) list.push(name);
    byNode.set(node, list);
  }
  return byNode;
}

/** Pacemaker: is it running on every controller, are nodes online, resources started, quorum held. */
export default defineArea({
  id: 'pacemaker',
  title: 'Pacemaker',
  reportOrder: 10,
  causeOrder: 30,
  probes: [pacemakerStatus],
  assess(s) {
    const problems: AreaProblem[] = notRunning(s).map(({ node, message }) => ({
      severity: 'critical',
      nodes: [node],
      summary: `pacemaker not running on ${node}: ${tailLines(message, 1)}`,
    }));
    const view = clusterView(s);
    if (!view) return { problems, okNote: '' };
    const v = view.value;
    // kolla-ansible runs no pacemaker: that is how it is deployed, not a gap nor a fault.
    if (v.notUsedBy) return { problems, okNote: `not used by this deployment (${v.notUsedBy}: HA through keepalived and haproxy)` };
    // A bundle's guest node is down when its replica is: that is reported with the bundle's resources.
    for (const n of v.nodes.filter((x) => x.state !== 'online' && x.kind !== 'guest')) {
      if (problems.some((p) => p.nodes.includes(n.name))) continue;
      problems.push({
        severity: n.state === 'standby' || n.state === 'maintenance' ? 'warning' : 'critical',
        nodes: [n.name],
        summary: `${n.name} is ${n.state.toUpperCase()} in pacemaker`,
      });
    }
    for (const [node, names] of stoppedByNode(v)) {
      problems.push({
        severity: 'critical',
        nodes: node ? [node] : [],
        summary: `${names.length} resource${names.length === 1 ? '' : 's'} stopped${node ? ` on ${node}` : ''}: ${names.slice(0, 8).join(', ')}${names.length > 8 ? ', ...' : ''}`,
      });
    }
    for (const r of v.resources.filter((x) => x.failed)) {
      problems.push({ severity: 'critical', nodes: [...r.nodes], summary: `resource ${r.id} FAILED${r.nodes.length ? ` on ${r.nodes.join(', ')}` : ''}` });
    }
    const hosts = guestHosts(v);
    for (const f of v.failedActions) {
      const host = failureHost(v, f, hosts);
      problems.push({
        severity: 'warning',
        nodes: [host],
        summary: `failed action ${f.resource} ${f.operation} on ${host}${host === f.node ? '' : ` (${f.node})`}: ${f.exitReason || f.exitStatus}`,
      });
    }
    if (v.quorum === false) problems.push({ severity: 'critical', nodes: [], summary: `partition WITHOUT quorum (seen from ${view.node})` });
    const started = v.resources.filter((r) => r.nodes.length > 0).length;
    // Bundle guests are replicas, not machines: counted apart so "nodes" stays the cluster's.
    const guests = v.nodes.filter((n) => n.kind === 'guest').length;
    const nodes = `${v.nodes.length - guests} nodes online${guests > 0 ? ` (and ${guests} bundle replicas)` : ''}`;
    return { problems, okNote: `${nodes}, ${started} resources started (seen from ${view.node})` };
  },
  facts: {
    'pacemaker-status/resources-stopped': (s) => {
      const hits = notRunning(s).map(({ node }) => ({ node, time: s.takenAt.toISOString(), fields: {}, text: 'pacemaker not running' }));
      const view = clusterView(s);
      if (!view) return hits;
      for (const node of stoppedByNode(view.value).keys())
        if (node && !hits.some((h) => h.node === node)) hits.push({ node, time: s.takenAt.toISOString(), fields: {}, text: 'resources stopped' });
      return hits;
    },
  },
});
