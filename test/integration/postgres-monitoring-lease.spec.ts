import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp, type StackmedicApp } from '../../src/app/create-app.js';
import { startIncidentMonitoring, type IncidentMonitoring } from '../../src/app/incident-monitoring.js';
import { readEnvOptions } from '../../src/config/env.js';
import { startSimCluster, type SimCluster } from '../../src/sim/index.js';
import { LeaderLease } from '../../src/store/lease.js';
import { PostgresStore } from '../../src/store/postgres-store.js';
import type { SqlStore } from '../../src/store/sql-store.js';
import { startPostgres, type PostgresServer } from '../support/postgres.js';
import { tempDatabasePath } from '../unit/incidents/fixtures.js';

let server: PostgresServer;
let sim: SimCluster;
const apps: StackmedicApp[] = [];
const stores: SqlStore[] = [];
const monitorings: IncidentMonitoring[] = [];

beforeAll(async () => {
  server = await startPostgres();
  sim = await startSimCluster({ scenario: 'seed-incident' });
});
afterAll(async () => {
  for (const m of monitorings) await m.stop().catch(() => undefined);
  for (const a of apps) await a.close().catch(() => undefined);
  for (const s of stores) await s.close().catch(() => undefined);
  await sim?.stop();
  await server?.stop();
});

/** A replica of incident monitoring on the simulated seed outage, its lease on the shared PostgreSQL. */
async function replica(name: string) {
  const env = readEnvOptions({ STACKMEDIC_DB: tempDatabasePath() });
  const app = createApp({ inventory: sim.inventory, env });
  apps.push(app);
  const store = await PostgresStore.open({ url: server.url, log: () => {} });
  stores.push(store);
  const lease = new LeaderLease(store, { name: 'scheduler:sim', seconds: 30, holder: name });
  const logs: string[] = [];
  const monitoring = startIncidentMonitoring({ stackmedic: app, env, log: (l) => logs.push(l), lease, start: false });
  monitorings.push(monitoring);
  return { app, monitoring, logs };
}

describe('incident monitoring on two replicas with a leader lease on a real PostgreSQL', () => {
  it('each tick the scheduled check runs on one replica only: one set of commands on the nodes, one incident', async () => {
    const a = await replica('replica-a');
    const b = await replica('replica-b');
    const dfBefore = sim.commandLog.filter((e) => e.node === 'node-10' && /^df -P/.test(e.command)).length;
    for (let i = 0; i < 3; i++) await Promise.all([a.monitoring.scheduler.tick(), b.monitoring.scheduler.tick()]);
    // Each check sends df once to node-10: a second replica checking too would double it.
    const df = sim.commandLog.filter((e) => e.node === 'node-10' && /^df -P/.test(e.command)).length - dfBefore;
    expect(df).toBe(3);
    const incidents = await Promise.all([a, b].map(async (r) => (await r.app.services.incidents.list()).length));
    expect([...incidents].sort()).toEqual([0, 1]);
    const [leader, standby, leaderName] = incidents[0] === 1 ? [a, b, 'replica-a'] : [b, a, 'replica-b'];
    expect((await leader.app.services.incidents.list())[0]?.root.node).toBe('node-10');
    expect(standby.logs.filter((l) => l.includes(`stands by this tick: ${leaderName} runs the scheduled checks`))).toHaveLength(3);
  }, 60_000);
});
