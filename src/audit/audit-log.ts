import { OutboxStore, type OutboxEntry } from '../outbox/store.js';
import type { Actor } from '../router/types.js';
import { redact } from '../redact.js';
import type { SqlStore, SqlValue } from '../store/sql-store.js';

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

type InvocationRow = {
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
};

type RemoteRow = {
  invocation_id: number;
  at: string;
  node: string;
  command: string;
  ok: number;
  exit_code: number | null;
  failure: string | null;
  duration_ms: number;
};

/**
 * The audit trail: every command, button press and remote command, in the store (the SQLite file,
 * or the PostgreSQL database every replica writes to, so that the audit is one log).
 */
export class AuditLog {
  /** Invocations this process began and has not ended: work in flight. */
  private readonly running = new Set<number>();
  /** Invocations this process left waiting for a confirmation. */
  private readonly awaiting = new Set<number>();
  /** Invocations marked interrupted by a shutdown: a late end must not rewrite them. */
  private readonly sealed = new Set<number>();
  /** The start-up sweep of a previous process's leftovers: new invocations begin after it. */
  private sweep: Promise<unknown> = Promise.resolve();
  /** Ends and remote records of work begun while the store was up, kept while it is not. */
  private readonly backlog: { sql: string; params: SqlValue[] }[] = [];
  private retry: NodeJS.Timeout | undefined;
  private flushing: Promise<boolean> | undefined;
  /** Told when a record is kept for later (the store did not take it). */
  onUnwritten: ((error: unknown) => void) | undefined;

  constructor(
    private readonly store: SqlStore,
    private readonly clock: () => Date = () => new Date(),
    /** This process's name in the rows it writes (a replica of several). */
    readonly replica?: string,
  ) {}

  /** The cluster its records are about, for a view made by {@link AuditLog.forCluster}. */
  readonly cluster?: string;

  /**
   * This log as one cluster's commands write it: the same store and the same state (running,
   * awaiting, backlog: shutdown still sees every cluster's work), each record marked with
   * `cluster`, and `list` showing that cluster's records only.
   */
  forCluster(cluster: string): AuditLog {
    const view = Object.create(this) as AuditLog;
    Object.defineProperty(view, 'cluster', { value: cluster, enumerable: true });
    return view;
  }

  /** How many invocations begun by this process are still running. */
  get runningCount(): number {
    return this.running.size;
  }

  /**
   * Records the start of an invocation and returns its id. `cluster` marks a record made outside a
   * cluster's own log (a Slack button press, a refusal) with the cluster it concerns.
   */
  async begin(entry: {
    actor: Actor;
    command: string;
    family?: string;
    name?: string;
    node?: string;
    kind: AuditKind;
    cluster?: string | undefined;
  }): Promise<number> {
    await this.sweep.catch(() => undefined);
    const row = await this.store.get<{ id: number }>(
      `INSERT INTO audit_invocation (started_at, actor_id, actor_name, via, channel, command, family, name, node, kind, outcome, replica, cluster)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'pending', ?, ?) RETURNING id`,
      [
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
        this.replica ?? null,
        entry.cluster ?? this.cluster ?? null,
      ],
    );
    const id = Number(row?.id);
    this.running.add(id);
    return id;
  }

