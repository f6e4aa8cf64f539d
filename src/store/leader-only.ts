import type { LeaderLease } from './lease.js';

/** What a gated check returned: its own result, or that another replica leads. */
export type LeaderOnlyResult<T> = { readonly ran: true; readonly result: T } | { readonly ran: false; readonly leader: string | undefined };

/**
 * Wraps a cluster's scheduled check so that of all the replicas ticking on the same schedule only
 * the holder of `lease` runs it: each tick takes or renews the lease first (so a tick after the
 * leader died takes over at once), and a replica that does not get it stands by and says who leads.
 */
export function leaderOnly<T>(lease: LeaderLease, check: () => Promise<T>, log: (line: string) => void = () => {}): () => Promise<LeaderOnlyResult<T>> {
  return async () => {
    if (!(await lease.acquire())) {
      const leader = (await lease.current().catch(() => undefined))?.holder;
      log(`stackmedic: ${lease.holder} stands by this tick: ${leader ?? 'another replica'} runs the scheduled checks`);
      return { ran: false, leader };
    }
    return { ran: true, result: await check() };
  };
}
