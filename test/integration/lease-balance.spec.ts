/**
 * The scheduler leases of several clusters spread over the live replicas, on both back-ends: no
 * replica takes more than its fair share while others are alive, one that holds too many gives the
 * extra up to a replica below its share, and the survivors take a dead replica's leases once its
 * lease and heartbeat lapse. Never two holders. The replicas are driven by hand (acquire, beat),
 * so no timer races another; the death is polled with a generous deadline.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../../src/store/database.js';
import { LeaderLease } from '../../src/store/lease.js';
import { PostgresStore } from '../../src/store/postgres-store.js';
import { ReplicaHeartbeat } from '../../src/store/replica.js';
import type { SqlStore } from '../../src/store/sql-store.js';
import { SqliteStore } from '../../src/store/sqlite-store.js';
import { startPostgres, type PostgresServer } from '../support/postgres.js';

const CLUSTERS = ['east', 'north', 'south', 'west'] as const;
const share = { prefix: 'scheduler:', total: CLUSTERS.length };

let server: PostgresServer;
const stores: SqlStore[] = [];

beforeAll(async () => {
  server = await startPostgres();
}, 120_000);
afterAll(async () => {
  for (const s of stores) await s.close().catch(() => undefined);
  await server?.stop();
});

/** One simulated replica: its heartbeat and one lease per cluster, on its own connection. */
class Replica {
  readonly heartbeat: ReplicaHeartbeat;
  readonly leases: LeaderLease[];
  constructor(
    readonly store: SqlStore,
    readonly name: string,
    seconds: number,
  ) {
    this.heartbeat = new ReplicaHeartbeat(store, { name, seconds });
    this.leases = CLUSTERS.map((c) => new LeaderLease(store, { name: `scheduler:${c}`, seconds, holder: name, share }));
  }
  /** One heartbeat and one try at every lease, in cluster order (what its timers do, once). */
  async tick(): Promise<void> {
    expect(await this.heartbeat.beat()).toBe(true);
    for (const l of this.leases) await l.acquire();
  }
  heldNames(): string[] {
    return CLUSTERS.filter((_, i) => this.leases[i]?.isLeader());
  }
}

/** Each cluster's holder as the database says, and the replicas that believe they hold it (never two). */
async function holders(replicas: readonly Replica[]): Promise<Record<string, string | undefined>> {
  const out: Record<string, string | undefined> = {};
  for (const [i, c] of CLUSTERS.entries()) {
    const believers = replicas.filter((r) => r.leases[i]?.isLeader()).map((r) => r.name);
    expect(believers.length, `${c}: ${believers.join(', ')}`).toBeLessThanOrEqual(1);
    const db = await replicas[0]?.leases[i]?.current();
    if (believers[0] !== undefined) expect(db?.holder).toBe(believers[0]);
    out[c] = believers[0];
  }
  return out;
}

function counts(replicas: readonly Replica[]): number[] {
  return replicas.map((r) => r.heldNames().length);
}

type Backend = { label: string; stores: (n: number) => Promise<SqlStore[]> };

const backends: Backend[] = [
  {
    label: 'sqlite',
    stores: async (n) => {
      // One process owns the file; the replicas here share it, as tests of the logic.
      const s = new SqliteStore(openDatabase(':memory:'));
      stores.push(s);
      return Array.from({ length: n }, () => s);
    },
  },
  {
    label: 'postgres',
    stores: async (n) => {
      const list: SqlStore[] = [];
      for (let i = 0; i < n; i++) list.push(await PostgresStore.open({ url: server.url, log: () => {} }));
      stores.push(...list);
      // Each case starts from no lease and no replica (the same database for every case).
      await list[0]?.run('DELETE FROM leader_lease');
      await list[0]?.run('DELETE FROM stackmedic_replica');
      return list;
    },
  },
];

describe.each(backends)('scheduler leases of 4 clusters over several replicas ($label)', ({ stores: open }) => {
  it('three live replicas: the first takes its fair share (2), the second the rest, the third none', async () => {
    const [a, b, c] = (await open(3)).map((s, i) => new Replica(s, `replica-${'abc'[i]}`, 30));
    for (const r of [a!, b!, c!]) expect(await r.heartbeat.beat()).toBe(true);
    await a!.tick();
    await b!.tick();
    await c!.tick();
    expect(counts([a!, b!, c!])).toEqual([2, 2, 0]);
    const h = await holders([a!, b!, c!]);
    expect(Object.values(h).every((x) => x !== undefined)).toBe(true);
    // Renewals keep the spread.
    for (const r of [c!, b!, a!]) await r.tick();
    expect(counts([a!, b!, c!])).toEqual([2, 2, 0]);
    for (const r of [a!, b!, c!]) for (const l of r.leases) await l.stop();
    for (const r of [a!, b!, c!]) await r.heartbeat.stop();
  });

  it('a replica alone takes all four; when a second comes, it gives up the extra two and the second takes them', async () => {
    const [a, b] = (await open(2)).map((s, i) => new Replica(s, `replica-${'ab'[i]}`, 30));
    await a!.tick();
    expect(counts([a!, b!])).toEqual([4, 0]);
    expect(await b!.heartbeat.beat()).toBe(true);
    await a!.tick(); // renewals: the leases past its first two are given up
    expect(a!.heldNames()).toEqual(['east', 'north']);
    expect(Object.values(await holders([a!, b!])).filter((x) => x === undefined)).toHaveLength(2);
    await b!.tick();
    expect(b!.heldNames()).toEqual(['south', 'west']);
    await a!.tick(); // a, at its share, does not take them back
    await b!.tick();
    expect(counts([a!, b!])).toEqual([2, 2]);
    await holders([a!, b!]);
    for (const r of [a!, b!]) for (const l of r.leases) await l.stop();
    for (const r of [a!, b!]) await r.heartbeat.stop();
  });

  it('when a replica dies, the survivor takes its leases once they and its heartbeat lapse, never before', async () => {
    const seconds = 2;
    const [a, b] = (await open(2)).map((s, i) => new Replica(s, `replica-${'ab'[i]}`, seconds));
    for (const r of [a!, b!]) expect(await r.heartbeat.beat()).toBe(true);
    await a!.tick();
    await b!.tick();
    expect(counts([a!, b!])).toEqual([2, 2]);
    // b dies: no more beats, no more renewals. Its last word is now.
    const died = Date.now();
    const deadline = died + 30_000;
    while (a!.heldNames().length < 4 && Date.now() < deadline) {
      await a!.tick();
      await holders([a!, b!]);
      // Until b's leases run out on the database clock, a does not hold them.
      const rows = await Promise.all(b!.leases.map((l) => l.current()));
      for (const [k, row] of rows.entries()) if (row?.holder === 'replica-b' && row.remainingMs > 0) expect(a!.leases[k]?.isLeader()).toBe(false);
      await new Promise((r) => setTimeout(r, 100));
    }
    const took = Date.now() - died;
    expect(a!.heldNames()).toEqual([...CLUSTERS]);
    // The lease and the heartbeat both last `seconds`: a takes over after they lapse (the
    // bound in production adds one try, a third of the lease; the slack here is for a loaded machine).
    expect(took).toBeLessThan(seconds * 1000 + 10_000);
    await holders([a!, b!]);
    for (const l of a!.leases) await l.stop();
    await a!.heartbeat.stop();
  }, 60_000);
});
