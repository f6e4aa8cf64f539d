/**
 * Replicas as apps in the test process: one real PostgreSQL and the simulated seed outage, started
 * before the file's tests and stopped after them, and `replica(name)` for each app on its own
 * connection pool (two replicas behind one database, as `serve` would run them).
 */
import { afterAll, beforeAll } from 'vitest';
import { createApp, type StackmedicApp } from '../../src/app/create-app.js';
import { readEnvOptions } from '../../src/config/env.js';
import type { Inventory } from '../../src/inventory/types.js';
import { startSimCluster, type SimCluster } from '../../src/sim/index.js';
import { PostgresStore } from '../../src/store/postgres-store.js';
import { startPostgres, type PostgresServer } from './postgres.js';

/** The shared parts of a replicas test file, valid once its `beforeAll` ran. */
export interface ReplicaApps {
  readonly server: PostgresServer;
  readonly sim: SimCluster;
  /** A new app named `name` on its own PostgreSQL pool (on the seed outage, or `inventory`), closed after the file's tests. */
  replica(name: string, inventory?: Inventory): Promise<StackmedicApp>;
}

/** Registers the file's hooks and returns the replicas' parts (read them inside tests). */
export function replicaApps(): ReplicaApps {
  let server: PostgresServer | undefined;
  let sim: SimCluster | undefined;
  const apps: StackmedicApp[] = [];
  beforeAll(async () => {
    server = await startPostgres();
    sim = await startSimCluster({ scenario: 'seed-incident' });
  }, 120_000);
  afterAll(async () => {
    for (const a of apps) await a.close().catch(() => undefined);
    await sim?.stop();
    await server?.stop();
  });
  const started = <T>(value: T | undefined, what: string): T => {
    if (value === undefined) throw new Error(`${what} is not started yet (read it inside a test)`);
    return value;
  };
  return {
    get server() {
      return started(server, 'PostgreSQL');
    },
    get sim() {
      return started(sim, 'the simulator');
    },
    async replica(name, inventory) {
      const url = started(server, 'PostgreSQL').url;
      const store = await PostgresStore.open({ url, log: () => {} });
      const app = createApp({
        inventory: inventory ?? started(sim, 'the simulator').inventory,
        env: readEnvOptions({ STACKMEDIC_DB: url, STACKMEDIC_LEASE_SECONDS: '5' }),
        store,
        replica: name,
      });
      apps.push(app);
      return app;
    },
  };
}
