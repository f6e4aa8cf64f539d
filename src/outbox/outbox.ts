import { nextDelayMs, OUTBOX_BACKOFF, type BackoffPolicy } from './backoff.js';
import type { NewOutboxEntry, OutboxStore } from './store.js';
import type { OutboxWorker } from './worker.js';

/** An answer to keep: what `OutboxStore.add` needs, less the times the outbox decides. */
export type KeepRequest = Omit<NewOutboxEntry, 'nextAttemptAt' | 'expiresAt'> & {
  /** Slack's Retry-After, when the last refusal was a rate limit. */
  readonly retryAfterMs?: number | undefined;
};

/** Options of the outbox. */
export interface OutboxOptions {
  readonly store: OutboxStore;
  /** Woken when an answer is kept; absent while nothing retries (the next start will). */
  readonly worker?: OutboxWorker | undefined;
  /** How long a kept answer stays worth delivering (default 24 h). */
  readonly ttlMs?: number;
  readonly backoff?: BackoffPolicy;
  readonly clock?: () => Date;
}

/** Keeps undelivered answers with their first retry time and expiry, and wakes the worker. */
export class Outbox {
  constructor(private readonly options: OutboxOptions) {}

  /** The store behind it (for listings). */
  get store(): OutboxStore {
    return this.options.store;
  }

  /** Keeps `request`; returns the outbox id. */
  async keep(request: KeepRequest): Promise<number> {
    const now = (this.options.clock ?? (() => new Date()))().getTime();
    const { retryAfterMs, ...entry } = request;
    const id = await this.options.store.add({
      ...entry,
      nextAttemptAt: new Date(now + nextDelayMs(1, this.options.backoff ?? OUTBOX_BACKOFF, retryAfterMs ?? 0)),
      expiresAt: new Date(now + (this.options.ttlMs ?? 24 * 3_600_000)),
    });
    this.options.worker?.kick();
    return id;
  }
}
