import { randomBytes } from 'node:crypto';
import type { SqlStore } from '../store/sql-store.js';
import type { ActionPlan, PermissionRole } from '../router/types.js';

/** Where a confirmation stands. */
export type ConfirmationState = 'pending' | 'confirmed' | 'cancelled' | 'expired';

/** A dangerous command waiting for someone to press Confirm or Cancel. */
export interface Confirmation {
  readonly id: string;
  /** The audit record of the request (ended when the confirmation is decided). */
  readonly auditId: number;
  /** Canonical command text to re-dispatch with `confirmed: true`. */
  readonly command: string;
  /** The role needed to confirm. */
  readonly permission: PermissionRole;
  readonly plan: ActionPlan;
  readonly channel: string;
  readonly messageTs: string | null;
  readonly requestedBy: string;
  readonly requestedName: string;
  readonly createdAt: Date;
  readonly expiresAt: Date;
  readonly state: ConfirmationState;
  readonly decidedBy: string | null;
}

// A type, not an interface: rows must fit the store's column record.
type Row = {
  id: string;
  audit_id: number;
  command: string;
  permission: PermissionRole;
  plan_json: string;
  channel: string;
  message_ts: string | null;
  requested_by: string;
  requested_name: string;
  created_at: string;
  expires_at: string;
  state: ConfirmationState;
  decided_by: string | null;
};

function fromRow(r: Row): Confirmation {
  return {
    id: r.id,
    auditId: r.audit_id,
    command: r.command,
    permission: r.permission,
    plan: JSON.parse(r.plan_json) as ActionPlan,
    channel: r.channel,
    messageTs: r.message_ts,
    requestedBy: r.requested_by,
    requestedName: r.requested_name,
    createdAt: new Date(r.created_at),
    expiresAt: new Date(r.expires_at),
    state: r.state,
    decidedBy: r.decided_by,
  };
}

/** The outcome of trying to decide a confirmation. */
export type DecideOutcome =
  | { readonly ok: true; readonly confirmation: Confirmation }
  | { readonly ok: false; readonly reason: 'unknown' | 'expired' | 'decided'; readonly confirmation?: Confirmation };

/**
 * Pending confirmations in the store (SQLite, or PostgreSQL shared by several replicas), so that
 * a bot restart between "plan shown" and "Confirm pressed" loses nothing and a confirmation asked
 * on one replica can be pressed on another. Deciding is one conditional UPDATE: two presses at
 * once, on one replica or two, cannot both run the command.
 */
export class ConfirmationStore {
  constructor(
    private readonly store: SqlStore,
    private readonly clock: () => Date = () => new Date(),
  ) {}

  /** Stores a new pending confirmation that expires after `ttlMs`. */
  async create(input: {
    auditId: number;
    command: string;
    permission: PermissionRole;
    plan: ActionPlan;
    channel: string;
    requestedBy: string;
    requestedName: string;
    ttlMs: number;
  }): Promise<Confirmation> {
    const id = randomBytes(12).toString('hex');
    const now = this.clock();
    await this.store.run(
      `INSERT INTO slack_confirmation (id, audit_id, command, permission, plan_json, channel, requested_by, requested_name, created_at, expires_at, state)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'pending')`,
      [
        id,
        input.auditId,
        input.command,
        input.permission,
        JSON.stringify(input.plan),
        input.channel,
        input.requestedBy,
        input.requestedName,
        now.toISOString(),
        new Date(now.getTime() + input.ttlMs).toISOString(),
      ],
    );
    const created = await this.get(id);
    if (!created) throw new Error(`confirmation ${id} vanished right after being stored`);
    return created;
  }

  /** Remembers which message shows the confirmation (to update it later). */
  async attachMessage(id: string, ts: string): Promise<void> {
    await this.store.run(`UPDATE slack_confirmation SET message_ts = ? WHERE id = ?`, [ts, id]);
  }

  /** The confirmation with this id, if any. */
  async get(id: string): Promise<Confirmation | undefined> {
    const row = await this.store.get<Row>(`SELECT * FROM slack_confirmation WHERE id = ?`, [id]);
    return row ? fromRow(row) : undefined;
  }

  /** Confirms or cancels, if still pending and not expired. */
  async decide(id: string, state: 'confirmed' | 'cancelled', by: string): Promise<DecideOutcome> {
    const now = this.clock().toISOString();
    const { changes: changed } = await this.store.run(
      `UPDATE slack_confirmation SET state = ?, decided_by = ?, decided_at = ? WHERE id = ? AND state = 'pending' AND expires_at > ?`,
      [state, by, now, id, now],
    );
    const confirmation = await this.get(id);
    if (changed === 1 && confirmation) return { ok: true, confirmation };
    if (!confirmation) return { ok: false, reason: 'unknown' };
    if (confirmation.state === 'pending') {
      await this.expire(id);
      return { ok: false, reason: 'expired', confirmation: { ...confirmation, state: 'expired' } };
    }
    return { ok: false, reason: confirmation.state === 'expired' ? 'expired' : 'decided', confirmation };
  }

  /** Marks every pending confirmation past its expiry as expired and returns them. */
  async expireDue(): Promise<Confirmation[]> {
    const now = this.clock().toISOString();
    const due = (await this.store.all<Row>(`SELECT * FROM slack_confirmation WHERE state = 'pending' AND expires_at <= ?`, [now])).map(fromRow);
    for (const c of due) await this.expire(c.id);
    return due.map((c) => ({ ...c, state: 'expired' as const }));
  }

  private async expire(id: string): Promise<void> {
    await this.store.run(`UPDATE slack_confirmation SET state = 'expired', decided_at = ? WHERE id = ? AND state = 'pending'`, [
      this.clock().toISOString(),
      id,
    ]);
  }
}
