import { healthyHistory } from '../logs/history.js';
import { rabbitReport } from '../logs/format.js';
import { rabbitInconsistentLines } from '../state/actions.js';
import { FOUNDATION_RESOURCES, PACEMAKER_CLONES } from '../state/topology.js';
import type { ClusterState, SimNode } from '../state/types.js';
import type { Scenario } from './types.js';

const FAILED_AT = Date.UTC(2017, 1, 14, 8, 4, 28);

function first(c: ClusterState): SimNode | undefined {
  return c.controllers[0];
}

/**
 * node-10 still believes in the old cluster, the others forgot it: its rabbit app refuses to boot
 * (the Erlang VM stays up, as under Fuel's resource agent), and pacemaker records the failure.
 */
export const rabbitInconsistentCluster: Scenario = {
  name: 'rabbit-inconsistent-cluster',
  description: "node-10's RabbitMQ refuses to boot with inconsistent_cluster; the other brokers are fine",
  startsAt: Date.UTC(2017, 1, 14, 8, 30, 0),
  initOf: () => 'systemd',
  seedLog: (node, path) => {
    const base = healthyHistory(node, path, '192.168.0.6');
    if (node.name === 'node-10' && path === '/var/log/rabbitmq/rabbit@node-10.log') {
      return [
        ...base,
        ...rabbitReport(FAILED_AT - 60_000, 'INFO', ['Stopping RabbitMQ']),
        ...rabbitReport(FAILED_AT - 59_000, 'INFO', ['Stopped RabbitMQ application']),
        ...rabbitInconsistentLines(node, 'node-11', FAILED_AT),
      ];
    }
    return base;
  },
  apply: (c) => {
    const n = first(c);
    if (!n) return;
    n.rabbit.appRunning = false;
    for (const peer of c.controllers) if (peer !== n) peer.rabbit.members = peer.rabbit.members.filter((m) => m !== n.name);
    const rabbitIndex = PACEMAKER_CLONES.findIndex((r) => r.id === FOUNDATION_RESOURCES[1]);
    for (const r of PACEMAKER_CLONES.slice(rabbitIndex + 1)) {
      const s = n.services.get(r.service);
      if (s) Object.assign(s, { running: false, pid: 0, since: FAILED_AT });
    }
    c.counters.call += 1;
    n.pacemakerFailures.push({
      resource: 'p_rabbitmq-server',
      task: 'start',
      exitstatus: 'error',
      exitreason: 'inconsistent_cluster',
      exitcode: 1,
      call: c.counters.call,
      at: FAILED_AT,
    });
    c.amqpDownSince = FAILED_AT;
  },
};
