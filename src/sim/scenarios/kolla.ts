/**
 * The kolla-ansible scenarios: the same cluster, its daemons in kolla's containers (`docker`
 * answers on every node, pacemaker is not installed), /etc/kolla and its admin-openrc.sh, and
 * cinder's conversion dir inside the `cinder` docker volume. Two variants of the healthy cluster:
 * ML2/OVN (`neutron_plugin_agent: ovn`: raft-clustered OVN databases on the controllers,
 * ovn_controller on the computes, no ML2/OVS agents), and the same on podman
 * (`kolla_container_engine: podman`). kolla-healthy and kolla-seed-incident stay ML2/OVS, which is
 * still kolla-ansible's default `neutron_plugin_agent`, so their outputs do not change.
 */
import { KOLLA_ADMIN_OPENRC, kollaConversionDir } from '../../deployment/kolla.js';
import type { ContainerEngine } from '../../deployment/types.js';
import { PODMAN_STORAGE } from '../programs/containers.js';
import { OVN_CONTROLLER_PIDFILE, OVN_RUN_FILES, OVN_SERVICES } from '../programs/ovn.js';
import { healthyHistory } from '../logs/history.js';
import { SEED_CONVERSION_FILE } from '../logs/seed-lines.js';
import { CLUSTER_STACK, kollaLogPath } from '../state/topology.js';
import type { ClusterState } from '../state/types.js';
import { seedAftermath, seedIncident } from './seed-incident.js';
import type { Scenario } from './types.js';

/** cinder's conversion dir as the host sees it on a docker node. */
const CONVERSION_DIR = kollaConversionDir('docker');
/** The seed's 78 GB conversion file, where kolla's cinder_volume writes it. */
const KOLLA_CONVERSION_FILE = `${CONVERSION_DIR}/${SEED_CONVERSION_FILE.path.split('/').pop() ?? 'tmpG3Ukq5'}`;
/** RabbitMQ halted on its disk alarm on node-10 (the seed's second alarm). */
const RABBIT_HALT = Date.UTC(2017, 1, 15, 4, 9, 57);
/** How a kolla-ansible cluster is configured (globals.yml's `neutron_plugin_agent`, `kolla_container_engine`). */
interface KollaOptions {
  readonly ovn?: boolean;
  readonly engine?: ContainerEngine;
}

/** ML2/OVS's agents, which ML2/OVN replaces with ovn-controller and the OVN metadata agent. */
const OVS_AGENTS = ['neutron-openvswitch-agent', 'neutron-dhcp-agent', 'neutron-l3-agent', 'neutron-metadata-agent'];

/** Runs OVN: the databases and northd on the controllers, ovn-controller and the OVN metadata agent on the computes. */
function useOvn(c: ClusterState): void {
  for (const n of c.nodes.values()) {
    const since = Math.min(...[...n.services.values()].map((x) => x.since));
    const controller = n.roles.includes('controller');
    for (const agent of OVS_AGENTS) n.services.delete(agent);
    const added = controller ? [OVN_SERVICES.nb, OVN_SERVICES.sb, OVN_SERVICES.northd] : [OVN_SERVICES.controller, 'neutron-ovn-metadata-agent'];
    for (const svc of added) n.services.set(svc, { running: true, pid: (c.counters.pid += 7), since });
    if (controller) for (const f of OVN_RUN_FILES) n.fs.put(f, { kind: 'socket', mtime: since });
    else n.fs.put(OVN_CONTROLLER_PIDFILE, { kind: 'file', size: 5, mtime: since, content: `${c.counters.pid}\n` });
  }
}

