import { CronJob } from 'cron';

/** What one tick did. */
export type TickOutcome = 'ran' | 'skipped' | 'failed';

/** Options of the scheduler. */
export interface SchedulerOptions {
  /** Cron expression, 5 or 6 fields (STACKMEDIC_SCHEDULE). */
  readonly schedule: string;
  /** Where the scheduler says what it did and what went wrong. */
  readonly log: (line: string) => void;
  readonly timeZone?: string;
  readonly clock?: () => Date;
}

/**
 * Runs the health check on a cron schedule, never two at once: a tick that finds the previous
 * check still going is skipped (and says so) rather than queued, since a queue of checks against a
 * slow or broken cluster would only pile up SSH sessions. A check that throws is logged and the
 * schedule carries on; the process never goes down for it.
 */
export class IncidentScheduler {
  private job: CronJob | undefined;
  private running: { startedAt: number; done: Promise<void> } | undefined;
  /** Counts, for tests and the status line. */
  readonly counts = { ran: 0, skipped: 0, failed: 0 };
  /** The last check that ran to its end (ok or failed), for GET /healthz. */
  lastRun: { readonly at: Date; readonly outcome: Exclude<TickOutcome, 'skipped'>; readonly durationMs: number } | undefined;

  constructor(
    private readonly check: () => Promise<unknown>,
    private readonly options: SchedulerOptions,
  ) {}

  /** Runs one check now unless one is running; resolves when this tick is over. */
  async tick(): Promise<TickOutcome> {
    const now = (this.options.clock ?? (() => new Date()))().getTime();
    if (this.running) {
      this.counts.skipped++;
      this.options.log(`stackmedic: health check still running (started ${Math.round((now - this.running.startedAt) / 1000)} s ago); skipping this tick`);
      return 'skipped';
    }
    let outcome = 'ran' as TickOutcome;
    const done = (async () => {
      try {
        await this.check();
        this.counts.ran++;
      } catch (error) {
        outcome = 'failed';
        this.counts.failed++;
        this.options.log(`stackmedic: health check failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
      }
    })();
    this.running = { startedAt: now, done };
    try {
      await done;
    } finally {
      this.running = undefined;
    }
    const ended = (this.options.clock ?? (() => new Date()))();
    this.lastRun = { at: ended, outcome: outcome === 'failed' ? 'failed' : 'ran', durationMs: ended.getTime() - now };
    return outcome;
  }

  /** Starts the cron job. Throws when the schedule is not a valid cron expression. */
  start(): void {
    if (this.job) return;
    this.job = CronJob.from({
      cronTime: this.options.schedule,
      onTick: () => {
        void this.tick();
      },
      start: true,
      ...(this.options.timeZone ? { timeZone: this.options.timeZone } : {}),
      errorHandler: (error) => this.options.log(`stackmedic: scheduler error: ${String(error)}`),
    });
  }

  /** Stops ticking and waits for a check in progress to end. */
  async stop(): Promise<void> {
    await this.job?.stop();
    this.job = undefined;
    await this.running?.done;
  }

  /** Whether a check is running right now. */
  get busy(): boolean {
    return this.running !== undefined;
  }
}
