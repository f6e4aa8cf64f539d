/**
 * TripleO on ML2/OVN as Red Hat OpenStack Platform 16 (Train) deploys it: the OVN databases in
 * pacemaker's `ovn-dbs-bundle` (active on the promoted replica, backups replicating from it through
 * the OVN VIP), `ovn_controller` and `ovn_metadata_agent` on every compute instead of the ML2/OVS
 * agents, Ceph's monitors in ceph-ansible's `ceph-mon-<host>` containers, and libvirtd in
 * `nova_libvirt`. Sources: test/fixtures/deployment/tripleo/ (ovn/, ceph/, SOURCE.md).
 */
import { OVN_CONTROLLER_PIDFILE, OVN_RUN_FILES, OVN_SERVICES } from '../programs/ovn.js';
import { TRIPLEO_OVN_DBS_BUNDLE } from '../state/topology.js';
import type { ClusterState, SimNode } from '../state/types.js';
import { tripleoHealthy, tripleoize } from './tripleo.js';
import type { Scenario } from './types.js';

/** ML2/OVS's agents, which ML2/OVN replaces with ovn-controller and the OVN metadata agent. */
const OVS_AGENTS = ['neutron-openvswitch-agent', 'neutron-dhcp-agent', 'neutron-l3-agent', 'neutron-metadata-agent'];

/** Where TripleO's OVN containers keep their run files on the host (bind-mounted as /run/ovn and /run/openvswitch). */
const OVN_HOST_RUN_DIR = '/var/lib/openvswitch/ovn';

/** How a release runs the OVN databases: OSP 16's pacemaker bundle, or OSP 17's raft-clustered plain containers. */
export type TripleoOvnDbs = 'bundle' | 'raft';

/** The raft model's containers (OSP 17: `tripleo_ovn_cluster_*` units), by daemon of the model. */
export const OSP17_OVN_CONTAINERS: ReadonlyMap<string, string> = new Map([
  [OVN_SERVICES.nb, 'ovn_cluster_north_db_server'],
  [OVN_SERVICES.sb, 'ovn_cluster_south_db_server'],
  [OVN_SERVICES.northd, 'ovn_cluster_northd'],
]);

function started(c: ClusterState, n: SimNode, service: string, since: number): void {
  n.services.set(service, { running: true, pid: (c.counters.pid += 7), since });
}

/** Gives every node its ML2/OVN daemons, before `tripleoize` writes their units. */
export function useTripleoOvn(c: ClusterState, dbs: TripleoOvnDbs): void {
  for (const n of c.nodes.values()) {
    const since = Math.min(...[...n.services.values()].map((x) => x.since));
    for (const agent of OVS_AGENTS) n.services.delete(agent);
    if (n.roles.includes('controller')) {
      const daemons = dbs === 'bundle' ? [TRIPLEO_OVN_DBS_BUNDLE.service] : [...OSP17_OVN_CONTAINERS.keys()];
      for (const d of daemons) started(c, n, d, since);
      // One file system per node in the model: the sockets at the host's path and where the containers see them.
      for (const ctl of OVN_RUN_FILES) {
        n.fs.put(ctl, { kind: 'socket', mtime: since });
        n.fs.put(`${OVN_HOST_RUN_DIR}/${ctl.split('/').pop() ?? ''}`, { kind: 'socket', mtime: since });
      }
      continue;
    }
    started(c, n, OVN_SERVICES.controller, since);
    started(c, n, 'neutron-ovn-metadata-agent', since);
    n.fs.put(OVN_CONTROLLER_PIDFILE, { kind: 'file', size: 5, mtime: since, content: `${c.counters.pid}\n` });
  }
}

/** Names a daemon's container on `node` the release's way. */
export function renameContainer(n: SimNode, service: string, container: string): void {
  n.containerNames = new Map([...(n.containerNames ?? []), [service, container]]);
}

/** Turns a freshly built cluster into an OSP 16 one on ML2/OVN. */
function osp16(c: ClusterState): void {
  useTripleoOvn(c, 'bundle');
  for (const n of c.controllers) renameContainer(n, 'ceph-mon', `ceph-mon-${n.name}`);
  tripleoize(c);
}

/** A healthy OSP 16 cluster on ML2/OVN. */
export const tripleoOsp16Healthy: Scenario = {
  name: 'tripleo-osp16-healthy',
  description:
    'TripleO as OSP 16 deploys it on ML2/OVN: ovn-dbs-bundle (active on the promoted replica, backups replicating), ovn_controller on the computes, ceph-mon-<host> containers, nova_libvirt',
  startsAt: tripleoHealthy.startsAt,
  initOf: () => 'systemd',
  seedLog: tripleoHealthy.seedLog,
  apply: osp16,
};

/** The same OSP 16 cluster with one OVN backup that lost its replication connection to the active server. */
export const tripleoOsp16OvnBackupLost: Scenario = {
  name: 'tripleo-osp16-ovn-backup-lost',
  description: "OSP 16 on ML2/OVN with the last controller's ovn-dbs-bundle backup no longer replicating from the active server",
  startsAt: tripleoHealthy.startsAt,
  initOf: () => 'systemd',
  seedLog: tripleoHealthy.seedLog,
  apply: (c) => {
    osp16(c);
    const last = c.controllers.at(-1);
    if (last) last.ovnReplicationLost = true;
  },
};
