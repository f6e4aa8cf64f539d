/**
 * Two `stackmedic serve` child processes (the built CLI) on one real PostgreSQL, in front of four
 * simulated clusters with the scheduler on: the four `scheduler:CLUSTER` leases are spread two and
 * two, not all taken by one replica; one replica killed with SIGKILL, the other leads all four.
 * Everything is polled for with generous deadlines, never timed.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PostgresStore } from '../../src/store/postgres-store.js';
import { FakeSlackApi } from '../e2e/lifecycle/fake-slack-api.js';
import { startServe, type ServeProcess } from '../e2e/lifecycle/serve-process.js';
import { startPostgres, type PostgresServer } from '../support/postgres.js';
import { startTwoClusters, type TwoClusters } from '../support/two-clusters.js';

const LEASE_SECONDS = 4;
const CLUSTERS = ['east', 'north', 'south', 'west'];

let server: PostgresServer;
let sims: TwoClusters;
let slack: FakeSlackApi;
let store: PostgresStore;
const procs: ServeProcess[] = [];

beforeAll(async () => {
  server = await startPostgres();
  sims = await startTwoClusters(Object.fromEntries(CLUSTERS.map((c) => [c, 'healthy'])));
  slack = await FakeSlackApi.start();
  store = await PostgresStore.open({ url: server.url, log: () => {} });
}, 120_000);
afterAll(async () => {
  for (const p of procs) if (p.proc.exitCode === null && p.proc.signalCode === null) p.proc.kill('SIGKILL');
  await Promise.all(procs.map((p) => p.exited));
  await store?.close();
  await slack?.close();
  await sims?.stop();
  await server?.stop();
});

function serve(): Promise<ServeProcess> {
  return startServe({
    slack,
    args: ['--inventory', sims.inventoryPath],
    env: {
      STACKMEDIC_DB: server.url,
      STACKMEDIC_INCIDENT_CHANNEL: 'CINC',
      STACKMEDIC_SCHEDULE: '*/2 * * * * *',
      STACKMEDIC_LEASE_SECONDS: String(LEASE_SECONDS),
    },
  });
}

/** The pid of each live lease's holder (holders are named host:pid:random), by cluster. */
async function leaders(): Promise<Record<string, number>> {
  const rows = await store.all<{ name: string; holder: string }>(
    `SELECT name, holder FROM leader_lease WHERE name LIKE 'scheduler:%' AND expires_at_ms > ${store.nowMs} ORDER BY name`,
  );
  return Object.fromEntries(rows.map((r) => [r.name.slice('scheduler:'.length), Number(r.holder.split(':')[1])]));
}

async function until<T>(what: string, probe: () => Promise<T | undefined | false>, ms: number): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await probe();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

describe('two stackmedic serve replicas, four clusters, one real PostgreSQL', () => {
  it('spread the four leases two and two; the survivor of a SIGKILL leads all four', async () => {
    const a = await serve();
    const b = await serve();
    procs.push(a, b);
    await Promise.all([a.waitForOutput(/serving Slack/, 60_000), b.waitForOutput(/serving Slack/, 60_000)]);
    const pids = [a.proc.pid, b.proc.pid];
    // Whoever started first may hold all four for a moment; it gives two up within a lease or so.
    const spread = await until(
      'the leases spread two and two',
      async () => {
        const l = await leaders();
        const counts = pids.map((pid) => Object.values(l).filter((p) => p === pid).length);
        return Object.keys(l).length === 4 && counts[0] === 2 && counts[1] === 2 ? l : undefined;
      },
      60_000,
    );
    expect(Object.keys(spread)).toEqual(CLUSTERS);
    // Each replica runs the checks of the clusters it leads.
    const victim = a.proc.pid === spread.east ? a : b;
    const survivor = victim === a ? b : a;
    await until('checks of both replicas', async () => /leads scheduler:/.test(a.output()) && /leads scheduler:/.test(b.output()), 30_000);

    victim.proc.kill('SIGKILL');
    await victim.exited;
    const all = await until(
      'the survivor leading all four',
      async () => {
        const l = await leaders();
        return Object.keys(l).length === 4 && Object.values(l).every((p) => p === survivor.proc.pid) ? l : undefined;
      },
      (LEASE_SECONDS * 2 + 30) * 1000,
    );
    expect(Object.keys(all)).toEqual(CLUSTERS);
    for (const c of CLUSTERS) if (spread[c] === victim.proc.pid) expect(survivor.output()).toMatch(new RegExp(`leads scheduler:${c} \\(term \\d+\\)`));
  }, 240_000);
});
