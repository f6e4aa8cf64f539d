/** Refusing a pacemaker runbook on a node whose deployment runs no pacemaker (kolla-ansible; TripleO runs it). */
import { isKolla } from '../deployment/acts.js';
import { detectDeployment } from '../deployment/detect-node.js';
import type { CheckStep, RunbookContext } from './types.js';

/**
 * The checks `/pacemaker ...` on `node` starts with: none on a classic node (its plan is unchanged);
 * on kolla-ansible one that refuses, saying pacemaker is not used there and what does its job.
 */
export async function pacemakerNotUsed(rctx: Pick<RunbookContext, 'executor' | 'inventory'>, node: string): Promise<CheckStep[]> {
  const dep = await detectDeployment(rctx, node);
  if (!isKolla(dep)) return [];
  return [
    {
      kind: 'check',
      description: `${node}'s deployment runs pacemaker`,
      run: async () => ({
        ok: false,
        detail: `pacemaker is not used by this deployment (${dep.deployment} on ${node}: HA through keepalived and haproxy, RabbitMQ and Galera clustered natively)`,
        next: '/cluster status',
      }),
    },
  ];
}
