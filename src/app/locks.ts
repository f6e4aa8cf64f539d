import type { SqlStore } from '../store/sql-store.js';

/** Who holds a node: which replica, for whom, doing what, since when. */
export interface LockHolder {
  readonly actor: string;
  readonly command: string;
  readonly since: Date;
  /** The replica (process) running it; another replica's lock is refused the same way. */
  readonly replica?: string;
  /** The run: its audit invocation (`#id`) when it has one. */
  readonly runId?: string;
}

/** What a caller asks to hold. */
export type LockRequest = Omit<LockHolder, 'replica'>;

/** A taken lock: kept alive until released. */
export interface HeldLock {
  readonly ok: true;
  release(): Promise<void>;
}

/** The first node someone else holds. */
export interface LockConflict {
  readonly ok: false;
  readonly node: string;
  readonly holder: LockHolder;
}

/** Options of the node locks. */
export interface NodeLocksOptions {
  /** The cluster whose nodes these are (node names repeat across clusters). */
  readonly cluster: string;
  /** This process's name in the lock rows. */
  readonly replica: string;
  /** How long a lock lives without a heartbeat: a replica that died frees its nodes within it. */
  readonly ttlSeconds: number;
}

type LockRow = { name: string; replica: string; actor: string; run_id: string; command: string; since: string };

/**
 * Per-node runbook locks in the store: two runbooks never act on the same node at once, whichever
 * replica runs them. A lock row names its holder (replica, actor, run) and expires on the database
 * clock unless the holder renews it (every third of the lifetime while the runbook runs), so the
 * nodes of a replica killed mid-run are free again within `ttlSeconds`.
 */
export class NodeLocks {
  private readonly ttlMs: number;

  constructor(
    private readonly store: SqlStore,
    private readonly options: NodeLocksOptions,
  ) {
    this.ttlMs = Math.round(options.ttlSeconds * 1000);
  }

  /**
   * Takes every node in `nodes`, or none: returns the first conflicting holder. Throws when the
   * store cannot be reached (a runbook does not run without its lock).
   */
  async tryAcquire(nodes: readonly string[], holder: LockRequest): Promise<HeldLock | LockConflict> {
    // Sorted: two replicas taking overlapping sets wait for each other instead of deadlocking.
    const names = [...new Set(nodes)].sort().map((n) => this.nameOf(n));
    const runId = holder.runId ?? `${this.options.replica}:${holder.since.getTime()}`;
    const now = this.store.nowMs;
    const conflict = await this.store
      .transaction(async (tx) => {
        for (const name of names) {
          const taken = await tx.get(
            `INSERT INTO runbook_lock (name, replica, actor, run_id, command, since, expires_at_ms) VALUES (?, ?, ?, ?, ?, ?, ${now} + ?)
             ON CONFLICT (name) DO UPDATE SET replica = excluded.replica, actor = excluded.actor, run_id = excluded.run_id,
               command = excluded.command, since = excluded.since, expires_at_ms = excluded.expires_at_ms
             WHERE runbook_lock.expires_at_ms <= ${now}
             RETURNING name`,
            [name, this.options.replica, holder.actor, runId, holder.command, holder.since.toISOString(), this.ttlMs],
          );
          if (!taken) {
            const row = await tx.get<LockRow>(`SELECT * FROM runbook_lock WHERE name = ?`, [name]);
            // Thrown to roll back the nodes taken before this one.
            throw new Conflict({
              ok: false,
              node: this.nodeOf(name),
              holder: row ? this.holder(row) : { actor: 'someone', command: 'a runbook', since: new Date() },
            });
          }
        }
        return undefined;
      })
      .catch((error: unknown) => {
        if (error instanceof Conflict) return error.conflict;
        throw error;
      });
    if (conflict) return conflict;
    const renew = setInterval(
      () =>
        void this.store
          .run(`UPDATE runbook_lock SET expires_at_ms = ${now} + ? WHERE run_id = ? AND name IN (${names.map(() => '?').join(', ')})`, [
            this.ttlMs,
            runId,
            ...names,
          ])
          .catch(() => undefined),
      Math.max(100, this.ttlMs / 3),
    );
    renew.unref();
    let released = false;
    return {
      ok: true,
      release: async () => {
        if (released) return;
        released = true;
        clearInterval(renew);
        // Left to lapse when the store is unreachable now.
        await this.store
          .run(`DELETE FROM runbook_lock WHERE run_id = ? AND name IN (${names.map(() => '?').join(', ')})`, [runId, ...names])
          .catch(() => undefined);
      },
    };
  }

  /** The holder of `node`, if its lock is alive. */
  async holderOf(node: string): Promise<LockHolder | undefined> {
    const row = await this.store.get<LockRow>(`SELECT * FROM runbook_lock WHERE name = ? AND expires_at_ms > ${this.store.nowMs}`, [this.nameOf(node)]);
    return row ? this.holder(row) : undefined;
  }

  /** Every live lock of this cluster, by node. */
  async held(): Promise<Map<string, LockHolder>> {
    const rows = await this.store.all<LockRow>(`SELECT * FROM runbook_lock WHERE name LIKE ? AND expires_at_ms > ${this.store.nowMs}`, [`${this.prefix()}%`]);
    return new Map(rows.map((r) => [this.nodeOf(r.name), this.holder(r)]));
  }

  /** Drops every lock of this cluster: the embedded store's previous process is gone, and its locks with it. */
  async clear(): Promise<void> {
    await this.store.run(`DELETE FROM runbook_lock WHERE name LIKE ?`, [`${this.prefix()}%`]);
  }

  /** A row as its holder; the replica only where there are several (one process owns a SQLite file). */
  private holder(r: LockRow): LockHolder {
    const { replica, ...rest } = toHolder(r);
    return this.store.dialect === 'postgres' ? { ...rest, replica } : rest;
  }

  private prefix(): string {
    // Characters LIKE treats specially are left out, so that no cluster prefix matches another.
    return `node:${this.options.cluster.replace(/[\\%_]/g, '')}/`;
  }

  private nameOf(node: string): string {
    return `${this.prefix()}${node}`;
  }

  private nodeOf(name: string): string {
    return name.slice(this.prefix().length);
  }
}

class Conflict extends Error {
  constructor(readonly conflict: LockConflict) {
    super(`${conflict.node} is locked`);
  }
}

function toHolder(r: LockRow): LockHolder & { readonly replica: string } {
  return { actor: r.actor, command: r.command, since: new Date(r.since), replica: r.replica, runId: r.run_id };
}
