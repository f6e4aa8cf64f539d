import { defineCommand } from '../../src/router/command.js';
import { UserError } from '../../src/errors.js';
import { incidentTitle } from '../../src/incidents/index.js';
import { idArg, loadIncident } from './load.js';

/** `/incident resolve ID`: closes an incident by hand (the Slack thread follows on the next check). */
export default defineCommand({
  family: 'incident',
  name: 'resolve',
  summary: 'mark an incident resolved (operator)',
  args: [idArg],
  permission: 'operator',
  async run(ctx) {
    const { store, incident } = await loadIncident(ctx);
    if (incident.status === 'resolved')
      throw new UserError(
        `incident #${incident.id} was already resolved ${incident.resolvedAt?.slice(0, 16).replace('T', ' ') ?? ''} UTC by ${incident.resolvedBy ?? '?'}`,
        'stackmedic_incident_resolved',
      );
    const at = ctx.services.clock().toISOString();
    await store.resolve(incident.id, at, ctx.actor.name, `Resolved by ${ctx.actor.name} with /incident resolve.`);
    return {
      ok: true,
      title: `Incident #${incident.id} resolved by ${ctx.actor.name}: ${incidentTitle(incident)}`,
      text: `Run /incident postmortem ${incident.id} for the post-mortem.`,
      data: { id: incident.id, resolvedAt: at },
    };
  },
});
