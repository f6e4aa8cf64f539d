/** The deployment line of `/cluster status`: what the inventory says, else what the nodes showed. */
import type { ClusterSnapshot } from '../health/snapshot.js';
import type { Inventory } from '../inventory/types.js';
import { pacemakerStatus } from '../probes/pacemaker-status.js';
import type { Deployment } from './types.js';

/** How the cluster is deployed, and how stackmedic knows. */
export interface DeploymentView {
  readonly deployment: Deployment | 'unknown';
  /** `inventory`, `detected on node-10`, or why nothing could tell. */
  readonly source: string;
}

/**
 * The cluster's deployment: the inventory's word first (cluster-wide, or every node's own), then
 * what the pacemaker probe found (kolla-ansible's "no pacemaker here", or a crm_mon answer: classic).
 */
export function deploymentOf(inventory: Inventory, snapshot: ClusterSnapshot): DeploymentView {
  const declared = new Set(inventory.nodes.map((n) => n.deployment ?? inventory.deployment));
  const only = declared.size === 1 ? [...declared][0] : undefined;
  if (only !== undefined) return { deployment: only, source: 'set in the inventory' };
  const seen = snapshot.values(pacemakerStatus);
  const kolla = seen.find((v) => v.value.running && v.value.notUsedBy !== undefined);
  if (kolla) return { deployment: 'kolla-ansible', source: `detected on ${kolla.node}: /etc/kolla, no pacemaker` };
  const classic = seen.find((v) => !(v.value.running && v.value.notUsedBy !== undefined));
  if (classic) return { deployment: 'classic', source: `detected on ${classic.node}: pacemaker installed` };
  return { deployment: 'unknown', source: 'no controller answered the check' };
}

/** `Deployment: kolla-ansible (set in the inventory)`. */
export function deploymentLine(view: DeploymentView): string {
  return `Deployment: ${view.deployment} (${view.source})`;
}
