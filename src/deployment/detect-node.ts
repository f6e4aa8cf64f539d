/** Reading a node's deployment before a runbook plans its acts. */
import type { Inventory } from '../inventory/types.js';
import { readProbe } from '../runbooks/read.js';
import type { RunbookContext } from '../runbooks/types.js';
import { nodeDeployment, type NodeDeployment } from './probe.js';

/**
 * The node's deployment: what the inventory sets wins (an operator knows), else what the node
 * says; a node that cannot tell is classic, as stackmedic always treated it.
 */
export async function detectDeployment(rctx: Pick<RunbookContext, 'executor' | 'inventory'>, node: string): Promise<NodeDeployment> {
  const r = await readProbe(rctx, node, nodeDeployment);
  const seen: NodeDeployment = r.ok ? r.value : { deployment: 'classic', engine: undefined, containers: [], systemdUnits: false };
  const set = declaredDeployment(rctx.inventory, node);
  if (set === undefined || set === seen.deployment) return seen;
  if (set === 'classic') return { ...seen, deployment: set, engine: undefined };
  // TripleO since Stein runs podman and a systemd unit per plain container; kolla defaults to docker.
  if (set === 'tripleo') return { ...seen, deployment: set, engine: seen.engine ?? 'podman', systemdUnits: seen.engine === undefined || seen.systemdUnits };
  return { ...seen, deployment: set, engine: seen.engine ?? 'docker' };
}

/** The deployment the inventory declares for `node` (its own, else the cluster's). */
export function declaredDeployment(inventory: Inventory, node: string): NodeDeployment['deployment'] | undefined {
  return inventory.nodes.find((n) => n.name === node)?.deployment ?? inventory.deployment;
}
