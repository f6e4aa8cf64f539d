/**
 * The TripleO scenarios: the same cluster deployed by TripleO (Train, OSP 16): podman containers,
 * pacemaker on the controllers running the galera, rabbitmq and haproxy bundles, every other
 * daemon a plain container run by its `tripleo_<name>.service` unit, logs under
 * /var/log/containers/<service>/, and cinder's conversion dir on the host's /var/lib/cinder.
 */
import { TRIPLEO_CONFIG_DIR, tripleoContainerUnit, tripleoLogPath } from '../../deployment/tripleo.js';
import { healthyHistory } from '../logs/history.js';
import { SEED_CONVERSION_FILE } from '../logs/seed-lines.js';
import { containerNameOn } from '../programs/containers.js';
import { CLUSTER_STACK, tripleoBundleResources } from '../state/topology.js';
import type { ClusterState } from '../state/types.js';
import { seedAftermath, seedIncident } from './seed-incident.js';
import { addUndercloud } from './tripleo-undercloud.js';
import type { Scenario } from './types.js';

/** RabbitMQ halted on its disk alarm on node-10 (the seed's second alarm). */
const RABBIT_HALT = Date.UTC(2017, 1, 15, 4, 9, 57);
/** pacemaker's start of the rabbitmq resource in node-10's replica failed on the full disk. */
const RABBIT_START_FAILED = Date.UTC(2017, 1, 15, 4, 10, 33);
/** Turns a freshly built cluster into a TripleO one (release variants set their daemons and names first). */
export function tripleoize(c: ClusterState): void {
  const bundled = new Set(tripleoBundleResources(c).map((r) => r.service));
  for (const n of c.nodes.values()) {
    n.deployment = 'tripleo';
    n.pacemakerFailures.length = 0;
    n.fs.mkdirp(`${TRIPLEO_CONFIG_DIR}/container-startup-config`);
    n.fs.mkdirp('/etc/systemd/system');
    // tripleo-ansible writes a unit per plain container; pacemaker runs the bundles and itself.
    for (const s of n.services.keys()) {
      if (bundled.has(s) || (CLUSTER_STACK as readonly string[]).includes(s)) continue;
      const name = containerNameOn(n, s);
      // ceph-ansible runs its daemons through its own ceph-<daemon>@<host> units, not tripleo-ansible's.
      if (name.startsWith('ceph-')) continue;
      const unit = `[Unit]\nDescription=${name} container\n[Service]\nRestart=always\nExecStart=/usr/libexec/tripleo-start-podman-container ${name}\n`;
      n.fs.put(`/etc/systemd/system/${tripleoContainerUnit(name)}`, { kind: 'file', size: unit.length, mtime: n.bootedAt, content: unit });
    }
    // Logs move to the containers' bind mounts; their content is the same history.
    const logs = [...n.fs.walk('/var/log')].filter(([path, e]) => e.kind !== 'dir' && tripleoLogPath(path) !== path);
    for (const [path, entry] of logs) {
      n.fs.remove(path);
      n.fs.put(tripleoLogPath(path), entry);
    }
  }
  addUndercloud(c);
}

/** The seed outage the TripleO way: the rabbitmq bundle's replica on node-10 fails on the full disk. */
function applySeed(c: ClusterState, options: { holdConversionFile?: boolean }): void {
  tripleoize(c);
  const n10 = c.nodes.get('node-10');
  if (!n10) return;
  // cinder_volume bind-mounts the host's /var/lib/cinder: the conversion file is where the seed's was.
  n10.fs.put(SEED_CONVERSION_FILE.path, { kind: 'file', size: SEED_CONVERSION_FILE.size, mtime: SEED_CONVERSION_FILE.mtime });
  if (options.holdConversionFile) n10.cinderOpenFiles.add(SEED_CONVERSION_FILE.path);
  // Exactly full, as `df` showed: whatever else is on the disk fills the rest.
  n10.disk.baseUsed = n10.disk.size - n10.fs.usedBytes();
  const rabbit = n10.services.get('rabbitmq-server');
  if (rabbit) Object.assign(rabbit, { running: false, pid: 0, since: RABBIT_HALT });
  n10.rabbit.appRunning = false;
  // The replica's container (pacemaker-remoted) stays up; the resource inside failed to start again.
  c.counters.call += 1;
  n10.pacemakerFailures.push({
    resource: 'rabbitmq',
    task: 'start',
    exitstatus: 'error',
    exitreason: 'No space left on device',
    exitcode: 1,
    call: c.counters.call,
    at: RABBIT_START_FAILED,
  });
  c.pacemakerLastChange = { at: RABBIT_START_FAILED, client: 'pacemaker-controld', origin: 'node-10' };
  seedAftermath(c);
}

/** A healthy TripleO cluster. */
export const tripleoHealthy: Scenario = {
  name: 'tripleo-healthy',
  description: 'a TripleO cluster (podman containers, pacemaker bundles for Galera, RabbitMQ and HAProxy), every container up',
  startsAt: Date.UTC(2017, 1, 15, 6, 30, 0),
  initOf: () => 'systemd',
  seedLog: (node, path) => healthyHistory(node, path, '192.168.0.6'),
  apply: (c) => tripleoize(c),
};

/** The seed outage on TripleO. */
export const tripleoSeedIncident: Scenario = {
  name: 'tripleo-seed-incident',
  description:
    "the Feb 2017 outage on TripleO: node-10's root disk full of a 78 GB file in cinder's conversion dir, the rabbitmq bundle's replica there stopped on its disk alarm, nova_compute down without nova_libvirt's socket",
  startsAt: seedIncident.startsAt,
  initOf: () => 'systemd',
  seedLog: (node, path) => seedIncident.seedLog(node, path),
  apply: applySeed,
};
