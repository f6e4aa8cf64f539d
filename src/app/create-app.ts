import type { EnvOptions } from '../config/env.js';
import type { Inventory } from '../inventory/types.js';
import { AuditLog } from '../audit/audit-log.js';
import type { CommandFamily } from '../router/command.js';
import type { ErrorLogger } from '../router/router.js';
import { ClusterRouter, type ClusterRoute, type CommandRouter } from '../router/cluster-router.js';
import { RoutingExecutor } from '../ssh/routing-executor.js';
import { openDatabase } from '../store/database.js';
import type { SqlStore } from '../store/sql-store.js';
import { SqliteStore } from '../store/sqlite-store.js';
import { openStore } from '../store/open-store.js';
import { replicaName } from '../store/lease.js';
import { NodeLocks } from './locks.js';
import type { Services } from './services.js';
import { builtinFamilies } from '../../commands/index.js';
import { loadCatalog, type Catalog } from '../signatures/index.js';
import { IncidentStore } from '../incidents/store.js';
import { CheckStats } from '../stats/check-stats.js';
import { realRunbookTiming } from '../runbooks/command.js';
import type { RunbookTiming } from '../runbooks/types.js';
import { MeteredExecutor } from '../metrics/metered-executor.js';
import { ProbeCache } from '../health/probe-cache.js';
import { MeteredRouter } from '../metrics/metered-router.js';
import { DEFAULT_ALERT_MAX_AGE_HOURS } from '../alerts/shared-book.js';
import { StoredAlerts } from '../alerts/stored-alerts.js';
import { UnroutedAlertStore } from '../alerts/unrouted.js';
import { StackmedicMetrics } from '../metrics/metrics.js';

/** One cluster of the app: its inventory, its own SSH pool, and what its commands use. */
export interface ClusterApp {
  readonly inventory: Inventory;
  readonly pool: RoutingExecutor;
  readonly executor: MeteredExecutor;
  /** The app's services, with this cluster's own node locks (node names repeat across clusters). */
  readonly services: Services;
}

/** A wired stackmedic: the router and what it stands on. */
export interface StackmedicApp {
  /** The first cluster's inventory (the only one, unless the inventory holds several). */
  readonly inventory: Inventory;
  /** Every cluster, in inventory order; the first is `inventory`. */
  readonly clusters: readonly ClusterApp[];
  /** Picks each command's cluster (`--cluster`, the channel's binding, or the only one) and runs it there. */
  readonly router: CommandRouter;
  /** The first cluster's pool: runs each node's commands over SSH, or on this host for `connection: local` nodes. */
  readonly pool: RoutingExecutor;
  /** The first cluster's pool as commands and checks use it: counted in the metrics. */
  readonly executor: MeteredExecutor;
  /** The process's own metrics (GET /metrics). */
  readonly metrics: StackmedicMetrics;
  readonly services: Services;
  /** The store: the SQLite file, or the PostgreSQL database the replicas share (STACKMEDIC_DB). */
  readonly store: SqlStore;
  /** Invocations a previous process (or a dead replica) left unfinished, marked interrupted at start. */
  readonly interruptedOnStart: Promise<number>;
  close(): Promise<void>;
}

/** Options for `createApp`. */
export interface CreateAppOptions {
  readonly inventory: Inventory;
  /** Every cluster, when the inventory holds several (`inventory` is then ignored for routing). */
  readonly clusters?: readonly Inventory[];
  readonly env: EnvOptions;
  readonly families?: readonly CommandFamily[];
  readonly logError?: ErrorLogger;
  readonly clock?: () => Date;
  /** How runbooks wait and tell time; tests pass their own to make long verifications instant. */
  readonly runbookTiming?: RunbookTiming;
  /** Where to count (a fresh registry by default). */
  readonly metrics?: StackmedicMetrics;
  /** The store, opened already ({@link openApp} opens STACKMEDIC_DB); else the SQLite file of `env`. */
  readonly store?: SqlStore;
  /** This process's name in audit rows and locks (one of several replicas). */
  readonly replica?: string;
}

