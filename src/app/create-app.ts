import type { EnvOptions } from '../config/env.js';
import type { Inventory } from '../inventory/types.js';
import { AuditLog } from '../audit/audit-log.js';
import type { CommandFamily } from '../router/command.js';
import type { Router, ErrorLogger } from '../router/router.js';
import { RoutingExecutor } from '../ssh/routing-executor.js';
import { openDatabase, type Db } from '../store/database.js';
import { NodeLocks } from './locks.js';
import type { Services } from './services.js';
import { builtinFamilies } from '../../commands/index.js';
import { loadCatalog, type Catalog } from '../signatures/index.js';
import { IncidentStore } from '../incidents/store.js';
import { realRunbookTiming } from '../runbooks/command.js';
import type { RunbookTiming } from '../runbooks/types.js';
import { MeteredExecutor } from '../metrics/metered-executor.js';
import { MeteredRouter } from '../metrics/metered-router.js';
import { StackmedicMetrics } from '../metrics/metrics.js';

/** A wired stackmedic: the router and what it stands on. */
export interface StackmedicApp {
  readonly inventory: Inventory;
  readonly router: Router;
  /** Runs each node's commands over SSH, or on this host for `connection: local` nodes. */
  readonly pool: RoutingExecutor;
  /** The pool as commands and checks use it: counted in the metrics. */
  readonly executor: MeteredExecutor;
  /** The process's own metrics (GET /metrics). */
  readonly metrics: StackmedicMetrics;
  readonly services: Services;
  readonly db: Db;
  /** Invocations a previous process left unfinished, now marked interrupted. */
  readonly interruptedOnStart: number;
  close(): Promise<void>;
}

/** Options for `createApp`. */
export interface CreateAppOptions {
  readonly inventory: Inventory;
  readonly env: EnvOptions;
  readonly families?: readonly CommandFamily[];
  readonly logError?: ErrorLogger;
  readonly clock?: () => Date;
  /** How runbooks wait and tell time; tests pass their own to make long verifications instant. */
  readonly runbookTiming?: RunbookTiming;
  /** Where to count (a fresh registry by default). */
  readonly metrics?: StackmedicMetrics;
}

/** Wires inventory, SSH pool, store, audit and router. */
export function createApp(options: CreateAppOptions): StackmedicApp {
  const { inventory, env } = options;
  const clock = options.clock ?? (() => new Date());
  const db = openDatabase(env.databasePath);
  const audit = new AuditLog(db, clock);
  const interruptedOnStart = audit.markInterrupted();
  const pool = RoutingExecutor.create(inventory, { commandTimeoutMs: env.sshTimeoutMs, connectTimeoutMs: Math.min(env.sshTimeoutMs, 10_000) });
  let catalog: Promise<Catalog> | undefined;
  const services: Services = {
    audit,
    locks: new NodeLocks(),
    clock,
    catalog: () => (catalog ??= loadCatalog({ extraDir: env.signaturesDir })),
    incidents: new IncidentStore(db),
    runbookTiming: options.runbookTiming ?? realRunbookTiming,
  };
  const metrics = options.metrics ?? new StackmedicMetrics();
  const executor = new MeteredExecutor(pool, metrics);
  const router: Router = new MeteredRouter(metrics, options.families ?? builtinFamilies, inventory, executor, services, options.logError);
  metrics.watch({
    sshConnections: () => pool.openSshConnections,
    openIncidents: () => {
      const counts: Record<string, number> = {};
      for (const i of services.incidents.list({ status: 'open', limit: 100_000 })) counts[i.severity] = (counts[i.severity] ?? 0) + 1;
      return counts;
    },
  });
  return {
    inventory,
    router,
    pool,
    executor,
    metrics,
    services,
    db,
    interruptedOnStart,
    async close() {
      await pool.close();
      db.close();
    },
  };
}
