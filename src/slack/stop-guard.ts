import type { AllMiddlewareArgs, AnyMiddlewareArgs, Middleware, RespondFn } from '@slack/bolt';
import type { Lifecycle } from '../lifecycle/lifecycle.js';

/** What a command or button pressed during shutdown is told. */
export const STOPPING_TEXT = 'stackmedic is restarting and takes no new commands right now; nothing was run. Try again in a minute.';

/**
 * Global Bolt middleware: every request is work the lifecycle tracks until its listener is done
 * (answer posted), and once stopping, new commands and button presses are acknowledged with a
 * short "restarting" answer instead of being run.
 */
export function stopGuard(life: Lifecycle): Middleware<AnyMiddlewareArgs> {
  return async (args: AnyMiddlewareArgs & AllMiddlewareArgs) => {
    if (!life.stopping.aborted) {
      await life.track(args.next());
      return;
    }
    const ack = 'ack' in args && typeof args.ack === 'function' ? (args.ack as (payload?: unknown) => Promise<void>) : undefined;
    const respond = 'respond' in args && typeof args.respond === 'function' ? (args.respond as RespondFn) : undefined;
    try {
      if ('command' in args && args.command) {
        await ack?.({ response_type: 'ephemeral', text: STOPPING_TEXT });
        return;
      }
      await ack?.();
      await respond?.({ response_type: 'ephemeral', replace_original: false, text: STOPPING_TEXT });
    } catch (error) {
      args.logger.warn(`[stackmedic] could not answer a request during shutdown: ${error instanceof Error ? error.message : String(error)}`);
    }
  };
}
