/**
 * Waiting in tests without racing a timer: poll for the condition that proves the event, with a
 * deadline generous enough for a loaded CI machine. A fixed sleep before an assertion is either
 * too short there or wasted everywhere else.
 */

/** Options of `until` and `eventually`. */
export interface WaitOptions {
  /** Give up after this long (default 20 s). */
  readonly timeoutMs?: number;
  /** How often to look (default 20 ms). */
  readonly everyMs?: number;
  /** Named in the error when the deadline passes. */
  readonly what?: string;
}

/** Resolves once `condition` (sync or async) is true; rejects naming `what` after the deadline. */
export async function until(condition: () => boolean | Promise<boolean>, options: WaitOptions = {}): Promise<void> {
  await eventually(async () => ((await condition()) ? true : undefined), options);
}

/** Resolves with the first value of `probe` that is not undefined; rejects after the deadline. */
export async function eventually<T>(probe: () => T | undefined | Promise<T | undefined>, options: WaitOptions = {}): Promise<T> {
  const timeoutMs = options.timeoutMs ?? 20_000;
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`${options.what ?? 'the condition'} did not hold within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, options.everyMs ?? 20));
  }
}
