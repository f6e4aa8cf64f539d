/**
 * The alert book of one cluster kept in the store (migration 10), so that replicas behind one
 * load balancer share it: the replica that leads the cluster's checks reads the alerts whichever
 * replica Alertmanager's notification reached. The in-memory {@link AlertBook} still decides
 * (dedupe by fingerprint, resolved alerts, the bound); this class loads it from the store before
 * it decides and writes back what changed.
 */
import type { ExternalEvidence } from '../incidents/check.js';
import type { Evidence } from '../incidents/types.js';
import type { SqlExecutor, SqlStore } from '../store/sql-store.js';
import { AlertBook, type ActiveAlert, type AlertBookView, type AlertGroup, type ApplyContext, type BookChange } from './book.js';
import type { WebhookPayload } from './payload.js';
import type { GroupSignatureSpec } from './signatures.js';

/** Options of a shared book. */
export interface SharedAlertBookOptions {
  readonly store: SqlStore;
  /** The cluster whose alerts these are (rows of other clusters are never read). */
  readonly cluster: string;
  readonly clock: () => Date;
  /** The bound of the book (5000 alerts by default), as in memory. */
  readonly maxAlerts?: number;
  /**
   * A firing alert no notification repeated for this long is dropped: its resolution was lost
   * (Alertmanager repeats a firing group every repeat_interval, 4 h by default). 48 h by default
   * (STACKMEDIC_ALERT_MAX_AGE_HOURS).
   */
  readonly maxAgeMs?: number;
}

/** Two days: well past Alertmanager's default repeat_interval (4 h) and the usual 12 h or 24 h (STACKMEDIC_ALERT_MAX_AGE_HOURS changes it). */
export const DEFAULT_ALERT_MAX_AGE_HOURS = 48;

/** {@link DEFAULT_ALERT_MAX_AGE_HOURS} in milliseconds. */
export const DEFAULT_ALERT_MAX_AGE_MS = DEFAULT_ALERT_MAX_AGE_HOURS * 3_600_000;

type AlertRow = { fingerprint: string; alert: string; first_seen_at: string } & Record<string, string>;
type GroupRow = { grp: string; spec: string | null } & Record<string, string | null>;

/** An alert book in the store, shared by every replica, for one cluster. */
export class SharedAlertBook implements AlertBookView {
  private readonly book: AlertBook;
  private readonly maxAlerts: number;
  private readonly maxAgeMs: number;

  constructor(private readonly options: SharedAlertBookOptions) {
    this.maxAlerts = options.maxAlerts ?? 5000;
    this.maxAgeMs = options.maxAgeMs ?? DEFAULT_ALERT_MAX_AGE_MS;
    this.book = new AlertBook(this.maxAlerts);
  }

  /** Reads the cluster's firing alerts from the store (every pass starts with it), dropping those past their age. */
  async refresh(): Promise<void> {
    const { store, cluster } = this.options;
    const cutoff = this.options.clock().getTime() - this.maxAgeMs;
    await store.run('DELETE FROM alert_firing WHERE cluster = ? AND last_seen_ms < ?', [cluster, cutoff]);
    // A group with nothing firing for as long is forgotten too; incidents citing it relearn it from their evidence.
    await store.run(
      'DELETE FROM alert_group WHERE cluster = ? AND last_seen_ms < ? AND group_id NOT IN (SELECT group_id FROM alert_firing WHERE cluster = ?)',
      [cluster, cutoff, cluster],
    );
    await this.read(store);
  }

