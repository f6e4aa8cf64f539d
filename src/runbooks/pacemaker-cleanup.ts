/**
 * `/pacemaker cleanup NODE [RESOURCE]`: forget a resource's failures on a node so pacemaker tries
 * it again (all failed resources of the node when none is named). The resource id is checked
 * against a strict pattern by the command and against crm_mon's own resource list here.
 */
import { remote, sh } from '../ssh/shell.js';
import { quorumGuard, type BusyNodes } from './guard.js';
import { describeNode, pacemakerView, resourceIds, stoppedOn } from './pacemaker-state.js';
import type { Runbook, RunbookContext, StepVerdict } from './types.js';
import { pacemakerNotUsed } from './deployment-check.js';
import { isTripleo } from '../deployment/acts.js';
import { bundleOf, failureHost } from '../deployment/bundles.js';
import { detectDeployment } from '../deployment/detect-node.js';
import { pcsCleanupScript } from '../deployment/pcs.js';

/** Pacemaker resource ids (XML IDs): a letter or `_`, then letters, digits, `_ . : -`. */
export const RESOURCE_ID = /^[A-Za-z_][A-Za-z0-9_.:-]{0,127}$/;

/** Builds the cleanup of `resource` (or of every failed resource) on controller `node`. */
export async function buildPacemakerCleanup(rctx: RunbookContext, node: string, resource: string | undefined, busy: BusyNodes = new Map()): Promise<Runbook> {
  const [view, refusal, dep] = await Promise.all([pacemakerView(rctx, node), pacemakerNotUsed(rctx, node), detectDeployment(rctx, node)]);
  // On TripleO pcs cleans up (in the syntax of the node's pcs version), and a bundle's failures are
  // recorded on its guest nodes, whose host is `node`.
  const tripleo = isTripleo(dep);
  const cleanup = tripleo
    ? pcsCleanupScript(resource, node)
    : resource
      ? sh`crm_resource --cleanup --resource ${resource} --node ${node}`
      : sh`crm_resource --cleanup --node ${node}`;
  const what = resource ?? 'every failed resource';
  return {
    id: 'pacemaker-cleanup',
    title: `Clean up ${what} on ${node}`,
    nodes: [node],
    steps: [
      ...refusal,
      {
        kind: 'check',
        description: resource ? `${resource} is a resource in crm_mon's list` : `pacemaker answers`,
        async run(): Promise<StepVerdict> {
          if (!view.ok) return { ok: false, detail: `cannot read pacemaker: ${view.problem}`, next: `/pacemaker restart ${node}` };
          if (!resource) return { ok: true, detail: describeNode(view.value, node) };
          const ids = resourceIds(view.value);
          if (!ids.has(resource))
            return {
              ok: false,
              detail: `no resource ${resource} in pacemaker (seen from ${view.node}); known: ${[...ids].slice(0, 20).join(', ')}`,
              next: `/pacemaker cleanup ${node} with one of those ids`,
            };
          return { ok: true, detail: describeNode(view.value, node) };
        },
      },
      quorumGuard({ target: node, services: ['pacemaker', 'rabbitmq', 'galera'], busy }),
      {
        kind: 'act',
        description: `pacemaker: clean up ${what} on ${node}`,
        node,
        command: remote(cleanup, { privileged: true }),
        timeoutMs: 120_000,
        onFailure: `read \`crm_mon -1\` and /var/log/pacemaker on ${node}`,
      },
      {
        kind: 'verify',
        description: resource ? `${resource} is started on ${node} with no failure` : `every resource is started on ${node} with no failure`,
        deadlineMs: 180_000,
        intervalMs: 5_000,
        async poll(r): Promise<StepVerdict> {
          const v = await pacemakerView(r, node);
          if (!v.ok) return { ok: false, detail: v.problem };
          const concerns = (id: string, parents: readonly { id: string }[]): boolean =>
            resource === undefined || id === resource || parents.some((p) => p.id === resource);
          const stopped = stoppedOn(v.value, node).filter((x) => concerns(x.id, x.parents));
          const failed = v.value.resources.filter((x) => x.failed && x.nodes.includes(node) && concerns(x.id, x.parents));
          const failedOps = v.value.failedActions.filter(
            (f) => failureHost(v.value, f) === node && (resource === undefined || f.resource === resource || bundleOf(v.value, f.resource) === resource),
          );
          const detail = describeNode(v.value, node);
          return stopped.length === 0 && failed.length === 0 && failedOps.length === 0 ? { ok: true, detail } : { ok: false, detail };
        },
        onFailure: `the failure came back: its cause is still there; read the failed action's reason above and /var/log/pacemaker on ${node}`,
      },
    ],
    async stateNow(r) {
      const v = await pacemakerView(r, node);
      return v.ok ? describeNode(v.value, node) : v.problem;
    },
  };
}
