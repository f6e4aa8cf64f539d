import { redact, redactDeep } from '../redact.js';
import type { Reply } from '../router/types.js';
import type { Db } from '../store/database.js';

/** Where an undelivered answer stands. */
export type OutboxState = 'pending' | 'delivered' | 'expired';

/** An answer Slack would not take, kept until it is delivered or too old to matter. */
export interface OutboxEntry {
  readonly id: number;
  readonly createdAt: Date;
  readonly expiresAt: Date;
  readonly channel: string;
  /** The asker: the only one who sees an ephemeral answer. */
  readonly user: string;
  readonly ephemeral: boolean;
  readonly auditId: number | null;
  readonly reply: Reply;
  readonly footer: string;
  /** The progress message this answer replaces, when there is one. */
  readonly replaceTs: string | null;
  readonly state: OutboxState;
  readonly attempts: number;
  readonly nextAttemptAt: Date;
  readonly lastError: string | null;
  readonly endedAt: Date | null;
}

/** What to keep for a new entry. */
export interface NewOutboxEntry {
  readonly channel: string;
  readonly user: string;
  readonly ephemeral: boolean;
  readonly auditId?: number | undefined;
  readonly reply: Reply;
  readonly footer: string;
  readonly replaceTs?: string | undefined;
  readonly error: string;
  /** Earliest next try (a Slack Retry-After, or the first backoff step). */
  readonly nextAttemptAt: Date;
  readonly expiresAt: Date;
}

interface Row {
  id: number;
  created_at: string;
  expires_at: string;
  channel: string;
  user_id: string;
  ephemeral: number;
  audit_id: number | null;
  title: string;
  reply_json: string;
  footer: string;
  replace_ts: string | null;
  state: OutboxState;
  attempts: number;
  next_attempt_at: string;
  last_error: string | null;
  ended_at: string | null;
}

function fromRow(r: Row): OutboxEntry {
  return {
    id: r.id,
    createdAt: new Date(r.created_at),
    expiresAt: new Date(r.expires_at),
    channel: r.channel,
    user: r.user_id,
    ephemeral: r.ephemeral === 1,
    auditId: r.audit_id,
    reply: JSON.parse(r.reply_json) as Reply,
    footer: r.footer,
    replaceTs: r.replace_ts,
    state: r.state,
    attempts: r.attempts,
    nextAttemptAt: new Date(r.next_attempt_at),
    lastError: r.last_error,
    endedAt: r.ended_at === null ? null : new Date(r.ended_at),
  };
}

/**
 * The outbox: answers that neither chat.postMessage nor the response_url took, in the store, so
 * that a Slack outage or a restart does not lose them. Kept redacted, like everything shown.
 */
export class OutboxStore {
  constructor(
    private readonly db: Db,
    private readonly clock: () => Date = () => new Date(),
  ) {}

  /** Keeps an undelivered answer (its first attempt already failed); returns its id. */
  add(e: NewOutboxEntry): number {
    const reply = redactDeep(e.reply);
    const info = this.db
      .prepare(
        `INSERT INTO slack_outbox (created_at, expires_at, channel, user_id, ephemeral, audit_id, title, reply_json, footer, replace_ts, state, attempts, next_attempt_at, last_error)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'pending', 1, ?, ?)`,
      )
      .run(
        this.clock().toISOString(),
        e.expiresAt.toISOString(),
        e.channel,
        e.user,
        e.ephemeral ? 1 : 0,
        e.auditId ?? null,
        reply.title,
        JSON.stringify(reply),
        redact(e.footer),
        e.replaceTs ?? null,
        e.nextAttemptAt.toISOString(),
        redact(e.error),
      );
    return Number(info.lastInsertRowid);
  }

  /** Pending entries whose next try is due at `now`, oldest first. */
  due(now: Date = this.clock()): OutboxEntry[] {
    return (
      this.db
        .prepare(`SELECT * FROM slack_outbox WHERE state = 'pending' AND next_attempt_at <= ? AND expires_at > ? ORDER BY id`)
        .all(now.toISOString(), now.toISOString()) as Row[]
    ).map(fromRow);
  }

  /** When the next pending entry is due (undefined when none is pending). */
  nextDue(): Date | undefined {
    const row = this.db.prepare(`SELECT MIN(next_attempt_at) AS at FROM slack_outbox WHERE state = 'pending'`).get() as { at: string | null };
    return row.at === null ? undefined : new Date(row.at);
  }

  /** Records a delivery. */
  delivered(id: number): void {
    this.db
      .prepare(`UPDATE slack_outbox SET state = 'delivered', ended_at = ?, attempts = attempts + 1 WHERE id = ? AND state = 'pending'`)
      .run(this.clock().toISOString(), id);
  }

  /** Records a failed try and when to try again. */
  failed(id: number, error: string, nextAttemptAt: Date): void {
    this.db
      .prepare(`UPDATE slack_outbox SET attempts = attempts + 1, last_error = ?, next_attempt_at = ? WHERE id = ? AND state = 'pending'`)
      .run(redact(error), nextAttemptAt.toISOString(), id);
  }

  /** Gives up on pending entries past their expiry; returns them. */
  expireDue(now: Date = this.clock()): OutboxEntry[] {
    return this.db.transaction(() => {
      const rows = this.db.prepare(`SELECT * FROM slack_outbox WHERE state = 'pending' AND expires_at <= ?`).all(now.toISOString()) as Row[];
      const mark = this.db.prepare(`UPDATE slack_outbox SET state = 'expired', ended_at = ? WHERE id = ?`);
      for (const r of rows) mark.run(now.toISOString(), r.id);
      return rows.map((r) => fromRow({ ...r, state: 'expired', ended_at: now.toISOString() }));
    })();
  }

  /** Pending entries replacing the message `ts` in `channel` (its progress message). */
  replacing(channel: string, ts: string): OutboxEntry[] {
    return (this.db.prepare(`SELECT * FROM slack_outbox WHERE state = 'pending' AND channel = ? AND replace_ts = ?`).all(channel, ts) as Row[]).map(fromRow);
  }

  /** Entries not delivered (pending, then expired), newest first, at most `limit`. */
  undelivered(limit = 20): OutboxEntry[] {
    return (this.db.prepare(`SELECT * FROM slack_outbox WHERE state != 'delivered' ORDER BY state = 'pending' DESC, id DESC LIMIT ?`).all(limit) as Row[]).map(
      fromRow,
    );
  }

  /** One entry by id. */
  get(id: number): OutboxEntry | undefined {
    const row = this.db.prepare(`SELECT * FROM slack_outbox WHERE id = ?`).get(id) as Row | undefined;
    return row ? fromRow(row) : undefined;
  }
}