  /** Applies one notification on top of what every replica has received, and writes the change back. */
  async apply(payload: WebhookPayload, ctx: ApplyContext): Promise<BookChange> {
    await this.refresh();
    const change = this.book.apply(payload, ctx);
    const { store, cluster } = this.options;
    const seen = ctx.now.getTime();
    await store.transaction(async (tx) => {
      const spec = this.book.spec(change.group.id);
      await tx.run(
        `INSERT INTO alert_group (cluster, group_id, grp, spec, last_seen_ms) VALUES (?, ?, ?, ?, ?)
         ON CONFLICT (cluster, group_id) DO UPDATE SET grp = excluded.grp, spec = excluded.spec, last_seen_ms = excluded.last_seen_ms`,
        [cluster, change.group.id, JSON.stringify(change.group), spec ? JSON.stringify(spec) : null, seen],
      );
      for (const a of [...change.started, ...change.continuing]) {
        // first_seen_at stays the first replica's: two replicas taking the same alert agree on when it began.
        await tx.run(
          `INSERT INTO alert_firing (cluster, fingerprint, group_id, alert, first_seen_at, last_seen_ms) VALUES (?, ?, ?, ?, ?, ?)
           ON CONFLICT (cluster, fingerprint) DO UPDATE SET group_id = excluded.group_id, alert = excluded.alert, last_seen_ms = excluded.last_seen_ms`,
          [cluster, a.fingerprint, a.groupId, JSON.stringify(a), a.firstSeenAt, seen],
        );
      }
      for (const a of change.resolved) await tx.run('DELETE FROM alert_firing WHERE cluster = ? AND fingerprint = ?', [cluster, a.fingerprint]);
      await this.bound(tx);
    });
    return change;
  }

  /** Firing alerts, optionally of one group, as last read. */
  firing(groupId?: string): ActiveAlert[] {
    return this.book.firing(groupId);
  }

  /** A group, as last read. */
  group(id: string): AlertGroup | undefined {
    return this.book.group(id);
  }

  /** Evidence of what fires, as last read (a pass refreshes first). */
  external(): ExternalEvidence {
    return this.book.external();
  }

  /** How many alerts fire, as last read. */
  get size(): number {
    return this.book.size;
  }

  /** See {@link AlertBook.relearn}. */
  relearn(evidence: readonly Pick<Evidence, 'signature' | 'fields'>[]): void {
    this.book.relearn(evidence);
  }

  private async read(db: SqlExecutor): Promise<void> {
    const { cluster } = this.options;
    const rows = await db.all<AlertRow>('SELECT fingerprint, alert, first_seen_at FROM alert_firing WHERE cluster = ? ORDER BY first_seen_at, fingerprint', [
      cluster,
    ]);
    const groups = await db.all<GroupRow>('SELECT grp, spec FROM alert_group WHERE cluster = ?', [cluster]);
    const alerts: ActiveAlert[] = [];
    for (const r of rows) {
      const a = parse<ActiveAlert>(r.alert);
      if (a) alerts.push({ ...a, fingerprint: r.fingerprint, firstSeenAt: r.first_seen_at });
    }
    this.book.load({
      alerts,
      groups: groups.flatMap((g) => parse<AlertGroup>(g.grp) ?? []),
      specs: groups.flatMap((g) => (g.spec ? (parse<GroupSignatureSpec>(g.spec) ?? []) : [])),
    });
  }

  /** Keeps the cluster's rows within the bound: the alerts heard of first go. */
  private async bound(tx: SqlExecutor): Promise<void> {
    const { cluster } = this.options;
    const count = Number((await tx.get<{ n: number }>('SELECT COUNT(*) AS n FROM alert_firing WHERE cluster = ?', [cluster]))?.n ?? 0);
    if (count <= this.maxAlerts) return;
    const oldest = await tx.all<{ fingerprint: string }>('SELECT fingerprint FROM alert_firing WHERE cluster = ? ORDER BY first_seen_at, fingerprint LIMIT ?', [
      cluster,
      count - this.maxAlerts,
    ]);
    for (const o of oldest) await tx.run('DELETE FROM alert_firing WHERE cluster = ? AND fingerprint = ?', [cluster, o.fingerprint]);
  }
}

/** A row's JSON, or undefined when a newer or broken writer left something unreadable (skipped, not thrown: one bad row must not stop every pass). */
function parse<T>(json: string): T | undefined {
  try {
    return JSON.parse(json) as T;
  } catch {
    return undefined;
  }
}
