/** Which other nodes a runbook is acting on right now, for the quorum guard. */
import type { LockHolder } from '../app/locks.js';
import type { CommandContext } from '../router/command.js';

/**
 * A lock this very run holds (a heal locks the members it acts on besides its target): read after
 * the run's own locks are taken, the guard must not count them as another member being worked on.
 */
function isOwnRun(ctx: CommandContext, h: LockHolder): boolean {
  if (ctx.auditId !== undefined) return h.runId === `#${ctx.auditId}`;
  return h.command === ctx.text && h.actor === ctx.actor.name;
}

/**
 * Lock holders of every inventory node but `except`, described as "CMD by ACTOR" (and the replica
 * running it): read from the store, so a runbook on another replica counts too.
 */
export async function busyNodes(ctx: CommandContext, except: string): Promise<Map<string, string>> {
  const held = await ctx.services.locks.held();
  const busy = new Map<string, string>();
  for (const n of ctx.inventory.nodes) {
    const h = held.get(n.name);
    if (n.name === except || !h || isOwnRun(ctx, h)) continue;
    busy.set(n.name, `${h.command} by ${h.actor}${h.replica ? ` on replica ${h.replica}` : ''}`);
  }
  return busy;
}
