import { healthyHistory } from '../logs/history.js';
import type { Scenario } from './types.js';

/** Everything up: pacemaker, RabbitMQ, Galera, Ceph, nova and neutron. */
export const healthy: Scenario = {
  name: 'healthy',
  description: 'every service up, RabbitMQ clustered, disks with room',
  startsAt: Date.UTC(2017, 1, 15, 6, 30, 0),
  initOf: () => 'systemd',
  seedLog: (node, path) => healthyHistory(node, path, '192.168.0.6'),
  apply: () => undefined,
};
