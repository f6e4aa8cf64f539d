import { nextDelayMs, OUTBOX_BACKOFF, type BackoffPolicy } from './backoff.js';
import type { OutboxEntry, OutboxStore } from './store.js';

/** Sends one kept answer; throws when it still cannot be delivered. */
export type OutboxDeliver = (entry: OutboxEntry) => Promise<void>;

/** Options of the outbox worker. */
export interface OutboxWorkerOptions {
  readonly store: OutboxStore;
  readonly deliver: OutboxDeliver;
  readonly log: (line: string) => void;
  readonly clock?: () => Date;
  readonly backoff?: BackoffPolicy;
  /** Longest sleep between two looks at the store (default 60 s), so expiries are noticed. */
  readonly maxSleepMs?: number;
}

/** A delivery failure may say how long Slack wants us to wait (429 Retry-After). */
function retryAfterOf(error: unknown): number {
  const ms = (error as { retryAfterMs?: unknown } | null)?.retryAfterMs;
  return typeof ms === 'number' && Number.isFinite(ms) && ms > 0 ? ms : 0;
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** How long a worker holds an entry it is sending before another may try it. */
const CLAIM_MS = 60_000;

/**
 * Retries the outbox with backoff until each answer is delivered or expires: one pass at a time,
 * oldest first, woken by a timer set to the next due entry or by `kick()` when one is added.
 */
export class OutboxWorker {
  private timer: NodeJS.Timeout | undefined;
  private pass: Promise<void> | undefined;
  private stopped = true;
  private again = false;
  /** Set by stop(): a pass in progress ends after the try in flight. */
  private halted = false;
  private readonly clock: () => Date;

  constructor(private readonly options: OutboxWorkerOptions) {
    this.clock = options.clock ?? (() => new Date());
  }

  /** Starts working through the outbox (answers kept by a previous run first). */
  start(): void {
    if (!this.stopped) return;
    this.stopped = false;
    this.halted = false;
    this.kick();
  }

  /** Looks at the outbox now (after adding an entry). */
  kick(): void {
    if (this.stopped) return;
    if (this.pass) {
      this.again = true;
      return;
    }
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    this.pass = this.runPass().finally(() => {
      this.pass = undefined;
      if (this.again) {
        this.again = false;
        this.kick();
      } else this.schedule();
    });
  }

  /** Stops retrying and waits for a pass in progress; what is left stays in the store. */
  async stop(): Promise<void> {
    this.stopped = true;
    this.halted = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    await this.pass;
  }

  /** One pass: expire what is too old, try what is due. Never throws. */
  async runPass(): Promise<void> {
    const { store, log } = this.options;
    try {
      for (const e of await store.expireDue(this.clock())) {
        log(
          `stackmedic: gave up delivering the answer "${e.reply.title}" to ${e.channel} (outbox #${e.id}, ${e.attempts} tries): it expired; it stays in /cluster audit`,
        );
      }
      for (const e of await store.due(this.clock())) {
        if (this.halted) break;
        // Claimed for a minute first: another replica's worker looking now skips it.
        if (!(await store.claim(e.id, new Date(this.clock().getTime() + CLAIM_MS), this.clock()))) continue;
        try {
          await this.options.deliver(e);
          await store.delivered(e.id);
          log(`stackmedic: delivered the kept answer "${e.reply.title}" to ${e.channel} (outbox #${e.id}, try ${e.attempts + 1})`);
        } catch (error) {
          const wait = nextDelayMs(e.attempts + 1, this.options.backoff ?? OUTBOX_BACKOFF, retryAfterOf(error));
          await store.failed(e.id, messageOf(error), new Date(this.clock().getTime() + wait));
        }
        if (this.halted) break;
      }
    } catch (error) {
      log(`stackmedic: the outbox could not be read: ${messageOf(error)}`);
    }
  }

  private schedule(): void {
    if (this.stopped) return;
    void this.options.store
      .nextDue()
      .catch(() => undefined)
      .then((next) => this.sleepUntil(next));
  }

  private sleepUntil(next: Date | undefined): void {
    if (this.stopped || this.timer || this.pass) return;
    const max = this.options.maxSleepMs ?? 60_000;
    const wait = next === undefined ? max : Math.min(max, Math.max(0, next.getTime() - this.clock().getTime()));
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.kick();
    }, wait);
    // The outbox never keeps the process alive on its own: shutdown decides when to stop.
    this.timer.unref();
  }
}
