import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { IncidentScheduler } from '../../src/incidents/scheduler.js';
import { leaderOnly } from '../../src/store/leader-only.js';
import { LeaderLease } from '../../src/store/lease.js';
import { PostgresStore } from '../../src/store/postgres-store.js';
import type { SqlStore } from '../../src/store/sql-store.js';
import { startPostgres, type PostgresServer } from '../support/postgres.js';

let server: PostgresServer;
const stores: SqlStore[] = [];

beforeAll(async () => {
  server = await startPostgres();
});
afterAll(async () => {
  for (const s of stores) await s.close().catch(() => undefined);
  await server?.stop();
});

/** A replica: its own pool, its lease on the cluster, and a scheduler whose check records who ran it. */
async function replica(name: string, cluster: string, seconds: number) {
  const store = await PostgresStore.open({ url: server.url, log: () => {} });
  stores.push(store);
  const lease = new LeaderLease(store, { name: `scheduler:${cluster}`, seconds, holder: name });
  const lines: string[] = [];
  const check = leaderOnly(
    lease,
    async () => {
      await store.run("INSERT INTO audit_invocation (started_at, actor_id, actor_name, via, command, kind) VALUES ('t', ?, ?, 'scheduler', ?, 'check')", [
        name,
        name,
        cluster,
      ]);
    },
    (l) => lines.push(l),
  );
  const scheduler = new IncidentScheduler(check, { schedule: '0 0 1 1 *', log: (l) => lines.push(l) });
  return { store, lease, scheduler, lines };
}

async function runs(store: SqlStore, cluster: string): Promise<string[]> {
  const rows = await store.all<{ actor_id: string }>("SELECT actor_id FROM audit_invocation WHERE via = 'scheduler' AND command = ? ORDER BY id", [cluster]);
  return rows.map((r) => r.actor_id);
}

describe('scheduled checks on two replicas sharing a real PostgreSQL', () => {
  it('exactly one replica runs each tick; when it dies the other runs the next tick after the lease', async () => {
    const a = await replica('replica-a', 'east', 1);
    const b = await replica('replica-b', 'east', 1);
    for (let i = 0; i < 5; i++) await Promise.all([a.scheduler.tick(), b.scheduler.tick()]);
    const first = await runs(a.store, 'east');
    expect(first).toHaveLength(5);
    expect(new Set(first).size).toBe(1);
    const [leader, standby] = first[0] === 'replica-a' ? [a, b] : [b, a];
    expect(standby.lines.filter((l) => l.includes(`stands by this tick: ${leader.lease.holder} runs`))).toHaveLength(5);

    // The leader loses its database (its pool is gone): it can neither run nor renew.
    await leader.store.close();
    await new Promise((r) => setTimeout(r, 1_150));
    await Promise.all([leader.scheduler.tick(), standby.scheduler.tick()]);
    const after = await runs(standby.store, 'east');
    expect(after).toEqual([...first, standby.lease.holder]);
    // Cut off, the old leader's lease ran out locally: it stands by rather than run unguarded.
    expect(leader.lease.isLeader()).toBe(false);
    expect(leader.lines.at(-1)).toContain('replica stands by this tick'.replace('replica', leader.lease.holder));
  });

  it('each cluster has its own leader', async () => {
    const a = await replica('replica-a', 'west', 30);
    const b = await replica('replica-b', 'west', 30);
    const c = await replica('replica-b', 'north', 30);
    await a.scheduler.tick();
    await Promise.all([b.scheduler.tick(), c.scheduler.tick()]);
    expect(await runs(a.store, 'west')).toEqual(['replica-a']);
    expect(await runs(a.store, 'north')).toEqual(['replica-b']);
  });
});
