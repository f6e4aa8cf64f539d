import { defineCommand } from '../../src/router/command.js';
import { mrkdwnToBlocks } from '../../src/render/templates.js';
import { incidentTitle, postmortemChart, postmortemTimeline, renderPostmortem, timelineMermaid } from '../../src/incidents/index.js';
import { svgToPng } from '../../src/render/png.js';
import { timelineSvg } from '../../src/render/timeline-svg.js';
import { idArg, incidentData, loadIncident } from './load.js';

/**
 * `/incident postmortem ID`: the post-mortem in Markdown, with its timeline as a picture (a Mermaid
 * block inside; in Slack a PNG uploaded beside the Markdown file; printed by the CLI).
 */
export default defineCommand({
  family: 'incident',
  name: 'postmortem',
  summary: 'the post-mortem of an incident, in Markdown, with its timeline as a picture',
  args: [idArg],
  permission: 'viewer',
  async run(ctx) {
    const { store, incident } = await loadIncident(ctx);
    const data = await incidentData(ctx, store, incident);
    // The audit window starts at the first symptom: people often act before the bot opens the incident.
    const firstSymptom =
      data.evidence
        .map((e) => e.time)
        .filter((t): t is string => t !== null)
        .sort()[0] ?? incident.openedAt;
    const from = new Date(Math.min(Date.parse(firstSymptom), Date.parse(incident.openedAt)));
    const to = new Date(incident.resolvedAt ?? data.now);
    const postmortem = { ...data, audit: await ctx.services.audit.between(from, to) };
    const markdown = renderPostmortem(postmortem);
    const chart = postmortemChart(postmortem, postmortemTimeline(postmortem));
    const filename = `postmortem-incident-${incident.id}.md`;
    const picture = `postmortem-incident-${incident.id}-timeline.png`;
    const title = `Post-mortem of incident #${incident.id}: ${incidentTitle(incident)}`;
    return {
      ok: true,
      title,
      text: markdown,
      blocks: mrkdwnToBlocks(
        `${incident.chainText}\n>> ${incident.status === 'resolved' ? 'Resolved' : 'Still open'}; the full post-mortem is attached as ${filename}, its timeline as ${picture}.`,
      ),
      files: [
        { filename, title, content: markdown },
        {
          filename: picture,
          title: `Timeline of incident #${incident.id}`,
          content: `\`\`\`mermaid\n${timelineMermaid(chart)}\n\`\`\``,
          base64: Buffer.from(svgToPng(timelineSvg(chart))).toString('base64'),
        },
      ],
      data: { id: incident.id, markdown },
    };
  },
});
