import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../../src/store/database.js';
import { PostgresStore } from '../../src/store/postgres-store.js';
import type { SqlStore } from '../../src/store/sql-store.js';
import { SqliteStore } from '../../src/store/sqlite-store.js';
import { CheckStats, hitsOf } from '../../src/stats/check-stats.js';
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

const NOW = new Date('2026-12-01T12:00:00Z');
const at = (iso: string): Date => new Date(iso);

describe('hit statistics on SQLite and on a real PostgreSQL', () => {
  it('give the same window on both back-ends (day buckets, counts, sums)', async () => {
    const windows = [];
    for (const store of [new SqliteStore(openDatabase(':memory:')), await PostgresStore.open({ url: server.url })]) {
      stores.push(store);
      const stats = new CheckStats(store);
      const checks = [
        {
          at: at('2026-11-29T23:59:59Z'),
          evidence: [{ signature: 'amqp-unreachable' }, { signature: 'amqp-unreachable' }],
          unrecognised: { classification: { errors: 5, classified: 4 } },
        },
        { at: at('2026-11-30T00:00:01Z'), evidence: [{ signature: 'root-disk-full' }], unrecognised: { classification: { errors: 0, classified: 0 } } },
        { at: at('2026-12-01T11:00:00Z'), evidence: [{ signature: 'amqp-unreachable' }], unrecognised: { classification: { errors: 3, classified: 3 } } },
      ];
      for (const c of checks) await stats.record(hitsOf(c, 'prod-east'));
      windows.push(await stats.window({ days: 3, now: NOW, cluster: 'prod-east' }));
    }
    const [sqlite, postgres] = windows;
    expect(postgres).toEqual(sqlite);
    expect(sqlite?.perDay.map((d) => [d.date, d.checks, d.rate])).toEqual([
      ['2026-11-29', 1, 0.8],
      ['2026-11-30', 1, null],
      ['2026-12-01', 1, 1],
    ]);
    expect(sqlite?.signatures).toEqual([
      { signature: 'amqp-unreachable', checks: 2, hits: 3 },
      { signature: 'root-disk-full', checks: 1, hits: 1 },
    ]);
  });
});
