import type { EnvOptions } from '../config/env.js';
import type { Inventory } from '../inventory/types.js';
import { AuditLog } from '../audit/audit-log.js';
import type { CommandFamily } from '../router/command.js';
import { Router, type ErrorLogger } from '../router/router.js';
import { RoutingExecutor } from '../ssh/routing-executor.js';
import { openDatabase, type Db } from '../store/database.js';
import { NodeLocks } from './locks.js';
import type { Services } from './services.js';
import { builtinFamilies } from '../../commands/index.js';
import { loadCatalog, type Catalog } from '../signatures/index.js';
import { IncidentStore } from '../incidents/store.js';
import { realRunbookTiming } from '../runbooks/command.js';
import type { RunbookTiming } from '../runbooks/types.js';

/** A wired stackmedic: the router and what it stands on. */
export interface StackmedicApp {
  readonly inventory: Inventory;
  readonly router: Router;
  /** Runs each node's commands over SSH, or on this host for `connection: local` nodes. */
  readonly pool: RoutingExecutor;
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
  const router = new Router(options.families ?? builtinFamilies, inventory, pool, services, options.logError);
  return {
    inventory,
    router,
    pool,
    services,
    db,
    interruptedOnStart,
    async close() {
      await pool.close();
      db.close();
    },
  };
}
