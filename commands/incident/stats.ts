import { UsageError, UserError } from '../../src/errors.js';
import { svgToPng } from '../../src/render/png.js';
import { defineCommand } from '../../src/router/command.js';
import { STATS_RETENTION_DAYS } from '../../src/stats/check-stats.js';
import { statsSvg } from '../../src/stats/chart-svg.js';
import { renderStatsText, statsTitle } from '../../src/stats/render.js';

const USAGE = `Usage: /incident stats [DAYS]   (DAYS: 1 to ${STATS_RETENTION_DAYS}, default 7)`;

/**
 * `/incident stats [DAYS]`: what the scheduled checks of the last days recognised: the most
 * frequent signatures and the share of error records recognised per day (a sparkline in text; in
 * Slack a PNG chart uploaded with it). No checks means "no scheduled checks recorded", never 100 %.
 * With several clusters it reads the cluster the command runs on (`--cluster NAME`, or the
 * channel's binding, as every command), and its title names it.
 */
export default defineCommand({
  family: 'incident',
  name: 'stats',
  summary: `signature hits and the share of error records recognised, per day (DAYS: default 7, at most ${STATS_RETENTION_DAYS})`,
  args: [{ name: 'days', kind: 'int', optional: true, description: `days back, 1 to ${STATS_RETENTION_DAYS} (default 7)` }],
  permission: 'viewer',
  async run(ctx) {
    const raw = ctx.args.positional.days;
    const days = raw === undefined ? 7 : Number(raw);
    if (!Number.isInteger(days) || days < 1 || days > STATS_RETENTION_DAYS) throw new UsageError(`DAYS must be 1 to ${STATS_RETENTION_DAYS}`, USAGE);
    const store = ctx.services.checkStats;
    if (!store) throw new UserError('this stackmedic keeps no check statistics (no store)');
    const cluster = ctx.inventory.cluster;
    const stats = await store.window({ days, now: ctx.services.clock(), cluster });
    // The store is scoped to a cluster only when there are several: one cluster's title reads as before.
    const several = ctx.services.incidents.cluster !== undefined;
    const title = several ? `${cluster}: ${statsTitle(stats)}` : statsTitle(stats);
    if (stats.checks === 0) return { ok: true, title, text: '', data: { stats } };
    const text = renderStatsText(stats);
    const picture = `signature-stats-${days}d.png`;
    return {
      ok: true,
      title,
      text,
      files: [
        {
          filename: picture,
          title: `Signature hits on ${cluster}, last ${days} days`,
          content: text,
          base64: Buffer.from(svgToPng(statsSvg(stats, cluster))).toString('base64'),
        },
      ],
      data: { stats },
    };
  },
});
