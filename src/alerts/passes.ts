/**
 * One incident pass at a time, whoever asks (the cron schedule, an alert, a silence), and at most
 * one waiting: asking while a pass runs gets the next pass, shared with everyone else who asks
 * before it starts. A storm of notifications therefore costs two passes, not one per alert, and
 * the store never sees two passes deciding at once. Small jobs that must not interleave with a
 * pass (syncing one incident thread) queue behind it the same way.
 */
export class PassQueue<T> {
  private tail: Promise<unknown> = Promise.resolve();
  private waiting: Promise<T> | undefined;
  private active = 0;
  /** Passes started so far, for metrics and tests. */
  passes = 0;
  /** Requests for a pass, for metrics and tests (more than `passes` when requests were coalesced). */
  requests = 0;

  constructor(private readonly work: () => Promise<T>) {}

  /** The next pass: the one waiting to start if there is one, else a new one after whatever runs. */
  pass(): Promise<T> {
    this.requests++;
    if (this.waiting) return this.waiting;
    const next = this.enqueue(() => {
      this.waiting = undefined;
      this.passes++;
      return this.work();
    });
    this.waiting = next;
    return next;
  }

  /** Runs `job` alone, after the pass or job in progress. */
  exclusive<R>(job: () => Promise<R>): Promise<R> {
    return this.enqueue(job);
  }

  /** Whether a pass or job is running or waiting. */
  get busy(): boolean {
    return this.active > 0;
  }

  /** Resolves once everything queued so far has run. */
  async idle(): Promise<void> {
    while (this.active > 0) await this.tail;
  }

  private enqueue<R>(job: () => Promise<R>): Promise<R> {
    this.active++;
    const run = this.tail.then(job);
    const settled = run.then(
      () => undefined,
      () => undefined,
    );
    this.tail = settled.then(() => {
      this.active--;
    });
    return run;
  }
}
