import type { Db } from '../store/database.js';
import { OutboxStore, type OutboxEntry } from '../outbox/store.js';
import type { Actor } from '../router/types.js';
import { redact } from '../redact.js';

/** How an audited thing ended; `confirmed`: a request for confirmation that was given (the run is its own record). */
export type AuditOutcome = 'ok' | 'confirmed' | 'failed' | 'refused' | 'denied' | 'error' | 'cancelled' | 'expired' | 'interrupted' | 'pending';

/** What kind of thing was recorded. */
export type AuditKind = 'command' | 'button' | 'runbook' | 'scheduler';

/** One recorded remote command. */
export interface AuditRemote {
  readonly at: string;
  readonly node: string;
  readonly command: string;
  readonly ok: boolean;
  readonly exitCode: number | null;
  readonly failure: string | null;
  readonly durationMs: number;
}

/** One recorded invocation with its remote commands. */
export interface AuditEntry {
  readonly id: number;
  readonly startedAt: string;
  readonly endedAt: string | null;
  readonly actorId: string;
  readonly actorName: string;
  readonly via: string;
  readonly channel: string | null;
  readonly command: string;
  readonly node: string | null;
  readonly kind: AuditKind;
  readonly outcome: AuditOutcome | null;
  readonly detail: string | null;
  readonly remote: readonly AuditRemote[];
}

interface InvocationRow {
  id: number;
  started_at: string;
  ended_at: string | null;
  actor_id: string;
  actor_name: string;
  via: string;
  channel: string | null;
  command: string;
  node: string | null;
  kind: AuditKind;
  outcome: AuditOutcome | null;
  detail: string | null;
}

interface RemoteRow {
  invocation_id: number;
  at: string;
  node: string;
  command: string;
  ok: number;
  exit_code: number | null;
  failure: string | null;
  duration_ms: number;
}

/** The audit trail: every command, button press and remote command, in the embedded store. */
export class AuditLog {
  /** Invocations this process began and has not ended: work in flight. */
  private readonly running = new Set<number>();
  /** Invocations this process left waiting for a confirmation. */
  private readonly awaiting = new Set<number>();
  /** Invocations marked interrupted by a shutdown: a late end must not rewrite them. */
  private readonly sealed = new Set<number>();

  constructor(
    private readonly db: Db,
    private readonly clock: () => Date = () => new Date(),
  ) {}

  /** How many invocations begun by this process are still running. */
  get runningCount(): number {
    return this.running.size;
  }

  /** Records the start of an invocation and returns its id. */
  begin(entry: { actor: Actor; command: string; family?: string; name?: string; node?: string; kind: AuditKind }): number {
    const info = this.db
      .prepare(
        `INSERT INTO audit_invocation (started_at, actor_id, actor_name, via, channel, command, family, name, node, kind, outcome)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'pending')`,
      )
      .run(
        this.clock().toISOString(),
        entry.actor.id,
        entry.actor.name,
        entry.actor.via,
        entry.actor.channel ?? null,
        entry.command,
        entry.family ?? null,
        entry.name ?? null,
        entry.node ?? null,
        entry.kind,
      );
    const id = Number(info.lastInsertRowid);
    this.running.add(id);
    return id;
  }

  /** Records one remote command run for an invocation. */
  remote(invocationId: number, r: Omit<AuditRemote, 'at'>): void {
    this.db
      .prepare(`INSERT INTO audit_remote (invocation_id, at, node, command, ok, exit_code, failure, duration_ms) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`)
      .run(invocationId, this.clock().toISOString(), r.node, r.command, r.ok ? 1 : 0, r.exitCode, r.failure === null ? null : redact(r.failure), r.durationMs);
  }

  /** Records how an invocation ended (`pending`: it waits for a confirmation). */
  end(invocationId: number, outcome: AuditOutcome, detail?: string): void {
    if (this.sealed.has(invocationId)) return;
    this.running.delete(invocationId);
    if (outcome === 'pending') this.awaiting.add(invocationId);
    else this.awaiting.delete(invocationId);
    this.db
      .prepare(`UPDATE audit_invocation SET ended_at = ?, outcome = ?, detail = ? WHERE id = ?`)
      .run(this.clock().toISOString(), outcome, detail === undefined ? null : redact(detail), invocationId);
  }

