import { redact, redactDeep } from '../redact.js';
import type { Reply } from '../router/types.js';
import type { SqlStore } from '../store/sql-store.js';

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

type Row = {
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
};

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
    private readonly store: SqlStore,
    private readonly clock: () => Date = () => new Date(),
  ) {}

  /** Keeps an undelivered answer (its first attempt already failed); returns its id. */
  async add(e: NewOutboxEntry): Promise<number> {
    const reply = redactDeep(e.reply);
    const row = await this.store.get<{ id: number }>(
      `INSERT INTO slack_outbox (created_at, expires_at, channel, user_id, ephemeral, audit_id, title, reply_json, footer, replace_ts, state, attempts, next_attempt_at, last_error)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'pending', 1, ?, ?) RETURNING id`,
      [
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
      ],
    );
    return Number(row?.id);
  }

  /** Pending entries whose next try is due at `now`, oldest first. */
  async due(now: Date = this.clock()): Promise<OutboxEntry[]> {
    return (
      await this.store.all<Row>(`SELECT * FROM slack_outbox WHERE state = 'pending' AND next_attempt_at <= ? AND expires_at > ? ORDER BY id`, [
        now.toISOString(),
        now.toISOString(),
      ])
    ).map(fromRow);
  }

  /** When the next pending entry is due (undefined when none is pending). */
  async nextDue(): Promise<Date | undefined> {
    const row = await this.store.get<{ at: string | null }>(`SELECT MIN(next_attempt_at) AS at FROM slack_outbox WHERE state = 'pending'`);
    return row?.at === null || row?.at === undefined ? undefined : new Date(row.at);
  }

  /**
   * Records a delivery; false when the entry was no longer pending (another replica's worker
   * delivered or expired it first), so that an answer is counted delivered once.
   */
  async delivered(id: number): Promise<boolean> {
    const { changes } = await this.store.run(
      `UPDATE slack_outbox SET state = 'delivered', ended_at = ?, attempts = attempts + 1 WHERE id = ? AND state = 'pending'`,
      [this.clock().toISOString(), id],
    );
    return changes > 0;
  }

  /**
   * Takes a due entry for one try until `until`: false when another replica's worker took it (or
   * it is no longer due), so that of several replicas only one sends each answer.
   */
  async claim(id: number, until: Date, now: Date = this.clock()): Promise<boolean> {
    const { changes } = await this.store.run(`UPDATE slack_outbox SET next_attempt_at = ? WHERE id = ? AND state = 'pending' AND next_attempt_at <= ?`, [
      until.toISOString(),
      id,
      now.toISOString(),
    ]);
    return changes > 0;
  }

  /** Records a failed try and when to try again. */
  async failed(id: number, error: string, nextAttemptAt: Date): Promise<void> {
    await this.store.run(`UPDATE slack_outbox SET attempts = attempts + 1, last_error = ?, next_attempt_at = ? WHERE id = ? AND state = 'pending'`, [
      redact(error),
      nextAttemptAt.toISOString(),
      id,
    ]);
  }

  /** Gives up on pending entries past their expiry; returns those this call gave up on. */
  expireDue(now: Date = this.clock()): Promise<OutboxEntry[]> {
    return this.store.transaction(async (tx) => {
      const rows = await tx.all<Row>(`SELECT * FROM slack_outbox WHERE state = 'pending' AND expires_at <= ?`, [now.toISOString()]);
      const expired: OutboxEntry[] = [];
      for (const r of rows) {
        // Guarded by the state: of two replicas expiring the same entry, one reports it.
        const { changes } = await tx.run(`UPDATE slack_outbox SET state = 'expired', ended_at = ? WHERE id = ? AND state = 'pending'`, [
          now.toISOString(),
          r.id,
        ]);
        if (changes > 0) expired.push(fromRow({ ...r, state: 'expired', ended_at: now.toISOString() }));
      }
      return expired;
    });
  }

  /** Pending entries replacing the message `ts` in `channel` (its progress message). */
  async replacing(channel: string, ts: string): Promise<OutboxEntry[]> {
    return (await this.store.all<Row>(`SELECT * FROM slack_outbox WHERE state = 'pending' AND channel = ? AND replace_ts = ?`, [channel, ts])).map(fromRow);
  }

  /** Entries not delivered (pending, then expired), newest first, at most `limit`. */
  async undelivered(limit = 20): Promise<OutboxEntry[]> {
    return (
      await this.store.all<Row>(
        `SELECT * FROM slack_outbox WHERE state != 'delivered' ORDER BY CASE WHEN state = 'pending' THEN 0 ELSE 1 END, id DESC LIMIT ?`,
        [limit],
      )
    ).map(fromRow);
  }

  /** One entry by id. */
  async get(id: number): Promise<OutboxEntry | undefined> {
    const row = await this.store.get<Row>(`SELECT * FROM slack_outbox WHERE id = ?`, [id]);
    return row ? fromRow(row) : undefined;
  }
}
