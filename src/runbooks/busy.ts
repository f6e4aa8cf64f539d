/** Which other nodes a runbook is acting on right now, for the quorum guard. */
import type { CommandContext } from '../router/command.js';

/** Lock holders of every inventory node but `except`, described as "CMD by ACTOR". */
export function busyNodes(ctx: CommandContext, except: string): Map<string, string> {
  const busy = new Map<string, string>();
  for (const n of ctx.inventory.nodes) {
    if (n.name === except) continue;
    const h = ctx.services.locks.holderOf(n.name);
    if (h) busy.set(n.name, `${h.command} by ${h.actor}`);
  }
  return busy;
}
