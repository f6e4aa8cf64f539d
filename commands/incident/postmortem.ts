import { defineCommand } from '../../src/router/command.js';
import { mrkdwnToBlocks } from '../../src/render/templates.js';
import { renderPostmortem } from '../../src/incidents/index.js';
import { idArg, incidentData, loadIncident } from './load.js';

/** `/incident postmortem ID`: the post-mortem in Markdown (a file in Slack, printed by the CLI). */
export default defineCommand({
  family: 'incident',
  name: 'postmortem',
  summary: 'the post-mortem of an incident, in Markdown',
  args: [idArg],
  permission: 'viewer',
  async run(ctx) {
    const { store, incident } = loadIncident(ctx);
    const data = await incidentData(ctx, store, incident);
    // The audit window starts at the first symptom: people often act before the bot opens the incident.
    const firstSymptom =
      data.evidence
        .map((e) => e.time)
        .filter((t): t is string => t !== null)
        .sort()[0] ?? incident.openedAt;
    const from = new Date(Math.min(Date.parse(firstSymptom), Date.parse(incident.openedAt)));
    const to = new Date(incident.resolvedAt ?? data.now);
    const markdown = renderPostmortem({ ...data, audit: ctx.services.audit.between(from, to) });
    const filename = `postmortem-incident-${incident.id}.md`;
    const title = `Post-mortem of incident #${incident.id}: ${incident.title}`;
    return {
      ok: true,
      title,
      text: markdown,
      blocks: mrkdwnToBlocks(
        `${incident.chainText}\n>> ${incident.status === 'resolved' ? 'Resolved' : 'Still open'}; the full post-mortem is attached as ${filename}.`,
      ),
      files: [{ filename, title, content: markdown }],
      data: { id: incident.id, markdown },
    };
  },
});
