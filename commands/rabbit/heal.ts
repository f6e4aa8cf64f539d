import { busyNodes } from '../../src/runbooks/busy.js';
import { defineRunbookCommand } from '../../src/runbooks/command.js';
import { buildRabbitHeal } from '../../src/runbooks/rabbit-heal.js';

/** `/rabbit heal NODE`: detect how RabbitMQ on the node is broken, fix that, verify, report the rest. */
export default defineRunbookCommand({
  family: 'rabbit',
  name: 'heal',
  summary: 'heal RabbitMQ on a controller: stopped after a disk alarm, inconsistent_cluster, partition, stale disk alarm',
  args: [{ name: 'node', kind: 'node', nodeRoles: ['controller'], description: 'the controller whose RabbitMQ is broken' }],
  permission: 'operator',
  build: async (ctx, rctx) => {
    const node = ctx.args.positional.node ?? '';
    return buildRabbitHeal(rctx, node, () => busyNodes(ctx, node));
  },
});
