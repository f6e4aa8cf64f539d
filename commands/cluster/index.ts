import { defineFamily } from '../../src/router/command.js';
import ping from './ping.js';
import status from './status.js';
import disk from './disk.js';
import node from './node.js';
import audit from './audit.js';
import alerts from './alerts.js';
import freeDisk from './free-disk.js';

/** `/cluster`: the state of the whole cluster. */
export default defineFamily({
  name: 'cluster',
  summary: 'see the cluster: reachability, health, disks, audit, alerts',
  commands: [status, disk, node, ping, audit, alerts, freeDisk],
});