  /**
   * Records one remote command run for an invocation. The command already ran: when the store
   * does not take the record it is kept and written once the store is back (see `flush`).
   */
  async remote(invocationId: number, r: Omit<AuditRemote, 'at'>): Promise<void> {
    const params = [
      invocationId,
      this.clock().toISOString(),
      r.node,
      r.command,
      r.ok ? 1 : 0,
      r.exitCode,
      r.failure === null ? null : redact(r.failure),
      r.durationMs,
    ];
    await this.write(
      `INSERT INTO audit_remote (invocation_id, at, node, command, ok, exit_code, failure, duration_ms) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
      params,
    );
  }

  /** Records not written yet because the store was unreachable. */
  get unwrittenCount(): number {
    return this.backlog.length;
  }

  /**
   * Writes the records kept while the store was unreachable, in order; true when none is left.
   * Called by the retry timer, and at shutdown before the store closes. Calls while one is
   * writing share it: two loops over the same backlog would write its first record twice.
   */
  flush(): Promise<boolean> {
    this.flushing ??= this.drain().finally(() => (this.flushing = undefined));
    return this.flushing;
  }

  private async drain(): Promise<boolean> {
    while (this.backlog.length > 0) {
      const next = this.backlog[0] as { sql: string; params: SqlValue[] };
      try {
        await this.store.run(next.sql, next.params);
      } catch {
        this.retryLater();
        return false;
      }
      this.backlog.shift();
    }
    return true;
  }

  /** Runs a write whose loss would leave a gap: kept in order behind earlier unwritten ones. */
  private async write(sql: string, params: SqlValue[]): Promise<void> {
    if (this.backlog.length === 0) {
      try {
        await this.store.run(sql, params);
        return;
      } catch (error) {
        this.onUnwritten?.(error);
      }
    }
    this.backlog.push({ sql, params });
    this.retryLater();
  }

  private retryLater(): void {
    if (this.retry) return;
    this.retry = setTimeout(() => {
      this.retry = undefined;
      void this.flush();
    }, 1000);
    this.retry.unref();
  }

  /** Records how an invocation ended (`pending`: it waits for a confirmation). */
  async end(invocationId: number, outcome: AuditOutcome, detail?: string): Promise<void> {
    if (this.sealed.has(invocationId)) return;
    this.running.delete(invocationId);
    if (outcome === 'pending') this.awaiting.add(invocationId);
    else this.awaiting.delete(invocationId);
    await this.write(`UPDATE audit_invocation SET ended_at = ?, outcome = ?, detail = ? WHERE id = ?`, [
      this.clock().toISOString(),
      outcome,
      detail === undefined ? null : redact(detail),
      invocationId,
    ]);
  }

  /** A one-shot record (a button press, a scheduler event). */
  async record(entry: {
    actor: Actor;
    command: string;
    node?: string;
    kind: AuditKind;
    outcome: AuditOutcome;
    detail?: string;
    cluster?: string | undefined;
  }): Promise<number> {
    const id = await this.begin(entry);
    await this.end(id, entry.outcome, entry.detail);
    return id;
  }

  /**
   * Marks invocations left pending by a process that stopped as interrupted: a bot restart in the
   * middle of a runbook must leave a trace, not a silent gap. With several replicas only rows of
   * replicas no longer alive (their heartbeat lapsed, see ReplicaHeartbeat in src/store/replica.ts) are marked: a
   * replica starting must not end the work another is doing. Returns how many were marked;
   * invocations begun meanwhile by this process wait for it.
   */
  markInterrupted(): Promise<number> {
    const swept = this.store
      .run(
        `UPDATE audit_invocation SET outcome = 'interrupted', ended_at = ?, detail = 'stackmedic stopped before this finished'
         WHERE outcome = 'pending' AND kind != 'button'
           AND (replica IS NULL OR replica NOT IN (SELECT name FROM stackmedic_replica WHERE expires_at_ms > ${this.store.nowMs}))`,
        [this.clock().toISOString()],
      )
      .then((r) => r.changes);
    this.sweep = swept;
    return swept;
  }

  /**
   * Shutdown: marks the invocations this process is still running as interrupted, with `detail`,
   * and seals them (work that ends later cannot rewrite them). Returns their ids.
   */
  interruptRunning(detail: string): Promise<number[]> {
    return this.interrupt(this.running, detail);
  }

  /**
   * Shutdown of the Slack adapter: requests this process left waiting for a confirmation (or
   * whose confirmed run it was doing) are marked interrupted, as the next start would mark them;
   * a confirmation still valid after the restart ends its request row again. Returns their ids.
   */
  interruptAwaiting(detail: string): Promise<number[]> {
    return this.interrupt(this.awaiting, detail);
  }

  private async interrupt(set: Set<number>, detail: string): Promise<number[]> {
    const ids = [...set];
    // Sealed first: an end arriving while the statements run must not rewrite the mark.
    for (const id of ids) {
      set.delete(id);
      this.sealed.add(id);
    }
    if (ids.length === 0) return ids;
    const at = this.clock().toISOString();
    await this.store.transaction(async (tx) => {
      for (const id of ids) {
        await tx.run(`UPDATE audit_invocation SET outcome = 'interrupted', ended_at = ?, detail = ? WHERE id = ? AND outcome = 'pending'`, [at, detail, id]);
      }
    });
    return ids;
  }

  /** Shutdown of a console: its confirmation questions die with it, so their requests are cancelled. */
  async cancelAwaiting(detail: string): Promise<number[]> {
    const ids = [...this.awaiting];
    for (const id of ids) await this.end(id, 'cancelled', detail);
    return ids;
  }

  /** Answers Slack would not take: still retried (pending) or given up (expired), pending first. */
  undelivered(limit = 20): Promise<OutboxEntry[]> {
    return new OutboxStore(this.store, this.clock).undelivered(limit);
  }

  /** The latest `limit` invocations, newest first, each with its remote commands. */
  async list(limit = 20): Promise<AuditEntry[]> {
    const rows =
      this.cluster === undefined
        ? await this.store.all<InvocationRow>(`SELECT * FROM audit_invocation ORDER BY id DESC LIMIT ?`, [limit])
        : await this.store.all<InvocationRow>(`SELECT * FROM audit_invocation WHERE cluster = ? ORDER BY id DESC LIMIT ?`, [this.cluster, limit]);
    return this.withRemotes(rows);
  }

  /** Invocations between two instants, oldest first (for post-mortem timelines). */
  async between(from: Date, to: Date): Promise<AuditEntry[]> {
    return this.withRemotes(
      // A cluster's timeline keeps its own records and those of no cluster (button presses), never another cluster's.
      this.cluster === undefined
        ? await this.store.all<InvocationRow>(`SELECT * FROM audit_invocation WHERE started_at >= ? AND started_at <= ? ORDER BY id`, [
            from.toISOString(),
            to.toISOString(),
          ])
        : await this.store.all<InvocationRow>(
            `SELECT * FROM audit_invocation WHERE started_at >= ? AND started_at <= ? AND (cluster IS NULL OR cluster = ?) ORDER BY id`,
            [from.toISOString(), to.toISOString(), this.cluster],
          ),
    );
  }

  private async withRemotes(rows: readonly InvocationRow[]): Promise<AuditEntry[]> {
    if (rows.length === 0) return [];
    const byInvocation = new Map<number, AuditRemote[]>();
    // One query per 500 ids keeps within SQLite's bound-parameter limit.
    for (let i = 0; i < rows.length; i += 500) {
      const ids = rows.slice(i, i + 500).map((r) => r.id);
      const remotes = await this.store.all<RemoteRow>(`SELECT * FROM audit_remote WHERE invocation_id IN (${ids.map(() => '?').join(',')}) ORDER BY id`, ids);
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