  /** A one-shot record (a button press, a scheduler event). */
  record(entry: { actor: Actor; command: string; node?: string; kind: AuditKind; outcome: AuditOutcome; detail?: string }): number {
    const id = this.begin(entry);
    this.end(id, entry.outcome, entry.detail);
    return id;
  }

  /**
   * Marks invocations left pending by a previous process as interrupted: a bot restart in the
   * middle of a runbook must leave a trace, not a silent gap. Returns how many were marked.
   */
  markInterrupted(): number {
    return this.db
      .prepare(
        `UPDATE audit_invocation SET outcome = 'interrupted', ended_at = ?, detail = 'stackmedic stopped before this finished' WHERE outcome = 'pending' AND kind != 'button'`,
      )
      .run(this.clock().toISOString()).changes;
  }

  /**
   * Shutdown: marks the invocations this process is still running as interrupted, with `detail`,
   * and seals them (work that ends later cannot rewrite them). Returns their ids.
   */
  interruptRunning(detail: string): number[] {
    return this.interrupt(this.running, detail);
  }

  /**
   * Shutdown of the Slack adapter: requests this process left waiting for a confirmation (or
   * whose confirmed run it was doing) are marked interrupted, as the next start would mark them;
   * a confirmation still valid after the restart ends its request row again. Returns their ids.
   */
  interruptAwaiting(detail: string): number[] {
    return this.interrupt(this.awaiting, detail);
  }

  private interrupt(set: Set<number>, detail: string): number[] {
    const ids = [...set];
    const mark = this.db.prepare(`UPDATE audit_invocation SET outcome = 'interrupted', ended_at = ?, detail = ? WHERE id = ? AND outcome = 'pending'`);
    const at = this.clock().toISOString();
    this.db.transaction(() => {
      for (const id of ids) mark.run(at, detail, id);
    })();
    for (const id of ids) {
      set.delete(id);
      this.sealed.add(id);
    }
    return ids;
  }

  /** Shutdown of a console: its confirmation questions die with it, so their requests are cancelled. */
  cancelAwaiting(detail: string): number[] {
    const ids = [...this.awaiting];
    for (const id of ids) this.end(id, 'cancelled', detail);
    return ids;
  }

  /** Answers Slack would not take: still retried (pending) or given up (expired), pending first. */
  undelivered(limit = 20): OutboxEntry[] {
    return new OutboxStore(this.db, this.clock).undelivered(limit);
  }

  /** The latest `limit` invocations, newest first, each with its remote commands. */
  list(limit = 20): AuditEntry[] {
    return this.withRemotes(this.db.prepare(`SELECT * FROM audit_invocation ORDER BY id DESC LIMIT ?`).all(limit) as InvocationRow[]);
  }

  /** Invocations between two instants, oldest first (for post-mortem timelines). */
  between(from: Date, to: Date): AuditEntry[] {
    return this.withRemotes(
      this.db
        .prepare(`SELECT * FROM audit_invocation WHERE started_at >= ? AND started_at <= ? ORDER BY id`)
        .all(from.toISOString(), to.toISOString()) as InvocationRow[],
    );
  }

  private withRemotes(rows: readonly InvocationRow[]): AuditEntry[] {
    if (rows.length === 0) return [];
    const byInvocation = new Map<number, AuditRemote[]>();
    // One query per 500 ids keeps within SQLite's bound-parameter limit.
    for (let i = 0; i < rows.length; i += 500) {
      const ids = rows.slice(i, i + 500).map((r) => r.id);
      const remotes = this.db
        .prepare(`SELECT * FROM audit_remote WHERE invocation_id IN (${ids.map(() => '?').join(',')}) ORDER BY id`)
        .all(...ids) as RemoteRow[];
      for (const x of remotes) {
        const list = byInvocation.get(x.invocation_id) ?? [];
        list.push({ at: x.at, node: x.node, command: x.command, ok: x.ok === 1, exitCode: x.exit_code, failure: x.failure, durationMs: x.duration_ms });
        byInvocation.set(x.invocation_id, list);
      }
    }
    return rows.map((r) => ({
      id: r.id,
      startedAt: r.started_at,
      endedAt: r.ended_at,
      actorId: r.actor_id,
      actorName: r.actor_name,
      via: r.via,
      channel: r.channel,
      command: r.command,
      node: r.node,
      kind: r.kind,
      outcome: r.outcome,
      detail: r.detail,
      remote: byInvocation.get(r.id) ?? [],
    }));
  }
}
