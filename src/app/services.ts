import type { StoredAlerts } from '../alerts/stored-alerts.js';
import type { AuditLog } from '../audit/audit-log.js';
import type { Catalog } from '../signatures/index.js';
import type { IncidentStore } from '../incidents/store.js';
import type { RunbookTiming } from '../runbooks/types.js';
import type { CheckStats } from '../stats/check-stats.js';
import type { ProbeCache } from '../health/probe-cache.js';
import type { NodeLocks } from './locks.js';

/** Long-lived parts the commands use, created once by the app. */
export interface Services {
  readonly audit: AuditLog;
  readonly locks: NodeLocks;
  readonly clock: () => Date;
  /** The failure signature catalog (built-ins plus SIGNATURES_DIR), loaded once on first use. */
  readonly catalog: () => Promise<Catalog>;
  /** Incidents opened by the scheduler, in the same store as the audit log. */
  readonly incidents: IncidentStore;
  /** How runbooks wait and tell time (real time unless the app was created with other timing). */
  readonly runbookTiming: RunbookTiming;
  /** Signature hits and classification rates of the scheduled checks (`/incident stats`), when the app keeps them. */
  readonly checkStats?: CheckStats;
  /** This cluster's answers of slowly changing probes (package lists), shared by statuses and checks. */
  readonly probeCache?: ProbeCache;
  /** Alertmanager's alerts in the store: this cluster's firing ones and those no cluster could be given (`/cluster alerts`). */
  readonly alerts?: StoredAlerts;
}
