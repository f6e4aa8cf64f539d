import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import type { SqlStore } from './sql-store.js';

/** Who holds a lease, as the database says. */
export interface LeaseHolder {
  readonly holder: string;
  /** Milliseconds until it expires on the database clock (negative: expired, free to take). */
  readonly remainingMs: number;
  /** Incremented at every change of holder: tells a takeover from a renewal. */
  readonly term: number;
}

/** Options of a leader lease. */
export interface LeaderLeaseOptions {
  /** The lease's name: one per cluster, e.g. `scheduler:east`. */
  readonly name: string;
  /** How long a taken or renewed lease lasts (STACKMEDIC_LEASE_SECONDS, default 30). */
  readonly seconds: number;
  /** This replica's name in the lease row; host, pid and a random part by default. */
  readonly holder?: string;
  /** Where losing or taking the lease is said. */
  readonly log?: (line: string) => void;
  /** The local monotonic-enough clock the lease's local validity is measured on. */
  readonly now?: () => number;
  /**
   * Several leases of one kind spread over the live replicas (see {@link LeaseShare}); without it
   * a replica takes every free lease it finds.
   */
  readonly share?: LeaseShare;
}

/**
 * A family of leases to spread over the replicas: `total` leases whose names start with `prefix`
 * (`scheduler:` and one lease per cluster). A replica's fair share is ceil(total / live replicas),
 * the live ones being those whose heartbeat (src/store/replica.ts) has not lapsed.
 */
export interface LeaseShare {
  readonly prefix: string;
  readonly total: number;
}

/** What a replica sees of the spread when it tries for a lease. */
export interface ShareView {
  /** Its fair share: ceil(total / live replicas). */
  readonly fair: number;
  /** The other leases of the family it holds now, by name. */
  readonly mine: readonly string[];
  /** Whether another live replica holds fewer than its fair share (it would take a free lease). */
  readonly otherBelow: boolean;
}

/**
 * Whether a replica that does not hold a free lease should take it: when it holds fewer than its
 * fair share, or when no other live replica would (every other one is at its share, or none is left).
 */
export function shouldTake(view: ShareView): boolean {
  return view.mine.length < view.fair || !view.otherBelow;
}

/**
 * Whether the holder of lease `name` should give it up: it holds more than its fair share, `name`
 * is past its first `fair` leases by name (so it keeps the same ones and gives up the same ones),
 * and another live replica is below its share to take it.
 */
export function shouldGiveUp(view: ShareView, name: string): boolean {
  if (!view.otherBelow || view.mine.length + 1 <= view.fair) return false;
  return view.mine.filter((n) => n < name).length >= view.fair;
}

/** A name for this process that no other replica has. */
export function replicaName(): string {
  return `${hostname()}:${process.pid}:${randomBytes(3).toString('hex')}`;
}

/**
 * A leader lease in the shared store: a row naming its holder until an expiry on the database's
 * clock (so replicas with skewed clocks still agree). Taking and renewing are one upsert that only
 * succeeds for the holder or once the row expired, so two replicas never both get it. Every
 * replica calls {@link LeaderLease.start}: the holder renews every third of the lease, the others
 * try to take it, so a dead leader (or one cut off from the database) is replaced within the lease.
 *
 * The holder's own belief is conservative: it counts the lease from the moment it sent the
 * statement, on its clock, so it stops acting before the database lets another replica take over.
 */
export class LeaderLease {
  readonly holder: string;
  private validUntil = 0;
  private term = 0;
  private timer: NodeJS.Timeout | undefined;
  private attempt: Promise<boolean> | undefined;

  constructor(
    private readonly store: SqlStore,
    private readonly options: LeaderLeaseOptions,
  ) {
    this.holder = options.holder ?? replicaName();
  }

  /** Whether this replica holds the lease now (and may run what it guards). */
  isLeader(): boolean {
    return this.now() < this.validUntil;
  }

  /**
   * One attempt to take or renew the lease; true when this replica holds it afterwards. A
   * database error counts as not renewed: the lease runs out locally at its time.
   */
  acquire(): Promise<boolean> {
    // Never two attempts at once from one replica: the second waits for the first's answer.
    this.attempt ??= this.tryOnce().finally(() => (this.attempt = undefined));
    return this.attempt;
  }

  /** Who holds the lease according to the database, or undefined when nobody ever took it. */
  async current(): Promise<LeaseHolder | undefined> {
    const row = await this.store.get<{ holder: string; remaining_ms: number; term: number }>(
      `SELECT holder, expires_at_ms - ${this.store.nowMs} AS remaining_ms, term FROM leader_lease WHERE name = ?`,
      [this.options.name],
    );
    return row ? { holder: row.holder, remainingMs: Number(row.remaining_ms), term: Number(row.term) } : undefined;
  }

