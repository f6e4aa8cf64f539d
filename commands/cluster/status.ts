import { deploymentLine, deploymentMrkdwn, deploymentOf } from '../../src/deployment/describe.js';
import { clusterStatus } from '../../src/health/status.js';
import { versionsMrkdwn, versionsText, versionsView } from '../../src/health/versions.js';
import { defineCommand } from '../../src/router/command.js';
import { mrkdwnToBlocks, renderTemplate } from '../../src/render/templates.js';

/** `/cluster status`: what is down, where, and the most likely why, in one screen. */
export default defineCommand({
  family: 'cluster',
  name: 'status',
  summary: 'what is down, where, and the most likely why',
  args: [],
  // Taken by the ClusterRouter, which asks every cluster: listed here so that help shows it.
  flags: [{ name: 'all', description: 'every cluster of the inventory: one line each, then what is wrong where' }],
  permission: 'viewer',
  async run(ctx) {
    ctx.progress(`probing ${ctx.inventory.nodes.length} nodes...`);
    const catalog = await ctx.services.catalog();
    const status = await clusterStatus(ctx.inventory, ctx.executor, catalog, {
      clock: ctx.services.clock,
      ...(ctx.services.probeCache ? { cache: ctx.services.probeCache } : {}),
    });
    const versions = versionsView(status.snapshot, catalog.signatures);
    const view = { ...status.report, likelyCause: status.likelyCause, nextSteps: status.nextSteps };
    const deployment = deploymentOf(ctx.inventory, status.snapshot);
    const text = renderTemplate('status.txt', view).split('\n').slice(1).join('\n');
    return {
      ok: status.report.verdict === 'HEALTHY',
      title: status.report.headline,
      text: `${text.replace(/\n+$/, '')}\n${versionsText(versions) ? `\n${versionsText(versions)}` : ''}${deploymentLine(deployment)}\n`,
      blocks: mrkdwnToBlocks(`${renderTemplate('status.slack', view).replace(/\n+$/, '')}\n${versionsMrkdwn(versions)}${deploymentMrkdwn(deployment)}\n`),
      data: { report: status.report, chain: status.chain, nextSteps: status.nextSteps, deployment, versions },
    };
  },
});
