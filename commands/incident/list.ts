import { defineCommand } from '../../src/router/command.js';
import { table } from '../../src/render/table.js';

/** `/incident list [--all]`: open incidents (or the latest ones), one line each. */
export default defineCommand({
  family: 'incident',
  name: 'list',
  summary: 'open incidents (--all: the latest 20, resolved ones too)',
  args: [],
  flags: [{ name: 'all', description: 'include resolved incidents' }],
  permission: 'viewer',
  async run(ctx) {
    const store = ctx.services.incidents;
    const all = ctx.args.flags.has('all');
    const incidents = await store.list(all ? { limit: 20 } : { status: 'open' });
    if (incidents.length === 0) return { ok: true, title: all ? 'No incidents recorded.' : 'No open incidents.', text: '', data: { incidents: [] } };
    const rows = incidents.map((i) => [
      `#${i.id}`,
      i.status,
      i.severity,
      `${i.openedAt.slice(0, 16).replace('T', ' ')}`,
      i.resolvedAt ? `resolved ${i.resolvedAt.slice(0, 16).replace('T', ' ')}` : i.greenSince ? 'green' : 'ongoing',
      i.title,
    ]);
    const open = incidents.filter((i) => i.status === 'open').length;
    return {
      ok: open === 0,
      title: `${open} open incident${open === 1 ? '' : 's'}${all ? ` (${incidents.length} listed)` : ''}`,
      text: table([['ID', 'STATUS', 'SEVERITY', 'OPENED (UTC)', 'STATE', 'TITLE'], ...rows]),
      data: { incidents },
    };
  },
});
