/**
 * What `/cluster alerts` reads: one cluster's firing alerts as the shared alert book keeps them
 * (migration 10), and the alerts no cluster could be given (migration 11). Read-only, from the
 * store, so every replica answers the same whichever received the notifications.
 */
import type { SqlStore } from '../store/sql-store.js';
import type { ActiveAlert } from './book.js';
import { DEFAULT_ALERT_MAX_AGE_MS } from './shared-book.js';
import type { UnroutedAlertStore } from './unrouted.js';

/** A firing alert with when a notification last carried it. */
export interface StoredFiringAlert extends ActiveAlert {
  readonly lastSeenAt: string;
}

/** Options of the reader. */
export interface StoredAlertsOptions {
  readonly store: SqlStore;
  readonly cluster: string;
  readonly unrouted: UnroutedAlertStore;
  readonly clock: () => Date;
  /** The book's age (STACKMEDIC_ALERT_MAX_AGE_HOURS): older rows are about to be dropped and are not shown. */
  readonly maxAgeMs?: number;
}

/** One cluster's alerts in the store, for commands. */
export class StoredAlerts {
  constructor(private readonly options: StoredAlertsOptions) {}

  /** The alerts no cluster could be given (every cluster sees the same ones). */
  get unrouted(): UnroutedAlertStore {
    return this.options.unrouted;
  }

  /** The cluster's firing alerts, most recently started first (at most `limit`), and how many fire in all. */
  async firing(limit = 50): Promise<{ readonly alerts: readonly StoredFiringAlert[]; readonly total: number }> {
    const { store, cluster, clock } = this.options;
    const since = clock().getTime() - (this.options.maxAgeMs ?? DEFAULT_ALERT_MAX_AGE_MS);
    const total = Number(
      (await store.get<{ n: number }>('SELECT COUNT(*) AS n FROM alert_firing WHERE cluster = ? AND last_seen_ms >= ?', [cluster, since]))?.n ?? 0,
    );
    const rows = await store.all<{ fingerprint: string; alert: string; first_seen_at: string; last_seen_ms: number }>(
      'SELECT fingerprint, alert, first_seen_at, last_seen_ms FROM alert_firing WHERE cluster = ? AND last_seen_ms >= ? ORDER BY first_seen_at DESC, fingerprint LIMIT ?',
      [cluster, since, Math.max(1, limit)],
    );
    const alerts: StoredFiringAlert[] = [];
    for (const r of rows) {
      const a = parseAlert(r.alert);
      if (a) alerts.push({ ...a, fingerprint: r.fingerprint, firstSeenAt: r.first_seen_at, lastSeenAt: new Date(Number(r.last_seen_ms)).toISOString() });
    }
    return { alerts, total };
  }
}

/** A row's alert, or undefined when a newer or broken writer left it unreadable (the others are still shown). */
function parseAlert(json: string): ActiveAlert | undefined {
  try {
    const a = JSON.parse(json) as ActiveAlert;
    return a && typeof a.alertname === 'string' && a.place && typeof a.place.node === 'string' ? a : undefined;
  } catch {
    return undefined;
  }
}
