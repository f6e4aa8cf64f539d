import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../../src/store/database.js';
import { LeaderLease } from '../../src/store/lease.js';
import { PostgresStore } from '../../src/store/postgres-store.js';
import type { SqlStore } from '../../src/store/sql-store.js';
import { SqliteStore } from '../../src/store/sqlite-store.js';
import { startPostgres, type PostgresServer } from '../support/postgres.js';

const CHILD = join(import.meta.dirname, 'postgres-lease-child.mjs');
let server: PostgresServer;
const stores: SqlStore[] = [];
const children: ChildProcess[] = [];

beforeAll(async () => {
  server = await startPostgres();
});
afterAll(async () => {
  for (const c of children) c.kill('SIGKILL');
  for (const s of stores) await s.close().catch(() => undefined);
  await server?.stop();
});

async function pgStore(): Promise<SqlStore> {
  const s = await PostgresStore.open({ url: server.url, log: () => {} });
  stores.push(s);
  return s;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('leader lease per cluster', () => {
  it('on both back-ends: one holder, renewals keep it, it expires, the other takes it with a new term', async () => {
    const sqlite = new SqliteStore(openDatabase(':memory:'));
    stores.push(sqlite);
    for (const [label, a, b] of [
      ['sqlite', sqlite, sqlite],
      ['postgres', await pgStore(), await pgStore()],
    ] as const) {
      const name = `scheduler:${label}`;
      // 3 s leases: a loaded machine may stall a second between two calls, and that must not
      // let the lease lapse before the test lets it.
      const first = new LeaderLease(a, { name, seconds: 3, holder: 'replica-a' });
      const second = new LeaderLease(b, { name, seconds: 3, holder: 'replica-b' });
      expect(await first.acquire(), label).toBe(true);
      expect(await second.acquire(), label).toBe(false);
      expect(await first.acquire(), label).toBe(true); // a renewal
      expect(second.isLeader(), label).toBe(false);
      expect(await second.current(), label).toMatchObject({ holder: 'replica-a', term: 1 });
      await sleep(3_150); // a stops renewing: its lease runs out
      expect(first.isLeader(), label).toBe(false);
      expect(await second.acquire(), label).toBe(true);
      expect(await first.acquire(), label).toBe(false);
      expect(await first.current(), label).toMatchObject({ holder: 'replica-b', term: 2 });
      // Giving it up frees it at once.
      await second.stop();
      expect(await first.acquire(), label).toBe(true);
      await first.stop();
    }
  });

  it('of ten replicas racing for a free lease on PostgreSQL, exactly one gets it', async () => {
    const contenders = await Promise.all(
      Array.from({ length: 10 }, async (_, i) => new LeaderLease(await pgStore(), { name: 'scheduler:race', seconds: 30, holder: `r${i}` })),
    );
    for (let round = 0; round < 3; round++) {
      const won = await Promise.all(contenders.map((c) => c.acquire()));
      expect(won.filter(Boolean)).toHaveLength(1);
    }
    const leader = contenders.filter((c) => c.isLeader());
    expect(leader).toHaveLength(1);
    expect((await contenders[0]!.current())?.holder).toBe(leader[0]!.holder);
  });

  it('leases of different clusters are independent', async () => {
    const store = await pgStore();
    const east = new LeaderLease(store, { name: 'scheduler:east', seconds: 30, holder: 'r1' });
    const west = new LeaderLease(store, { name: 'scheduler:west', seconds: 30, holder: 'r2' });
    expect([await east.acquire(), await west.acquire()]).toEqual([true, true]);
    expect(await new LeaderLease(store, { name: 'scheduler:west', seconds: 30, holder: 'r1' }).acquire()).toBe(false);
  });

  it('the leader in another process is killed with SIGKILL: this replica takes over within the lease', async () => {
    expect(existsSync(join(import.meta.dirname, '../../dist/src/store/lease.js')), 'run npm run build first').toBe(true);
    // 3 s: the child must keep renewing while this replica stands by, even on a loaded machine.
    const seconds = 3;
    const child = spawn(process.execPath, [CHILD, server.url, 'scheduler:killed', String(seconds)], { stdio: ['ignore', 'pipe', 'pipe'] });
    children.push(child);
    let out = '';
    let err = '';
    child.stdout?.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr?.on('data', (d: Buffer) => (err += d.toString()));
    for (let i = 0; i < 300 && !out.includes('leading'); i++) await sleep(50);
    expect(out, err).toContain(`leading child-${child.pid}`);

    const mine = new LeaderLease(await pgStore(), { name: 'scheduler:killed', seconds, holder: 'survivor' });
    mine.start();
    // While the child lives and renews, this replica only stands by (longer than one lease).
    await sleep(seconds * 1000 + 500);
    expect(mine.isLeader()).toBe(false);
    expect((await mine.current())?.holder).toBe(`child-${child.pid}`);

    const killedAt = Date.now();
    child.kill('SIGKILL');
    while (!mine.isLeader() && Date.now() - killedAt < 10_000) await sleep(20);
    const takeoverMs = Date.now() - killedAt;
    expect(mine.isLeader()).toBe(true);
    // The lease ran out (at most `seconds` after its last renewal) and a retry came within a third;
    // 1.5 s more for the queries and timers of a loaded machine.
    expect(takeoverMs).toBeLessThanOrEqual(seconds * 1000 + (seconds * 1000) / 3 + 1500);
    expect(await mine.current()).toMatchObject({ holder: 'survivor', term: 2 });
    console.log(`lease takeover after SIGKILL: ${takeoverMs} ms (lease ${seconds} s)`);
    await mine.stop();
  });
});
