import { defineFamily } from '../../src/router/command.js';
import heal from './heal.js';
import status from './status.js';

/** `/rabbit`: RabbitMQ status and repair. */
export default defineFamily({
  name: 'rabbit',
  summary: 'RabbitMQ: cluster status, alarms, partitions; heal a broken node',
  commands: [status, heal],
});
