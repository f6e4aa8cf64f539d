/**
 * The kolla-ansible scenarios: the same cluster, its daemons in kolla's containers (`docker`
 * answers on every node, pacemaker is not installed), /etc/kolla and its admin-openrc.sh, and
 * cinder's conversion dir inside the `cinder` docker volume.
 */
import { KOLLA_ADMIN_OPENRC, kollaConversionDir } from '../../deployment/kolla.js';
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
/** Turns a freshly built cluster into a kolla-ansible one. */
function kollaize(c: ClusterState): void {
  for (const n of c.nodes.values()) {
    n.deployment = 'kolla-ansible';
    for (const s of CLUSTER_STACK) n.services.delete(s);
    n.pacemakerFailures.length = 0;
    n.fs.mkdirp('/etc/kolla');
    const openrc = n.fs.get('/root/openrc');
    if (openrc) {
      n.fs.put(KOLLA_ADMIN_OPENRC, openrc);
      n.fs.remove('/root/openrc');
    }
    if (n.roles.includes('controller')) n.fs.mkdirp(CONVERSION_DIR);
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
