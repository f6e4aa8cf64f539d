/**
 * The OVN databases of TripleO's `ovn-dbs-bundle` (ML2/OVN up to OSP 16): both ovsdb-servers run
 * in every controller's replica; the one pacemaker promotes is active, the others are backups
 * that replicate from the active server through the OVN databases' VIP (puppet-tripleo's
 * ovn_dbs_bundle.pp: `master_ip`, `nb_master_port`, `sb_master_port`). `ovsdb-server/sync-status`
 * answers as OVS's ovsdb-server.c and replication.c print it (see
 * test/fixtures/deployment/tripleo/ovn/SOURCE.md).
 */
import { promotedReplica, resourceRole } from '../state/derive.js';
import { TRIPLEO_OVN_DBS_BUNDLE } from '../state/topology.js';
import type { ClusterState, SimNode } from '../state/types.js';

/** The VIP the backups replicate from (a controller-network address pacemaker moves with the promoted replica). */
export const OVN_DBS_VIP = '192.168.0.4';

/** Each database's schema name and the port the active server listens on for its clients and backups. */
const DBS = {
  nb: { name: 'OVN_Northbound', port: 6641 },
  sb: { name: 'OVN_Southbound', port: 6642 },
} as const;

/** Whether the node's replica runs the database servers (its container up and the resource started in it). */
export function bundleDbsRunning(node: SimNode): boolean {
  return resourceRole(node, TRIPLEO_OVN_DBS_BUNDLE) === 'Started';
}

/** Whether a cluster's OVN databases are an ovn-dbs-bundle (some controller runs its service). */
export function hasOvnDbsBundle(c: Pick<ClusterState, 'controllers'>): boolean {
  return c.controllers.some((n) => n.services.has(TRIPLEO_OVN_DBS_BUNDLE.service));
}

/** The active server: the replica pacemaker promotes. */
export function ovnDbsActive(c: Pick<ClusterState, 'controllers'>): SimNode | undefined {
  return promotedReplica(c, TRIPLEO_OVN_DBS_BUNDLE);
}

/** `ovsdb-server/sync-status` of one database on `node`'s replica. */
export function bundleSyncStatus(c: ClusterState, node: SimNode, db: keyof typeof DBS): string {
  const active = ovnDbsActive(c);
  if (active === node) return 'state: active\n';
  const from = `tcp:${OVN_DBS_VIP}:${DBS[db].port}`;
  // Without an active server behind the VIP, or with the connection lost, replication has nothing to follow.
  if (!active || node.ovnReplicationLost) return `state: backup\nnot connected to ${from}\n`;
  return `state: backup\nreplicating: ${from}\ndatabase: ${DBS[db].name}\n`;
}
