/**
 * The alerts no cluster could be given, kept in the store (migration 11) so that every replica
 * lists the same ones whichever took the notification: one row per alert (its fingerprint), with
 * when it was first and last received, how often, the labels that decided, why, and the fix.
 * Bounded: the rows not received for `maxAgeMs` go, and past `maxRows` those received longest ago.
 */
import { redactDeep } from '../redact.js';
import type { SqlStore } from '../store/sql-store.js';
import type { UnroutedKind } from './cluster-of.js';

/** An alert of one notification no cluster was given, and why. */
export interface UnroutedAlert {
  /** Alertmanager's fingerprint, or one computed from the labels (as the alert book does). */
  readonly fingerprint: string;
  readonly alertname: string;
  readonly status: 'firing' | 'resolved';
  readonly kind: UnroutedKind;
  readonly reason: string;
  /** What the operator can do about it: a cluster label, a per-cluster webhook path, a channel. */
  readonly fix: string;
  /** The labels that could have named its cluster or node, as sent (capped). */
  readonly labels: Readonly<Record<string, string>>;
  /** The notification's group (`alertname=HostDown`). */
  readonly group: string;
  /** When this replica received it. */
  readonly at: string;
}

/** An unrouted alert as the store keeps it, across every replica and notification. */
export interface StoredUnroutedAlert extends Omit<UnroutedAlert, 'at'> {
  readonly firstSeenAt: string;
  readonly lastSeenAt: string;
  /** Notifications that carried it (Alertmanager repeats a firing group every repeat_interval). */
  readonly times: number;
}

/** Options of the store of unrouted alerts. */
export interface UnroutedAlertStoreOptions {
  readonly clock?: () => Date;
  /** At most this many rows (1000 by default): a mislabelled Prometheus can send thousands of alerts. */
  readonly maxRows?: number;
  /** A row no notification repeated for this long goes (7 days by default: long enough to be seen after a weekend). */
  readonly maxAgeMs?: number;
}

/** Rows kept at most by default. */
export const DEFAULT_UNROUTED_ROWS = 1000;
/** Seven days. */
export const DEFAULT_UNROUTED_AGE_MS = 7 * 24 * 3_600_000;

type Row = {
  fingerprint: string;
  first_seen_at: string;
  last_seen_at: string;
  times: number;
  alertname: string;
  status: string;
  grp: string;
  kind: string;
  reason: string;
  fix: string;
  labels: string;
};

/** The alerts no cluster could be given, in the store every replica shares. */
export class UnroutedAlertStore {
  private readonly clock: () => Date;
  private readonly maxRows: number;
  private readonly maxAgeMs: number;

  constructor(
    private readonly store: SqlStore,
    options: UnroutedAlertStoreOptions = {},
  ) {
    this.clock = options.clock ?? (() => new Date());
    this.maxRows = options.maxRows ?? DEFAULT_UNROUTED_ROWS;
    this.maxAgeMs = options.maxAgeMs ?? DEFAULT_UNROUTED_AGE_MS;
  }

  /** Records one notification's unrouted alerts (redacted: labels can carry URLs with credentials), then holds the bounds. */
  async keep(alerts: readonly UnroutedAlert[]): Promise<void> {
    if (alerts.length === 0) return;
    const now = this.clock().getTime();
    await this.store.transaction(async (tx) => {
      for (const raw of alerts) {
        const a = redactDeep(raw);
        const seenMs = Date.parse(a.at);
        // Two replicas given the same notification update one row: the first one's first-seen time stays.
        await tx.run(
          `INSERT INTO alert_unrouted (fingerprint, first_seen_at, last_seen_at, last_seen_ms, times, alertname, status, grp, kind, reason, fix, labels)
           VALUES (?, ?, ?, ?, 1, ?, ?, ?, ?, ?, ?, ?)
           ON CONFLICT (fingerprint) DO UPDATE SET last_seen_at = excluded.last_seen_at, last_seen_ms = excluded.last_seen_ms,
             times = alert_unrouted.times + 1, alertname = excluded.alertname, status = excluded.status, grp = excluded.grp,
             kind = excluded.kind, reason = excluded.reason, fix = excluded.fix, labels = excluded.labels`,
          [
            a.fingerprint,
            a.at,
            a.at,
            Number.isFinite(seenMs) ? seenMs : now,
            a.alertname,
            a.status,
            a.group,
            a.kind,
            a.reason,
            a.fix,
            JSON.stringify(a.labels),
          ],
        );
      }
      await tx.run('DELETE FROM alert_unrouted WHERE last_seen_ms < ?', [now - this.maxAgeMs]);
      const count = Number((await tx.get<{ n: number }>('SELECT COUNT(*) AS n FROM alert_unrouted'))?.n ?? 0);
      if (count > this.maxRows) {
        const oldest = await tx.all<{ fingerprint: string }>('SELECT fingerprint FROM alert_unrouted ORDER BY last_seen_ms, fingerprint LIMIT ?', [
          count - this.maxRows,
        ]);
        for (const o of oldest) await tx.run('DELETE FROM alert_unrouted WHERE fingerprint = ?', [o.fingerprint]);
      }
    });
  }

