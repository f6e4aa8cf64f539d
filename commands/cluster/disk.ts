import { takeSnapshot } from '../../src/health/snapshot.js';
import { DISK_CRITICAL_PERCENT, DISK_WARN_PERCENT } from '../../src/health/assess.js';
import { diskUsage, spaceHogs } from '../../src/probes/index.js';
import { defineCommand } from '../../src/router/command.js';
import { humanBytes } from '../../src/render/templates.js';
import { table } from '../../src/render/table.js';

/** `/cluster disk [NODE]`: disk usage and the largest space hogs per node. */
export default defineCommand({
  family: 'cluster',
  name: 'disk',
  summary: 'disk usage and the top space hogs per node',
  args: [{ name: 'node', kind: 'node', optional: true, description: 'only this node' }],
  permission: 'viewer',
  async run(ctx) {
    const only = ctx.args.positional.node;
    const snapshot = await takeSnapshot(ctx.inventory, ctx.executor, {
      probes: [diskUsage, spaceHogs],
      ...(only ? { nodes: [only] } : {}),
      clock: ctx.services.clock,
    });
    const usage = new Map(snapshot.values(diskUsage).map((v) => [v.node, v.value]));
    const hogs = new Map(snapshot.values(spaceHogs).map((v) => [v.node, v.value.files]));
    const rows: string[][] = [['NODE', 'MOUNT', 'USED', 'FREE', 'SIZE']];
    const hogLines: string[] = [];
    let full = 0;
    let warn = 0;
    for (const node of snapshot.nodes) {
      if (!node.reachable) {
        rows.push([node.name, '-', 'UNREACHABLE', '', node.problem ?? '']);
        continue;
      }
      const u = usage.get(node.name);
      if (!u) {
        rows.push([node.name, '-', 'unreadable', '', '']);
        continue;
      }
      const mounts = only ? u.mounts : u.mounts.filter((m) => m.mountpoint === '/' || m.usePercent >= DISK_WARN_PERCENT);
      for (const m of mounts) {
        if (m.usePercent >= DISK_CRITICAL_PERCENT) full += 1;
        else if (m.usePercent >= DISK_WARN_PERCENT) warn += 1;
        const mark = m.usePercent >= DISK_CRITICAL_PERCENT ? ' FULL' : m.usePercent >= DISK_WARN_PERCENT ? ' high' : '';
        rows.push([node.name, m.mountpoint, `${m.usePercent}%${mark}`, humanBytes(m.availBytes), humanBytes(m.sizeBytes)]);
      }
      const files = hogs.get(node.name) ?? [];
      const dirs = u.hogs.filter((h) => h.bytes > 0);
      if (files.length || (only && dirs.length)) {
        hogLines.push(`${node.name}:`);
        for (const d of dirs) hogLines.push(`  ${humanBytes(d.bytes).padStart(9)}  ${d.path}/ (total)`);
        for (const f of files.slice(0, only ? 20 : 5))
          hogLines.push(`  ${humanBytes(f.bytes).padStart(9)}  ${f.path}  [${f.category}, modified ${f.mtime.toISOString().slice(0, 16).replace('T', ' ')}]`);
      }
    }
    const unreachable = snapshot.unreachable().length;
    const title =
      full + warn + unreachable === 0
        ? `Disks fine on ${snapshot.nodes.length} node${snapshot.nodes.length === 1 ? '' : 's'} (no mount above ${DISK_WARN_PERCENT}%).`
        : `${full} full and ${warn} high mount${full + warn === 1 ? '' : 's'}${unreachable ? `, ${unreachable} node${unreachable === 1 ? '' : 's'} unreachable` : ''}.`;
    const text = [
      table(rows),
      ...(hogLines.length ? ['', 'Largest files in known space hogs (cinder conversion, glance cache, logs):', ...hogLines] : []),
    ].join('\n');
    return {
      ok: full === 0 && unreachable === 0,
      title,
      text,
      data: { nodes: snapshot.nodes, usage: Object.fromEntries(usage), hogs: Object.fromEntries(hogs) },
    };
  },
});
