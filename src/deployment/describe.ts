/** The deployment line of `/cluster status`: what the inventory says, else what the nodes showed. */
import type { ClusterSnapshot } from '../health/snapshot.js';
import type { Inventory } from '../inventory/types.js';
import type { PacemakerStatus } from '../probes/pacemaker-ops.js';
import { pacemakerStatus } from '../probes/pacemaker-status.js';
import { TRIPLEO_BUNDLES } from './tripleo.js';
import type { Deployment } from './types.js';

/** How the cluster is deployed, and how stackmedic knows. */
export interface DeploymentView {
  readonly deployment: Deployment | 'unknown';
  /** `inventory`, `detected on node-10`, or why nothing could tell. */
  readonly source: string;
}

/** TripleO's bundles in a crm_mon answer, in the order pacemaker listed them. */
function tripleoBundles(value: PacemakerStatus): string[] {
  if (!value.running) return [];
  const known: readonly string[] = Object.values(TRIPLEO_BUNDLES);
  const ids = value.resources.flatMap((r) => r.parents.filter((p) => p.kind === 'bundle' && known.includes(p.id)).map((p) => p.id));
  return [...new Set(ids)];
}

/**
 * The cluster's deployment: the inventory's word first (cluster-wide, or every node's own), then
 * what the pacemaker probe found (kolla-ansible's "no pacemaker here"; TripleO's bundles; any other
 * crm_mon answer: classic).
 */
export function deploymentOf(inventory: Inventory, snapshot: ClusterSnapshot): DeploymentView {
  const declared = new Set(inventory.nodes.map((n) => n.deployment ?? inventory.deployment));
  const only = declared.size === 1 ? [...declared][0] : undefined;
  if (only !== undefined) return { deployment: only, source: 'set in the inventory' };
  const seen = snapshot.values(pacemakerStatus);
  const kolla = seen.find((v) => v.value.running && v.value.notUsedBy !== undefined);
  if (kolla) return { deployment: 'kolla-ansible', source: `detected on ${kolla.node}: /etc/kolla, no pacemaker` };
  const tripleo = seen.map((v) => ({ node: v.node, bundles: tripleoBundles(v.value) })).find((v) => v.bundles.length > 0);
  if (tripleo) return { deployment: 'tripleo', source: `detected on ${tripleo.node}: pacemaker bundles ${tripleo.bundles.join(', ')}` };
  const classic = seen.find((v) => !(v.value.running && v.value.notUsedBy !== undefined));
  if (classic) return { deployment: 'classic', source: `detected on ${classic.node}: pacemaker installed` };
  return { deployment: 'unknown', source: 'no controller answered the check' };
}

/** `Deployment: kolla-ansible (set in the inventory)`. */
export function deploymentLine(view: DeploymentView): string {
  return `Deployment: ${view.deployment} (${view.source})`;
}

/**
 * The same line for Slack, as the context line that closes the status message (`>> ` in the
 * templates' mrkdwn): Slack shows the blocks, not the text, so the line must be in them too.
 */
export function deploymentMrkdwn(view: DeploymentView): string {
  const esc = (t: string): string => t.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
  return `>> Deployment: *${esc(view.deployment)}* (${esc(view.source)})`;
}
