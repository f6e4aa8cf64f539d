/**
 * TripleO as Red Hat OpenStack Platform 17 (Wallaby) deploys it: ML2/OVN with raft-clustered OVN
 * databases in plain containers (`ovn_cluster_north_db_server`, `ovn_cluster_south_db_server`,
 * `ovn_cluster_northd`, no ovn-dbs-bundle), Ceph deployed by cephadm (no `ceph` on the host: the
 * CLI runs through `cephadm shell`), and libvirt's modular daemons (`nova_virtqemud`, virtqemud on
 * /var/run/libvirt/virtqemud-sock, no nova_libvirt). Sources: test/fixtures/deployment/tripleo/.
 */
import { CEPHADM_PATH, cephadmMonContainer } from '../programs/cephadm.js';
import { LIBVIRT_SOCKET, VIRTQEMUD_SOCKET } from '../state/derive.js';
import type { ClusterState } from '../state/types.js';
import { tripleoHealthy, tripleoize } from './tripleo.js';
import { OSP17_OVN_CONTAINERS, renameContainer, useTripleoOvn } from './tripleo-osp16.js';
import type { Scenario } from './types.js';

/** Turns a freshly built cluster into an OSP 17 one. */
function osp17(c: ClusterState): void {
  useTripleoOvn(c, 'raft');
  for (const n of c.controllers) {
    for (const [service, container] of OSP17_OVN_CONTAINERS) renameContainer(n, service, container);
    renameContainer(n, 'ceph-mon', cephadmMonContainer(n.name));
    n.fs.put(CEPHADM_PATH, { kind: 'file', size: 330_000, mtime: n.bootedAt });
  }
  for (const n of c.computes) {
    renameContainer(n, 'libvirtd', 'nova_virtqemud');
    n.processNames = new Map([['libvirtd', 'virtqemud']]);
    const sock = n.fs.get(LIBVIRT_SOCKET);
    n.fs.remove(LIBVIRT_SOCKET);
    if (sock) n.fs.put(VIRTQEMUD_SOCKET, sock);
  }
  tripleoize(c);
}

/** A healthy OSP 17 cluster. */
export const tripleoOsp17Healthy: Scenario = {
  name: 'tripleo-osp17-healthy',
  description:
    'TripleO as OSP 17 deploys it: raft-clustered OVN databases in ovn_cluster_* containers, ceph through cephadm shell, modular libvirt (nova_virtqemud, virtqemud-sock)',
  startsAt: tripleoHealthy.startsAt,
  initOf: () => 'systemd',
  seedLog: tripleoHealthy.seedLog,
  apply: osp17,
};

/** The same OSP 17 cluster with nova_virtqemud stopped on the first compute (no virtqemud, no socket, nova-compute down). */
export const tripleoOsp17VirtqemudDown: Scenario = {
  name: 'tripleo-osp17-virtqemud-down',
  description: "OSP 17 with the first compute's nova_virtqemud stopped: virtqemud-sock gone and nova_compute reported down",
  startsAt: tripleoHealthy.startsAt,
  initOf: () => 'systemd',
  seedLog: tripleoHealthy.seedLog,
  apply: (c) => {
    osp17(c);
    const n = c.computes[0];
    const s = n?.services.get('libvirtd');
    if (!n || !s) return;
    Object.assign(s, { running: false, pid: 0, since: c.clock.now() - 600_000 });
    n.fs.remove(VIRTQEMUD_SOCKET);
    n.novaLibvirtConnected = false;
  },
};
