import { rabbitReport } from '../logs/format.js';
import { healthyHistory } from '../logs/history.js';
import type { Scenario } from './types.js';

const SPLIT_AT = Date.UTC(2017, 1, 15, 3, 2, 17);

/** RabbitMQ network partition: node-10 on one side, the other controllers on the other. */
export const partition: Scenario = {
  name: 'partition',
  description: 'RabbitMQ partitioned: node-10 cannot see node-11 and node-12 (restart its app to heal)',
  startsAt: Date.UTC(2017, 1, 15, 6, 30, 0),
  initOf: () => 'systemd',
  seedLog: (node, path) => {
    const base = healthyHistory(node, path, '192.168.0.6');
    if (path === `/var/log/rabbitmq/rabbit@${node.name}.log` && node.roles.includes('controller')) {
      const other = node.name === 'node-10' ? 'node-11' : 'node-10';
      return [
        ...base,
        ...rabbitReport(SPLIT_AT, 'ERROR', [
          `Mnesia('rabbit@${node.name}'): ** ERROR ** mnesia_event got {inconsistent_database, running_partitioned_network, 'rabbit@${other}'}`,
        ]),
      ];
    }
    return base;
  },
  apply: (c) => {
    const n = c.controllers[0];
    if (!n || c.controllers.length < 2) return;
    c.rabbitPartition.add(n.name);
    c.amqpDownSince = SPLIT_AT;
  },
};
