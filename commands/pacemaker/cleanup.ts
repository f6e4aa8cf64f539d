import { busyNodes } from '../../src/runbooks/busy.js';
import { defineRunbookCommand } from '../../src/runbooks/command.js';
import { buildPacemakerCleanup, RESOURCE_ID } from '../../src/runbooks/pacemaker-cleanup.js';

/** `/pacemaker cleanup NODE [RESOURCE]`: forget failures so pacemaker starts the resource again. */
export default defineRunbookCommand({
  family: 'pacemaker',
  name: 'cleanup',
  summary: "forget a resource's failures on a controller (all failed resources when none is named) so pacemaker retries it",
  args: [
    { name: 'node', kind: 'node', nodeRoles: ['controller'], description: 'the controller' },
    {
      name: 'resource',
      kind: 'word',
      optional: true,
      pattern: RESOURCE_ID,
      patternHint: 'a pacemaker resource id (letters, digits, _ . : -)',
      description: 'resource id as crm_mon lists it',
    },
  ],
  permission: 'operator',
  build: async (ctx, rctx) => {
    const node = ctx.args.positional.node ?? '';
    return buildPacemakerCleanup(rctx, node, ctx.args.positional.resource, () => busyNodes(ctx, node));
  },
});
