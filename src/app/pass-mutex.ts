import type { NodeLocks } from './locks.js';

/**
 * The lock name of a cluster's incident pass, beside its node locks. `#` is no character of an
 * inventory node name, so it never meets a node's lock or the quorum guard's list.
 */
export const INCIDENT_PASS_LOCK = '#incident-pass';

/** How long and how often a pass waits for another replica's pass. */
export interface PassMutexOptions {
  /** Give up after this long (a holder that died lapses within the lock's lifetime, long before). */
  readonly waitMs?: number;
  readonly pollMs?: number;
  readonly sleep?: (ms: number) => Promise<void>;
  readonly now?: () => number;
}

/**
 * Runs `pass` while holding the cluster's incident-pass lock in the store, so two replicas never
 * plan incidents at the same time: the leader's scheduled pass and an alert-driven pass on another
 * replica run one after the other, and the second sees the incident the first opened instead of
 * opening it again. Throws when the store cannot be reached (a pass needs it anyway) or when
 * another replica's pass holds the lock for longer than `waitMs`.
 */
export async function acrossReplicas<T>(locks: NodeLocks, what: string, pass: () => Promise<T>, options: PassMutexOptions = {}): Promise<T> {
  const waitMs = options.waitMs ?? 10 * 60_000;
  const pollMs = options.pollMs ?? 250;
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  const now = options.now ?? Date.now;
  const started = now();
  for (;;) {
    const taken = await locks.tryAcquire([INCIDENT_PASS_LOCK], { actor: 'stackmedic', command: what, since: new Date() });
    if (taken.ok) {
      try {
        return await pass();
      } finally {
        await taken.release();
      }
    }
    if (now() - started >= waitMs) {
      const h = taken.holder;
      throw new Error(
        `another incident pass (${h.command}${h.replica ? ` on replica ${h.replica}` : ''}, since ${h.since.toISOString()}) held the cluster for over ${Math.round(waitMs / 1000)} s; this one did not run`,
      );
    }
    await sleep(pollMs);
  }
}
