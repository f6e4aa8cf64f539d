/**
 * `/pacemaker restart NODE`: the seed's first recovery step (restart pacemaker on node-10 to bring
 * its resources back), behind the quorum guard: it takes every resource on the node down for a
 * while, so it refuses while another controller is down or restarting.
 */
import { isTripleo } from '../deployment/acts.js';
import { detectDeployment } from '../deployment/detect-node.js';
import { remote, sh } from '../ssh/shell.js';
import { pacemakerNotUsed } from './deployment-check.js';
import { quorumGuard, type BusyNodes } from './guard.js';
import { detectInit, serviceScript } from './init-services.js';
import { describeNode, pacemakerView, stoppedOn } from './pacemaker-state.js';
import type { Runbook, RunbookContext, StepVerdict } from './types.js';

/** Builds the pacemaker restart of controller `node`. */
export async function buildPacemakerRestart(rctx: RunbookContext, node: string, busy: BusyNodes = new Map()): Promise<Runbook> {
  const [init, refusal, dep] = await Promise.all([detectInit(rctx, node), pacemakerNotUsed(rctx, node), detectDeployment(rctx, node)]);
  // TripleO's nodes are RHEL's: pcs stops and starts the node's cluster stack (pacemaker, corosync)
  // the way Red Hat documents it; elsewhere the init system restarts pacemaker.
  const tripleo = isTripleo(dep);
  const restart = tripleo ? sh`pcs cluster stop && pcs cluster start` : serviceScript(init, 'pacemaker', 'restart');
  return {
    id: 'pacemaker-restart',
    title: `Restart pacemaker on ${node}`,
    nodes: [node],
    steps: [
      ...refusal,
      quorumGuard({ target: node, services: ['pacemaker', 'rabbitmq', 'galera'], busy }),
      {
        kind: 'act',
        description: `restart pacemaker on ${node} (${tripleo ? 'pcs cluster stop, start' : init})`,
        node,
        command: remote(restart, { privileged: true }),
        timeoutMs: 300_000,
        onFailure: `check corosync and pacemaker on ${node} (\`crm_mon -1\`, /var/log/pacemaker); start it with \`${tripleo ? 'pcs cluster start' : 'service pacemaker start'}\``,
      },
      {
        kind: 'verify',
        description: `${node} is online in pacemaker and every resource it should run is started`,
        deadlineMs: 300_000,
        intervalMs: 5_000,
        async poll(r): Promise<StepVerdict> {
          const v = await pacemakerView(r, node);
          if (!v.ok) return { ok: false, detail: v.problem };
          const member = v.value.nodes.find((n) => n.name === node);
          const ok = member?.state === 'online' && stoppedOn(v.value, node).length === 0 && !v.value.resources.some((x) => x.failed && x.nodes.includes(node));
          return ok ? { ok: true, detail: describeNode(v.value, node) } : { ok: false, detail: describeNode(v.value, node) };
        },
        onFailure: `see the failed actions above; /pacemaker cleanup ${node} retries them once their cause is fixed`,
      },
    ],
    async stateNow(r) {
      const v = await pacemakerView(r, node);
      return v.ok ? describeNode(v.value, node) : v.problem;
    },
  };
}
