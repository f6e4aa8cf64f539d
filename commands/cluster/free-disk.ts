import { defineRunbookCommand } from '../../src/runbooks/command.js';
import { buildFreeDisk } from '../../src/runbooks/free-disk.js';

/** `/cluster free-disk NODE`: show the space hogs, remove cinder conversion leftovers nobody holds open. */
export default defineRunbookCommand({
  family: 'cluster',
  name: 'free-disk',
  summary: 'show the largest space hogs; remove cinder image conversion leftovers no process holds open; verify the space is back',
  args: [{ name: 'node', kind: 'node', description: 'the node whose disk is full' }],
  permission: 'operator',
  build: (ctx, rctx) => buildFreeDisk(rctx, ctx.args.positional.node ?? ''),
});