  /** Tries now, then every third of the lease, until {@link LeaderLease.stop}. */
  start(): void {
    if (this.timer) return;
    void this.acquire();
    this.timer = setInterval(() => void this.acquire(), Math.max(100, (this.options.seconds * 1000) / 3));
    this.timer.unref();
  }

  /** Stops renewing and, when held, gives the lease up so that another replica takes it at once. */
  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    await this.attempt?.catch(() => undefined);
    const held = this.validUntil > 0;
    this.validUntil = 0;
    if (held) {
      await this.store
        .run('DELETE FROM leader_lease WHERE name = ? AND holder = ?', [this.options.name, this.holder])
        .catch((error: unknown) => this.say(`stackmedic: could not give up the lease ${this.options.name}: ${String(error)}`));
    }
  }

  /** How the family's leases are spread now, as this replica sees it; undefined without a share. */
  async shareView(): Promise<ShareView | undefined> {
    const share = this.options.share;
    if (!share) return undefined;
    const now = this.store.nowMs;
    const pattern = `${share.prefix}%`;
    const replicas = await this.store.all<{ name: string; held: number | string }>(
      `SELECT r.name AS name,
         (SELECT COUNT(*) FROM leader_lease l WHERE l.holder = r.name AND l.name LIKE ? AND l.expires_at_ms > ${now}) AS held
       FROM stackmedic_replica r WHERE r.expires_at_ms > ${now}`,
      [pattern],
    );
    const mine = await this.store.all<{ name: string }>(
      `SELECT name FROM leader_lease WHERE holder = ? AND name LIKE ? AND name != ? AND expires_at_ms > ${now} ORDER BY name`,
      [this.holder, pattern, this.options.name],
    );
    // This replica counts as live even before its own first heartbeat is in.
    const live = replicas.length + (replicas.some((r) => r.name === this.holder) ? 0 : 1);
    const fair = Math.ceil(share.total / live);
    return { fair, mine: mine.map((r) => r.name), otherBelow: replicas.some((r) => r.name !== this.holder && Number(r.held) < fair) };
  }

  private async tryOnce(): Promise<boolean> {
    const sent = this.now();
    const ms = Math.round(this.options.seconds * 1000);
    const now = this.store.nowMs;
    let row: { term: number } | undefined;
    try {
      const view = await this.shareView();
      if (view) {
        const held = await this.store.get<{ holder: string }>(`SELECT holder FROM leader_lease WHERE name = ? AND expires_at_ms > ${now}`, [this.options.name]);
        if (held?.holder === this.holder && shouldGiveUp(view, this.options.name)) return await this.giveUp(view);
        if (!held && !shouldTake(view)) {
          if (this.isLeader()) this.say(`stackmedic: ${this.holder} lost the lease ${this.options.name} (it expired)`);
          this.validUntil = 0;
          return false;
        }
      }
      row = await this.store.get<{ term: number }>(
        `INSERT INTO leader_lease (name, holder, expires_at_ms, acquired_at_ms, term) VALUES (?, ?, ${now} + ?, ${now}, 1)
         ON CONFLICT (name) DO UPDATE SET
           holder = excluded.holder,
           expires_at_ms = excluded.expires_at_ms,
           acquired_at_ms = CASE WHEN leader_lease.holder = excluded.holder THEN leader_lease.acquired_at_ms ELSE excluded.acquired_at_ms END,
           term = CASE WHEN leader_lease.holder = excluded.holder THEN leader_lease.term ELSE leader_lease.term + 1 END
         WHERE leader_lease.holder = excluded.holder OR leader_lease.expires_at_ms <= ${now}
         RETURNING term`,
        [this.options.name, this.holder, ms],
      );
    } catch (error) {
      if (this.isLeader()) this.say(`stackmedic: could not renew the lease ${this.options.name} (${String(error)}); leading until it runs out`);
      return this.isLeader();
    }
    const wasLeader = this.isLeader();
    if (row) {
      this.validUntil = sent + ms;
      if (!wasLeader || Number(row.term) !== this.term) this.say(`stackmedic: ${this.holder} leads ${this.options.name} (term ${String(row.term)})`);
      this.term = Number(row.term);
      return true;
    }
    if (wasLeader) this.say(`stackmedic: ${this.holder} lost the lease ${this.options.name} to another replica`);
    this.validUntil = 0;
    return false;
  }

  /** Gives the lease up to a replica below its share (it takes it at its next try, within a third of the lease). */
  private async giveUp(view: ShareView): Promise<boolean> {
    this.validUntil = 0;
    await this.store.run('DELETE FROM leader_lease WHERE name = ? AND holder = ?', [this.options.name, this.holder]);
    this.say(
      `stackmedic: ${this.holder} gives up ${this.options.name} to another replica: it holds ${view.mine.length + 1} leases, its fair share is ${view.fair}`,
    );
    return false;
  }

  private now(): number {
    return (this.options.now ?? Date.now)();
  }

  private say(line: string): void {
    this.options.log?.(line);
  }
}
