/** The stop deadline: systemd's TimeoutStopSec in deploy/stackmedic.service leaves room above it. */
export const STOP_DEADLINE_MS = 10_000;

/** Options of a lifecycle. */
export interface LifecycleOptions {
  /** Time from the stop request to exit (default 10 s). */
  readonly deadlineMs?: number;
  /** Signals that ask to stop (default SIGINT and SIGTERM). */
  readonly signals?: readonly NodeJS.Signals[];
  /** Stops like a signal does (tests). */
  readonly abort?: AbortSignal | undefined;
  readonly log?: (line: string) => void;
  readonly now?: () => number;
}

/**
 * The life of a serving process: running until a stop signal, then a bounded shutdown. It
 * tracks work in flight, says when to stop taking new work (`stopping`), and when to stop
 * waiting for old work (`abandon`, aborted at the work deadline or on a second signal).
 */
export class Lifecycle {
  /** Resolves with the reason (the signal's name) once a stop is asked for. */
  readonly stopped: Promise<string>;
  private readonly stopController = new AbortController();
  private readonly abandonController = new AbortController();
  private readonly work = new Set<Promise<unknown>>();
  private resolveStopped: (reason: string) => void = () => undefined;
  private stopAt: number | undefined;
  private readonly signals: readonly NodeJS.Signals[];
  private readonly onSignal = (signal: NodeJS.Signals): void => this.requestStop(signal);
  private readonly now: () => number;

  constructor(private readonly options: LifecycleOptions = {}) {
    this.now = options.now ?? (() => performance.now());
    this.stopped = new Promise((resolve) => {
      this.resolveStopped = resolve;
    });
    this.signals = options.signals ?? ['SIGINT', 'SIGTERM'];
    // Listening first: a signal that lands while starting must still stop cleanly, not kill.
    for (const s of this.signals) process.on(s, this.onSignal);
    options.abort?.addEventListener('abort', () => this.requestStop('abort'), { once: true });
  }

  /** Aborted when a stop is asked for: take no new work. */
  get stopping(): AbortSignal {
    return this.stopController.signal;
  }

  /** Aborted when waiting for work is over: calls still in flight give up at once. */
  get abandon(): AbortSignal {
    return this.abandonController.signal;
  }

  /** Work in flight. */
  get inFlight(): number {
    return this.work.size;
  }

  /** Asks to stop; a second request stops waiting for work. */
  requestStop(reason: string): void {
    if (this.stopAt !== undefined) {
      if (!this.abandon.aborted) {
        this.options.log?.(`stackmedic: ${reason} again: not waiting for running work any longer.`);
        this.abandonWork();
      }
      return;
    }
    this.stopAt = this.now() + (this.options.deadlineMs ?? STOP_DEADLINE_MS);
    this.stopController.abort();
    this.resolveStopped(reason);
  }

  /** Milliseconds left until the exit deadline (Infinity before a stop is asked for). */
  remaining(): number {
    return this.stopAt === undefined ? Infinity : Math.max(0, this.stopAt - this.now());
  }

  /** Tracks `work` until it settles; returns it. */
  track<T>(work: Promise<T>): Promise<T> {
    this.work.add(work);
    const forget = (): void => {
      this.work.delete(work);
    };
    work.then(forget, forget);
    return work;
  }

  /** Gives up on waiting: aborts `abandon`. */
  abandonWork(): void {
    if (!this.abandon.aborted) this.abandonController.abort();
  }

  /**
   * Waits until `done()` holds, checking every 25 ms, for at most until `leaveMs` remain before
   * the deadline (and, with `whileWaited`, only until work is abandoned); returns whether it holds.
   */
  async until(done: () => boolean, leaveMs: number, options: { whileWaited?: boolean } = {}): Promise<boolean> {
    for (;;) {
      if (done()) return true;
      if (this.remaining() <= leaveMs || (options.whileWaited === true && this.abandon.aborted)) return done();
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
  }

  /**
   * Runs `step` for at most until `leaveMs` remain (and at most `maxMs`); returns whether it
   * finished in time. Never throws.
   */
  async bounded(what: string, step: () => Promise<unknown>, leaveMs: number, maxMs = Infinity): Promise<boolean> {
    const budget = Math.min(this.remaining() - leaveMs, maxMs);
    if (budget <= 0) {
      this.options.log?.(`stackmedic: no time left for ${what}; skipped.`);
      return false;
    }
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<'late'>((resolve) => {
      timer = setTimeout(() => resolve('late'), budget);
    });
    try {
      const r = await Promise.race([step().then(() => 'done' as const), timedOut]);
      if (r === 'late') this.options.log?.(`stackmedic: ${what} did not finish in time; going on.`);
      return r === 'done';
    } catch (error) {
      this.options.log?.(`stackmedic: ${what} failed: ${error instanceof Error ? error.message : String(error)}`);
      return false;
    } finally {
      clearTimeout(timer);
    }
  }

  /** Stops listening for signals. */
  dispose(): void {
    for (const s of this.signals) process.off(s, this.onSignal);
  }
}
