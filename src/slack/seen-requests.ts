import type { Db } from '../store/database.js';

/**
 * The signatures of the Slack requests accepted within the timestamp window, kept in the store
 * (not in memory) so that a replay is refused after a restart and by every process sharing it.
 */
export class SeenRequests {
  constructor(
    private readonly db: Db,
    /** How long after its timestamp a request could still be accepted, in seconds. */
    private readonly windowSeconds: number,
  ) {}

  /**
   * Records a verified request; false when its signature was seen before (a replay). One INSERT:
   * of simultaneous copies exactly one wins, whatever the process. Signatures whose timestamp
   * left the window are forgotten on the way, since the timestamp check refuses those anyway.
   */
  firstSighting(signature: string, requestTs: number, nowSeconds: number): boolean {
    const inserted = this.db
      .prepare('INSERT OR IGNORE INTO slack_request_seen (signature, request_ts, seen_at) VALUES (?, ?, ?)')
      .run(signature, requestTs, new Date(nowSeconds * 1000).toISOString());
    this.db.prepare('DELETE FROM slack_request_seen WHERE request_ts < ?').run(nowSeconds - this.windowSeconds - 60);
    return inserted.changes === 1;
  }
}
