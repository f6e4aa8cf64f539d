import { osloLine, rabbitReport } from '../logs/format.js';
import { healthyHistory } from '../logs/history.js';
import { SEED_AMQP_ERRORS, SEED_CINDER_SCHEDULER, SEED_CINDER_VOLUME, SEED_CONVERSION_FILE, SEED_RABBIT_NODE10 } from '../logs/seed-lines.js';
import { rabbitDiskCrashLines } from '../state/actions.js';
import { LIBVIRT_SOCKET } from '../state/derive.js';
import { PACEMAKER_CLONES } from '../state/topology.js';
import type { ClusterState, SimNode } from '../state/types.js';
import type { Scenario } from './types.js';

/** Second disk alarm on node-10, the one that took RabbitMQ down for good on 15 Feb. */
const SECOND_ALARM = Date.UTC(2017, 1, 15, 4, 9, 41);
/** The computes were rebooted during the outage; nova-compute came back without libvirt. */
const COMPUTE_REBOOT = Date.UTC(2017, 1, 15, 5, 12, 8);

function amqpErrorLines(pid: number): string[] {
  return SEED_AMQP_ERRORS.map(
    ([t, ip, req]) =>
      `${t} ${pid} ERROR oslo.messaging._drivers.impl_rabbit [req-${req} - - - - -] AMQP server on ${ip}:5673 is unreachable: [Errno 32] Broken pipe. Trying again in 5 seconds.`,
  );
}

function isFirstController(node: SimNode): boolean {
  return node.name === 'node-10';
}

function seedLog(node: SimNode, path: string): readonly string[] {
  const base = healthyHistory(node, path, '192.168.0.6');
  const pid = 2000 + ((path.length * 131) % 7000);
  if (isFirstController(node) && path === '/var/log/rabbitmq/rabbit@node-10.log') {
    return [...SEED_RABBIT_NODE10, '', ...rabbitDiskCrashLines(node, SECOND_ALARM, 0)];
  }
  if (isFirstController(node) && path === '/var/log/cinder/cinder-volume.log') return [...base, ...SEED_CINDER_VOLUME, ...amqpErrorLines(pid)];
  if (isFirstController(node) && path === '/var/log/cinder/cinder-scheduler.log') return [...base, ...SEED_CINDER_SCHEDULER, ...amqpErrorLines(pid)];
  if (/\/var\/log\/(nova|neutron|heat|cinder)\/[^/]+\.log$/.test(path) && !path.includes('nova-api')) {
    const lines = [...base, ...amqpErrorLines(pid)];
    if (path.endsWith('nova-compute.log')) {
      lines.push(
        osloLine(COMPUTE_REBOOT, pid + 1, 'INFO', 'nova.service', 'Starting compute node (version 13.1.2)'),
        osloLine(
          COMPUTE_REBOOT + 412,
          pid + 1,
          'ERROR',
          'nova.virt.libvirt.host',
          "Connection to libvirt failed: Failed to connect socket to '/var/run/libvirt/libvirt-sock': No such file or directory",
        ),
      );
    }
    return lines;
  }
  if (path.startsWith('/var/log/rabbitmq/') && !path.endsWith('-sasl.log')) {
    return [...base, ...rabbitReport(SECOND_ALARM + 16_000, 'INFO', ["rabbit on node 'rabbit@node-10' down"])];
  }
  return base;
}

function apply(c: ClusterState, options: { holdConversionFile?: boolean }): void {
  const n10 = c.nodes.get('node-10');
  if (!n10) return;
  n10.fs.put(SEED_CONVERSION_FILE.path, { kind: 'file', size: SEED_CONVERSION_FILE.size, mtime: SEED_CONVERSION_FILE.mtime });
  if (options.holdConversionFile) n10.cinderOpenFiles.add(SEED_CONVERSION_FILE.path);
  // Exactly full, as `df` showed: whatever else is on the disk fills the rest.
  n10.disk.baseUsed = n10.disk.size - n10.fs.usedBytes();
  for (const r of PACEMAKER_CLONES) {
    const s = n10.services.get(r.service);
    if (s) Object.assign(s, { running: false, pid: 0, since: SECOND_ALARM + 16_000 });
  }
  n10.rabbit.appRunning = false;
  c.counters.call += 2;
  n10.pacemakerFailures.push(
    {
      resource: 'p_mysqld',
      task: 'start',
      exitstatus: 'error',
      exitreason: 'No space left on device',
      exitcode: 1,
      call: c.counters.call - 1,
      at: SECOND_ALARM + 40_000,
    },
    {
      resource: 'p_rabbitmq-server',
      task: 'start',
      exitstatus: 'error',
      exitreason: 'No space left on device',
      exitcode: 1,
      call: c.counters.call,
      at: SECOND_ALARM + 52_000,
    },
  );
  c.pacemakerLastChange = { at: SECOND_ALARM + 52_000, client: 'crmd', origin: 'node-10' };
  seedAftermath(c);
}

/**
 * What the seed outage left beyond node-10, the same on every deployment: AMQP lost since the
 * broker halted, and the computes rebooted with libvirt's socket gone, so nova-compute cannot connect.
 */
export function seedAftermath(c: ClusterState): void {
  c.amqpDownSince = Date.UTC(2017, 1, 15, 4, 9, 54);
  for (const n of c.computes) {
    n.bootedAt = COMPUTE_REBOOT - 70_000;
    n.fs.remove(LIBVIRT_SOCKET);
    n.novaLibvirtConnected = false;
    for (const s of n.services.values()) s.since = COMPUTE_REBOOT;
  }
}

/** The February 2017 outage: full root disk on node-10, RabbitMQ and pacemaker down, agents and nova-compute down. */
export const seedIncident: Scenario = {
  name: 'seed-incident',
  description:
    "the Feb 2017 outage: node-10's root disk full of a 78 GB cinder conversion file, RabbitMQ and every pacemaker resource stopped there, neutron agents down, nova-compute down without the libvirt socket",
  startsAt: Date.UTC(2017, 1, 15, 6, 30, 0),
  initOf: () => 'sysv',
  seedLog,
  apply,
};
