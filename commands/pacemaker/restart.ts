import { busyNodes } from '../../src/runbooks/busy.js';
import { defineRunbookCommand } from '../../src/runbooks/command.js';
import { buildPacemakerRestart } from '../../src/runbooks/pacemaker-restart.js';

/** `/pacemaker restart NODE`: restart the cluster stack on one controller, quorum permitting. */
export default defineRunbookCommand({
  family: 'pacemaker',
  name: 'restart',
  summary: 'restart pacemaker on a controller (refused while another controller is down or restarting)',
  args: [{ name: 'node', kind: 'node', nodeRoles: ['controller'], description: 'the controller' }],
  permission: 'operator',
  build: async (ctx, rctx) => {
    const node = ctx.args.positional.node ?? '';
    return buildPacemakerRestart(rctx, node, () => busyNodes(ctx, node));
  },
});
