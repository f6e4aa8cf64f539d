import { defineRunbookCommand } from '../../src/runbooks/command.js';
import { buildFixLibvirt } from '../../src/runbooks/fix-libvirt.js';

/** `/compute fix-libvirt NODE`: restart libvirtd and nova-compute in the order that works. */
export default defineRunbookCommand({
  family: 'compute',
  name: 'fix-libvirt',
  summary: 'nova-compute down without the libvirt socket: stop nova-compute, restart libvirtd, wait for the socket, start nova-compute, verify',
  args: [{ name: 'node', kind: 'node', nodeRoles: ['compute'], description: 'the compute node' }],
  permission: 'operator',
  build: (ctx, rctx) => buildFixLibvirt(rctx, ctx.args.positional.node ?? ''),
});