/** Wires inventory, SSH pool, store, audit and router. */
export function createApp(options: CreateAppOptions): StackmedicApp {
  const { inventory, env } = options;
  const clock = options.clock ?? (() => new Date());
  const store = options.store ?? new SqliteStore(openDatabase(env.databasePath));
  const replica = options.replica ?? replicaName();
  const audit = new AuditLog(store, clock, replica);
  const locksOf = (cluster: string): NodeLocks => new NodeLocks(store, { cluster, replica, ttlSeconds: env.leaseSeconds ?? 30 });
  // One process owns the embedded file: the locks a previous one left died with it (as in memory before).
  if (store.dialect === 'sqlite') void store.run('DELETE FROM runbook_lock').catch(() => undefined);
  const interruptedOnStart = audit.markInterrupted();
  // Read by `serve`; a store that fails here fails the first command too, which says so.
  interruptedOnStart.catch(() => undefined);
  const poolOptions = { commandTimeoutMs: env.sshTimeoutMs, connectTimeoutMs: Math.min(env.sshTimeoutMs, 10_000) };
  let catalog: Promise<Catalog> | undefined;
  // One list of unrouted alerts for the installation; each cluster reads its own firing ones.
  const unrouted = new UnroutedAlertStore(store, { clock });
  const alertsOf = (cluster: string): StoredAlerts =>
    new StoredAlerts({ store, cluster, unrouted, clock, maxAgeMs: (env.alertMaxAgeHours ?? DEFAULT_ALERT_MAX_AGE_HOURS) * 3_600_000 });
  const services: Services = {
    audit,
    locks: locksOf(inventory.cluster),
    clock,
    catalog: () => (catalog ??= loadCatalog({ extraDir: env.signaturesDir })),
    incidents: new IncidentStore(store),
    checkStats: new CheckStats(store),
    runbookTiming: options.runbookTiming ?? realRunbookTiming,
    probeCache: new ProbeCache(),
    alerts: alertsOf(inventory.cluster),
  };
  const metrics = options.metrics ?? new StackmedicMetrics();
  const inventories = options.clusters && options.clusters.length > 0 ? options.clusters : [inventory];
  // Several clusters in one store: each cluster's commands see and write its own incidents, audit
  // records and locks. One cluster keeps the unscoped services it always had.
  const several = inventories.length > 1;
  const servicesOf = (inv: Inventory): Services =>
    several
      ? {
          ...services,
          locks: locksOf(inv.cluster),
          audit: audit.forCluster(inv.cluster),
          incidents: new IncidentStore(store, inv.cluster),
          // Node names are the cluster's own: one cache per cluster.
          probeCache: new ProbeCache(),
          alerts: alertsOf(inv.cluster),
        }
      : services;
  const clusters: ClusterApp[] = inventories.map((inv) => {
    const pool = RoutingExecutor.create(inv, poolOptions);
    return { inventory: inv, pool, executor: new MeteredExecutor(pool, metrics), services: servicesOf(inv) };
  });
  const routes: ClusterRoute[] = clusters.map((c) => ({
    inventory: c.inventory,
    router: new MeteredRouter(metrics, options.families ?? builtinFamilies, c.inventory, c.executor, c.services, options.logError),
  }));
  const router = new ClusterRouter(routes);
  const first = clusters[0] as ClusterApp;
  const { pool, executor } = first;
  metrics.watch({
    sshConnections: () => clusters.reduce((n, c) => n + c.pool.openSshConnections, 0),
    openIncidents: async () => {
      const counts: Record<string, number> = {};
      for (const i of await services.incidents.list({ status: 'open', limit: 100_000 })) counts[i.severity] = (counts[i.severity] ?? 0) + 1;
      return counts;
    },
  });
  return {
    inventory: first.inventory,
    clusters,
    router,
    pool,
    executor,
    metrics,
    services,
    store,
    interruptedOnStart,
    async close() {
      await Promise.all(clusters.map((c) => c.pool.close()));
      await store.close();
    },
  };
}

/**
 * Opens the store STACKMEDIC_DB names (a SQLite path, or `postgres://` for several replicas),
 * then wires the app on it: what `serve` uses.
 */
export async function openApp(options: Omit<CreateAppOptions, 'store'>): Promise<StackmedicApp> {
  const store = await openStore(options.env.databasePath);
  try {
    return createApp({ ...options, store });
  } catch (error) {
    await store.close();
    throw error;
  }
}
