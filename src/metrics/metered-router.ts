import { Router, type DispatchResult, type Invocation } from '../router/router.js';
import type { CommandOutcome, StackmedicMetrics } from './metrics.js';

/**
 * How a dispatch ended, from what the router answered: a confirmation asked for, a reply (ok, or
 * refused by a check, or an internal error, or failed), or an answer given before anything ran
 * (denied for the role, help, a usage error).
 */
export function outcomeOf(result: DispatchResult, ran: boolean): CommandOutcome {
  if (result.kind === 'confirm') return 'awaiting-confirmation';
  const { reply } = result;
  if (!ran) return result.auditId !== undefined || result.audited !== undefined ? 'denied' : reply.ok ? 'help' : 'usage';
  if (reply.ok) return 'ok';
  if (/^Internal error\b/.test(reply.title)) return 'error';
  return result.ephemeral ? 'refused' : 'failed';
}

/**
 * The router, counting every command it handles by family, outcome and role, and timing the ones
 * that run. The family is one of the router's own (or `unknown`), never the text typed.
 */
export class MeteredRouter extends Router {
  constructor(
    private readonly metrics: StackmedicMetrics,
    ...router: ConstructorParameters<typeof Router>
  ) {
    super(...router);
  }

  override prepare(inv: Invocation): ReturnType<Router['prepare']> {
    const prepared = super.prepare(inv);
    const { metrics } = this;
    const family = this.familyOf(inv.text);
    if (prepared.kind === 'answered') {
      metrics.command(family, outcomeOf(prepared.result, false), inv.role);
      return prepared;
    }
    return {
      kind: 'ready',
      run: async () => {
        const started = performance.now();
        const result = await prepared.run();
        metrics.command(family, outcomeOf(result, true), inv.role, (performance.now() - started) / 1000);
        return result;
      },
    };
  }

  private familyOf(text: string): string {
    const word = /^\s*\/?([a-z][a-z0-9-]*)/i.exec(text)?.[1]?.toLowerCase();
    return word && this.commandFamilies.some((f) => f.name === word) ? word : 'unknown';
  }
}
