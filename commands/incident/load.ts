import type { CommandContext } from '../../src/router/command.js';
import { UserError } from '../../src/errors.js';
import type { IncidentData, IncidentStore } from '../../src/incidents/index.js';
import type { Incident } from '../../src/incidents/types.js';

/** The store and the incident named by the ID argument, or a clear "no such incident". */
export async function loadIncident(ctx: CommandContext): Promise<{ store: IncidentStore; incident: Incident }> {
  const store = ctx.services.incidents;
  const id = Number(ctx.args.positional.id);
  const incident = await store.get(id);
  if (!incident) {
    // With several clusters a number names one cluster's incident: never act on another's here.
    const other = store.cluster === undefined ? undefined : await store.clusterOf(id);
    if (other) throw new UserError(`incident #${id} is ${other}'s, not ${store.cluster}'s: add --cluster ${other}`, 'stackmedic_no_such_incident');
    throw new UserError(`no incident #${id} (see /incident list)`, 'stackmedic_no_such_incident');
  }
  return { store, incident };
}

/** Everything the incident views need, read from the store. */
export async function incidentData(ctx: CommandContext, store: IncidentStore, incident: Incident): Promise<IncidentData> {
  return {
    incident,
    evidence: await store.evidence(incident.id),
    events: await store.events(incident.id),
    signatures: (await ctx.services.catalog()).signatures,
    now: ctx.services.clock().toISOString(),
  };
}

/** The ID argument of `/incident show|resolve|postmortem`. */
export const idArg = { name: 'id', kind: 'int', description: 'incident number (see /incident list)' } as const;
