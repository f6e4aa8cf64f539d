import { defineCommand } from '../../src/router/command.js';
import { summaryReply } from '../../src/incidents/index.js';
import { idArg, incidentData, loadIncident } from './load.js';

/** `/incident show ID`: the incident's summary, as its Slack thread shows it. */
export default defineCommand({
  family: 'incident',
  name: 'show',
  summary: "an incident's summary: impact, chain, evidence, runbooks, timeline",
  args: [idArg],
  permission: 'viewer',
  async run(ctx) {
    const { store, incident } = await loadIncident(ctx);
    return summaryReply(await incidentData(ctx, store, incident));
  },
});
