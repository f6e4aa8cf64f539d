import type { StackmedicApp } from '../app/create-app.js';
import { Lifecycle, STOP_DEADLINE_MS } from './lifecycle.js';

/** Options of `runUntilStopped`. */
export interface RunUntilStoppedOptions {
  readonly app: StackmedicApp;
  /** Lets the target go (the simulator) before the store closes. */
  readonly closeTarget: () => Promise<void>;
  readonly log: (line: string) => void;
  /** Ends the process right after the store is closed (the CLI passes process.exit). */
  readonly exit?: ((code: number) => void) | undefined;
  readonly deadlineMs?: number;
  /** Stops like a signal (tests). */
  readonly abort?: AbortSignal;
}

/**
 * Runs a console or `run` session until it ends or SIGINT/SIGTERM arrives. On a stop: the
 * command in flight gets until 2 s before the deadline to finish, what still runs is marked
 * interrupted and unanswered confirmation questions cancelled in the audit, SSH connections and
 * the target close, and the store closes last; the result is then `stoppedCode` (0).
 */
export async function runUntilStopped(body: () => Promise<number>, o: RunUntilStoppedOptions, stoppedCode = 0): Promise<number> {
  const life = new Lifecycle({ deadlineMs: o.deadlineMs ?? STOP_DEADLINE_MS, abort: o.abort, log: o.log });
  try {
    const work = body();
    const first = await Promise.race([work.then((code) => ({ code })), life.stopped.then((reason) => ({ reason }))]);
    if ('code' in first) return first.code;
    work.catch(() => undefined);
    const { audit } = o.app.services;
    o.log(`stackmedic: stopping (${first.reason}).${audit.runningCount > 0 ? ' Waiting for the running command…' : ''}`);
    if (!(await life.until(() => audit.runningCount === 0, 2000, { whileWaited: true }))) {
      const ids = await audit.interruptRunning(`stackmedic was stopped (${first.reason}) before this finished`);
      o.log(`stackmedic: marked ${ids.map((id) => `#${id}`).join(', ')} interrupted in the audit.`);
    }
    // A question left unanswered at the prompt: nothing of it ran.
    await audit.cancelAwaiting(`stackmedic was stopped (${first.reason}) while asking for confirmation; nothing was run`);
    await life.bounded('closing SSH connections', () => o.app.pool.close(), 500);
    await life.bounded('stopping the target', () => o.closeTarget(), 100);
    await audit.flush();
    await o.app.store.close();
    o.exit?.(stoppedCode);
    return stoppedCode;
  } finally {
    life.dispose();
  }
}