/** Turns a freshly built cluster into a kolla-ansible one. */
function kollaize(c: ClusterState, options: KollaOptions = {}): void {
  const engine = options.engine ?? 'docker';
  if (options.ovn) useOvn(c);
  for (const n of c.nodes.values()) {
    if (engine === 'podman') n.fs.mkdirp(PODMAN_STORAGE);
    n.deployment = 'kolla-ansible';
    for (const s of CLUSTER_STACK) n.services.delete(s);
    n.pacemakerFailures.length = 0;
    n.fs.mkdirp('/etc/kolla');
    const openrc = n.fs.get('/root/openrc');
    if (openrc) {
      n.fs.put(KOLLA_ADMIN_OPENRC, openrc);
      n.fs.remove('/root/openrc');
    }
    if (n.roles.includes('controller')) n.fs.mkdirp(kollaConversionDir(engine));
    // Logs move into the kolla_logs volume's layout; their content is the same history.
    const logs = [...n.fs.walk('/var/log')].filter(([path, e]) => e.kind !== 'dir' && kollaLogPath(path) !== path);
    for (const [path, entry] of logs) {
      n.fs.remove(path);
      n.fs.put(kollaLogPath(path), entry);
    }
    // kolla runs no pacemaker: no pacemaker log either.
    n.fs.remove(kollaLogPath('/var/log/pacemaker/pacemaker.log'));
  }
}

/** The seed outage the kolla way: no pacemaker to stop everything, only what the disk took down. */
function applySeed(c: ClusterState, options: { holdConversionFile?: boolean }): void {
  kollaize(c);
  const n10 = c.nodes.get('node-10');
  if (!n10) return;
  n10.fs.put(KOLLA_CONVERSION_FILE, { kind: 'file', size: SEED_CONVERSION_FILE.size, mtime: SEED_CONVERSION_FILE.mtime });
  if (options.holdConversionFile) n10.cinderOpenFiles.add(KOLLA_CONVERSION_FILE);
  // Exactly full, as `df` showed: whatever else is on the disk fills the rest.
  n10.disk.baseUsed = n10.disk.size - n10.fs.usedBytes();
  const rabbit = n10.services.get('rabbitmq-server');
  if (rabbit) Object.assign(rabbit, { running: false, pid: 0, since: RABBIT_HALT });
  n10.rabbit.appRunning = false;
  seedAftermath(c);
}

/** A healthy kolla-ansible cluster. */
export const kollaHealthy: Scenario = {
  name: 'kolla-healthy',
  description: 'a kolla-ansible cluster (docker containers, no pacemaker), every container up',
  startsAt: Date.UTC(2017, 1, 15, 6, 30, 0),
  initOf: () => 'systemd',
  seedLog: (node, path) => healthyHistory(node, path, '192.168.0.6'),
  apply: (c) => kollaize(c),
};

/** The seed outage on kolla-ansible. */
export const kollaSeedIncident: Scenario = {
  name: 'kolla-seed-incident',
  description:
    "the Feb 2017 outage on kolla-ansible: node-10's root disk full of a 78 GB file in the cinder volume's conversion dir, the rabbitmq container halted on its disk alarm, nova_compute down without nova_libvirt's socket",
  startsAt: seedIncident.startsAt,
  initOf: () => 'systemd',
  seedLog: (node, path) => seedIncident.seedLog(node, path),
  apply: applySeed,
};

/** A healthy kolla-ansible cluster on ML2/OVN. */
export const kollaOvnHealthy: Scenario = {
  name: 'kolla-ovn-healthy',
  description: 'a kolla-ansible cluster on ML2/OVN (docker): raft-clustered ovn_nb_db/ovn_sb_db on the controllers, ovn_controller on the computes',
  startsAt: kollaHealthy.startsAt,
  initOf: () => 'systemd',
  seedLog: kollaHealthy.seedLog,
  apply: (c) => kollaize(c, { ovn: true }),
};

/** The same healthy ML2/OVN cluster deployed with `kolla_container_engine: podman`. */
export const kollaPodmanHealthy: Scenario = {
  name: 'kolla-podman-healthy',
  description: 'a kolla-ansible cluster on ML2/OVN with kolla_container_engine: podman (podman answers, no docker)',
  startsAt: kollaHealthy.startsAt,
  initOf: () => 'systemd',
  seedLog: kollaHealthy.seedLog,
  apply: (c) => kollaize(c, { ovn: true, engine: 'podman' }),
};
