import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SeenRequests } from '../../src/slack/seen-requests.js';
import { openDatabase } from '../../src/store/database.js';
import { PostgresStore } from '../../src/store/postgres-store.js';
import type { SqlStore } from '../../src/store/sql-store.js';
import { SqliteStore } from '../../src/store/sqlite-store.js';
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

async function pg(): Promise<SqlStore> {
  const s = await PostgresStore.open({ url: server.url });
  stores.push(s);
  return s;
}

describe('Slack replay store on both back-ends', () => {
  it('accepts a signature once, forgets those out of the window, the same on SQLite and PostgreSQL', async () => {
    const sqlite = new SqliteStore(openDatabase(':memory:'));
    stores.push(sqlite);
    for (const [label, store] of [
      ['sqlite', sqlite],
      ['postgres', await pg()],
    ] as const) {
      const seen = new SeenRequests(store, 300);
      const now = 1_800_000_000;
      expect(await seen.firstSighting('v0=aa', now, now), label).toBe(true);
      expect(await seen.firstSighting('v0=aa', now, now + 1), label).toBe(false);
      expect(await seen.firstSighting('v0=bb', now, now + 1), label).toBe(true);
      // Much later: the old signatures leave the store (their timestamps are refused anyway).
      expect(await seen.firstSighting('v0=cc', now + 1000, now + 1000), label).toBe(true);
      const left = await store.all<{ signature: string }>('SELECT signature FROM slack_request_seen ORDER BY signature');
      expect(
        left.map((r) => r.signature),
        label,
      ).toEqual(['v0=cc']);
    }
  });

  it('of one request sent to two replicas at the same moment, exactly one is accepted', async () => {
    const replicas = [new SeenRequests(await pg(), 300), new SeenRequests(await pg(), 300)];
    const now = 1_800_000_100;
    for (let i = 0; i < 20; i++) {
      const answers = await Promise.all(replicas.map((r) => r.firstSighting(`v0=race-${i}`, now, now)));
      expect(answers.filter(Boolean), `request ${i}`).toHaveLength(1);
    }
  });
});
