/** Pacemaker as the pacemaker runbooks read it: one node's membership and its resources. */
import { pacemakerStatus, type PacemakerClusterState, type PacemakerResource } from '../probes/pacemaker-status.js';
import { nodesWithRole, othersFirst, readProbe, type ProbeRead } from './read.js';
import type { RunbookContext } from './types.js';

/** The cluster view from the first controller whose crm_mon answers, `node` asked last. */
export async function pacemakerView(rctx: Pick<RunbookContext, 'executor' | 'inventory'>, node: string): Promise<ProbeRead<PacemakerClusterState>> {
  let last: ProbeRead<PacemakerClusterState> = { ok: false, node, problem: 'no controller answered crm_mon', missing: false, unreachable: false };
  for (const n of othersFirst(nodesWithRole(rctx.inventory, 'controller'), node)) {
    const r = await readProbe(rctx, n, pacemakerStatus);
    if (r.ok && r.value.running) return { ok: true, node: n, value: r.value, exitCode: r.exitCode };
    if (r.ok && !r.value.running)
      last = { ok: false, node: n, problem: `pacemaker not running on ${n}: ${r.value.message}`, missing: false, unreachable: false };
    else if (!r.ok) last = r;
  }
  return last;
}

/** Resources the cluster wants on `node` that are not started there (clone instances listed per node). */
export function stoppedOn(view: PacemakerClusterState, node: string): PacemakerResource[] {
  return view.resources.filter((r) => /^stopped$/i.test(r.role) && r.inactiveOn === node);
}

/** Every resource id an operator may name: primitives and their clones, groups and bundles. */
export function resourceIds(view: PacemakerClusterState): Set<string> {
  const ids = new Set<string>();
  for (const r of view.resources) {
    ids.add(r.id);
    for (const p of r.parents) ids.add(p.id);
  }
  return ids;
}

/** One line on `node` in pacemaker: membership, resources started, stopped, failed there. */
export function describeNode(view: PacemakerClusterState, node: string): string {
  const member = view.nodes.find((n) => n.name === node);
  const started = view.resources.filter((r) => r.nodes.includes(node) && !r.failed).length;
  const failedRes = view.resources.filter((r) => r.failed && r.nodes.includes(node)).map((r) => r.id);
  const failedOps = view.failedActions.filter((f) => f.node === node).map((f) => `${f.resource} ${f.operation}: ${f.exitReason || f.exitStatus}`);
  const parts = [`${node} ${member ? member.state : 'not a pacemaker member'}`, `${started} resource instances started`];
  const stopped = [...new Set(stoppedOn(view, node).map((r) => r.parents[0]?.id ?? r.id))];
  if (stopped.length) parts.push(`stopped: ${stopped.join(', ')}`);
  if (failedRes.length) parts.push(`FAILED: ${failedRes.join(', ')}`);
  if (failedOps.length) parts.push(`failed actions: ${failedOps.join('; ')}`);
  return parts.join('; ');
}
