/** Backoff of outbox retries: how long to wait after the n-th failed try. */
export interface BackoffPolicy {
  readonly firstMs: number;
  readonly maxMs: number;
}

/** 5 s, 10 s, 20 s, ... up to 5 minutes: quick while Slack blips, gentle during an outage. */
export const OUTBOX_BACKOFF: BackoffPolicy = { firstMs: 5_000, maxMs: 5 * 60_000 };

/** The wait after `attempts` failed tries, never shorter than what Slack asked for (Retry-After). */
export function nextDelayMs(attempts: number, policy: BackoffPolicy = OUTBOX_BACKOFF, retryAfterMs = 0): number {
  const exponential = Math.min(policy.maxMs, policy.firstMs * 2 ** Math.max(0, attempts - 1));
  return Math.max(exponential, retryAfterMs);
}