  /** The most recently received first (at most `limit`), and how many are kept in all; rows past their age are not shown. */
  async list(limit = 20): Promise<{ readonly alerts: readonly StoredUnroutedAlert[]; readonly total: number }> {
    const since = this.clock().getTime() - this.maxAgeMs;
    const total = Number((await this.store.get<{ n: number }>('SELECT COUNT(*) AS n FROM alert_unrouted WHERE last_seen_ms >= ?', [since]))?.n ?? 0);
    const rows = await this.store.all<Row>(
      `SELECT fingerprint, first_seen_at, last_seen_at, times, alertname, status, grp, kind, reason, fix, labels
       FROM alert_unrouted WHERE last_seen_ms >= ? ORDER BY last_seen_ms DESC, fingerprint LIMIT ?`,
      [since, Math.max(1, limit)],
    );
    return { alerts: rows.map(fromRow), total };
  }
}

function fromRow(r: Row): StoredUnroutedAlert {
  return {
    fingerprint: r.fingerprint,
    alertname: r.alertname,
    status: r.status === 'resolved' ? 'resolved' : 'firing',
    kind: r.kind as UnroutedKind,
    reason: r.reason,
    fix: r.fix,
    labels: labelsOf(r.labels),
    group: r.grp,
    firstSeenAt: r.first_seen_at,
    lastSeenAt: r.last_seen_at,
    times: Number(r.times),
  };
}

/** A row's labels, or none when a newer or broken writer left something unreadable (one bad row must not hide the others). */
function labelsOf(json: string): Readonly<Record<string, string>> {
  try {
    const parsed: unknown = JSON.parse(json);
    if (!parsed || typeof parsed !== 'object') return {};
    return Object.fromEntries(Object.entries(parsed).filter((e): e is [string, string] => typeof e[1] === 'string'));
  } catch {
    return {};
  }
}

/** What the fix text needs to know of the installation. */
export interface FixContext {
  /** The label naming the cluster (STACKMEDIC_ALERT_CLUSTER_LABEL, `cluster` by default). */
  readonly clusterLabel: string;
  /** Every cluster of the inventory. */
  readonly clusters: readonly string[];
}

/** How to give such an alert its cluster, in one sentence an operator can act on (`unmonitored`: the cluster it belongs to). */
export function unroutedFix(kind: UnroutedKind, ctx: FixContext, unmonitored?: string): string {
  const names = ctx.clusters.join(', ');
  const example = ctx.clusters[0] ?? 'CLUSTER';
  const label = ctx.clusterLabel;
  const path = `or have its Alertmanager receiver post to /alertmanager/CLUSTER (e.g. /alertmanager/${example})`;
  switch (kind) {
    case 'unknown-cluster':
      return `make the ${label} label one of ${names} where Prometheus sets it (external_labels or a relabelling rule), ${path}`;
    case 'several-clusters':
      return `add a ${label} label (Prometheus external_labels: {${label}: ${example}}): node names repeat across clusters, ${path}`;
    case 'unknown-node':
      return `add a ${label} label naming one of ${names}, ${path}; or add the node to its cluster's inventory`;
    case 'no-node':
      return `add a ${label} label naming one of ${names}, ${path}`;
    case 'unknown-path':
      return `post to /alertmanager/CLUSTER with a cluster of the inventory (${names})`;
    case 'unmonitored':
      return `bind a channel to ${unmonitored ?? 'the cluster'} (channels: in the permissions file, or STACKMEDIC_CHANNELS) or set STACKMEDIC_INCIDENT_CHANNEL, so that its incidents have somewhere to go`;
  }
}
