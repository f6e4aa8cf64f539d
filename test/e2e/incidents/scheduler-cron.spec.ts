import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp, type StackmedicApp } from '../../../src/app/create-app.js';
import { readEnvOptions } from '../../../src/config/env.js';
import { startIncidentMonitoring } from '../../../src/app/incident-monitoring.js';
import { tempDatabasePath } from '../../unit/incidents/fixtures.js';
import { startSimCluster, type SimCluster } from '../../../src/sim/index.js';

let sim: SimCluster;
let app: StackmedicApp;

beforeAll(async () => {
  // Every answer takes 1.2 s, so one check outlasts several ticks of a 1-second schedule.
  sim = await startSimCluster({ scenario: 'seed-incident', latencyMs: 1200 });
  app = createApp({ inventory: sim.inventory, env: readEnvOptions({ STACKMEDIC_DB: tempDatabasePath() }) });
});

afterAll(async () => {
  await app?.close();
  await sim?.stop();
});

describe('the scheduled check on a real CronJob', () => {
  it('runs every second without ever overlapping: ticks during a check are skipped and say so; one incident', async () => {
    const env = readEnvOptions({ STACKMEDIC_DB: tempDatabasePath(), STACKMEDIC_SCHEDULE: '* * * * * *' });
    const logs: string[] = [];
    const monitoring = startIncidentMonitoring({ stackmedic: app, env, log: (l) => logs.push(l) });
    // Until a check has run and ticks were skipped during one: polled, not a sleep that a loaded
    // machine's slower check or late ticks could outlast.
    const deadline = Date.now() + 45_000;
    const { counts: seen } = monitoring.scheduler;
    while (!(seen.ran >= 1 && seen.skipped >= 2) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    await monitoring.stop();
    const { counts } = monitoring.scheduler;
    expect(counts.failed, logs.join('\n')).toBe(0);
    expect(counts.ran).toBeGreaterThanOrEqual(1);
    expect(counts.skipped).toBeGreaterThanOrEqual(2);
    expect(logs.filter((l) => /health check still running \(started \d+ s ago\); skipping this tick/.test(l))).toHaveLength(counts.skipped);
    expect(monitoring.scheduler.busy).toBe(false);
    const store = app.services.incidents;
    expect(await store.list()).toHaveLength(1);
    expect((await store.list())[0]?.root.node).toBe('node-10');
    // Each check sends df once to node-10: a check started over another would show as an extra one.
    const dfOnNode10 = sim.commandLog.filter((e) => e.node === 'node-10' && /^df -P/.test(e.command)).length;
    expect(dfOnNode10).toBe(counts.ran);
  }, 90_000);
});
