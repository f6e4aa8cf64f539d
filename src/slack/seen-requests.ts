import type { SqlStore } from '../store/sql-store.js';

/**
 * How often the signatures that left the window are deleted, in seconds of request time. Each
 * request's INSERT decides a replay; the DELETE only keeps the table small, so it need not cost
 * every ack a second round trip to the store (PostgreSQL, under the replicas' load).
 */
export const PRUNE_EVERY_SECONDS = 60;

/**
 * The signatures of the Slack requests accepted within the timestamp window, kept in the store
 * (not in memory) so that a replay is refused after a restart and by every replica sharing it
 * (SQLite for one process, PostgreSQL for several).
 */
export class SeenRequests {
  /** Request time (seconds) of this process's last prune; none yet. */
  private prunedAt = Number.NEGATIVE_INFINITY;

  constructor(
    private readonly store: SqlStore,
    /** How long after its timestamp a request could still be accepted, in seconds. */
    private readonly windowSeconds: number,
  ) {}

  /**
   * Records a verified request; false when its signature was seen before (a replay). One INSERT:
   * of simultaneous copies exactly one wins, whatever the process or replica. Signatures whose
   * timestamp left the window are forgotten on the way (at most once a minute per process), since
   * the timestamp check refuses those.
   */
  async firstSighting(signature: string, requestTs: number, nowSeconds: number): Promise<boolean> {
    const inserted = await this.store.run('INSERT INTO slack_request_seen (signature, request_ts, seen_at) VALUES (?, ?, ?) ON CONFLICT DO NOTHING', [
      signature,
      requestTs,
      new Date(nowSeconds * 1000).toISOString(),
    ]);
    if (nowSeconds - this.prunedAt >= PRUNE_EVERY_SECONDS) {
      this.prunedAt = nowSeconds;
      await this.store.run('DELETE FROM slack_request_seen WHERE request_ts < ?', [nowSeconds - this.windowSeconds - 60]);
    }
    return inserted.changes === 1;
  }
}
