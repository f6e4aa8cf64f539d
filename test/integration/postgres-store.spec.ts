import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../../src/store/database.js';
import { migrations } from '../../src/store/migrations.js';
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

async function both(): Promise<[string, SqlStore][]> {
  const sqlite = new SqliteStore(openDatabase(':memory:'));
  const postgres = await PostgresStore.open({ url: server.url });
  stores.push(sqlite, postgres);
  return [
    ['sqlite', sqlite],
    ['postgres', postgres],
  ];
}

describe('one store interface on SQLite and a real PostgreSQL', () => {
  it('applies every migration to PostgreSQL, giving the same tables and columns as SQLite', async () => {
    const db = openDatabase(':memory:');
    const sqliteTables = db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name").all() as {
      name: string;
    }[];
    const pgStore = await PostgresStore.open({ url: server.url });
    stores.push(pgStore);
    expect(await pgStore.schemaVersion()).toBe(migrations.at(-1)?.version);
    for (const { name } of sqliteTables) {
      const sqliteColumns = (db.prepare(`PRAGMA table_info(${name})`).all() as { name: string }[]).map((c) => c.name).sort();
      const pgColumns = (
        await pgStore.all<{ column_name: string }>("SELECT column_name FROM information_schema.columns WHERE table_schema = 'public' AND table_name = ?", [
          name,
        ])
      )
        .map((c) => c.column_name)
        .sort();
      expect(pgColumns, name).toEqual(sqliteColumns);
    }
    expect(sqliteTables.length).toBeGreaterThanOrEqual(5);
  });

  it('migrates once when several replicas open the database at the same moment', async () => {
    const opened = await Promise.all([1, 2, 3, 4].map(() => PostgresStore.open({ url: server.url })));
    stores.push(...opened);
    const rows = await opened[0]!.all<{ version: number }>('SELECT version FROM stackmedic_schema ORDER BY version');
    expect(rows.map((r) => r.version)).toEqual(migrations.map((m) => m.version));
  });

  it('refuses a database written by a newer stackmedic', async () => {
    await expect(PostgresStore.open({ url: server.url, migrations: migrations.slice(0, 2) })).rejects.toThrow(
      /newer stackmedic \(schema \d+, this one knows 2\)/,
    );
  });

  it('runs the same statements with the same answers on both back-ends', async () => {
    for (const [name, store] of await both()) {
      await store.run('DELETE FROM slack_request_seen');
      const first = await store.run('INSERT INTO slack_request_seen (signature, request_ts, seen_at) VALUES (?, ?, ?) ON CONFLICT DO NOTHING', [
        'v0=a?b',
        100,
        'x',
      ]);
      const again = await store.run('INSERT INTO slack_request_seen (signature, request_ts, seen_at) VALUES (?, ?, ?) ON CONFLICT DO NOTHING', [
        'v0=a?b',
        100,
        'x',
      ]);
      expect([first.changes, again.changes], name).toEqual([1, 0]);
      const row = await store.get<{ signature: string; request_ts: number; q: string }>(
        "SELECT signature, request_ts, 'what?' AS q FROM slack_request_seen WHERE signature = ?",
        ['v0=a?b'],
      );
      expect(row, name).toEqual({ signature: 'v0=a?b', request_ts: 100, q: 'what?' });
      const id = await store.get<{ id: number }>(
        "INSERT INTO audit_invocation (started_at, actor_id, actor_name, via, command, kind) VALUES ('t', 'U1', 'ann', 'cli', 'status', 'read') RETURNING id",
      );
      expect(typeof id?.id, name).toBe('number');
      const now = await store.get<{ ms: number }>(`SELECT ${store.nowMs} AS ms`);
      expect(Math.abs((now?.ms ?? 0) - Date.now()), name).toBeLessThan(5_000);
    }
  });

  it('commits a transaction that resolves and rolls back one that throws, on both back-ends', async () => {
    for (const [name, store] of await both()) {
      await store.run('DELETE FROM slack_request_seen');
      await store.transaction(async (tx) => {
        await tx.run('INSERT INTO slack_request_seen (signature, request_ts, seen_at) VALUES (?, ?, ?)', ['kept', 1, 'x']);
      });
      await expect(
        store.transaction(async (tx) => {
          await tx.run('INSERT INTO slack_request_seen (signature, request_ts, seen_at) VALUES (?, ?, ?)', ['lost', 1, 'x']);
          throw new Error('boom');
        }),
      ).rejects.toThrow('boom');
      const rows = await store.all<{ signature: string }>('SELECT signature FROM slack_request_seen ORDER BY signature');
      expect(
        rows.map((r) => r.signature),
        name,
      ).toEqual(['kept']);
    }
  });

  it('answers again after the PostgreSQL server restarts (the pool reconnects)', async () => {
    const store = await PostgresStore.open({ url: server.url, log: () => {} });
    stores.push(store);
    await store.run('DELETE FROM slack_request_seen');
    await server.restart();
    let answered: number | undefined;
    for (let i = 0; i < 20 && answered === undefined; i++) {
      // The first query after the restart may land on a connection the server dropped.
      answered = await store
        .get<{ n: number }>('SELECT COUNT(*) AS n FROM slack_request_seen')
        .then((r) => r?.n)
        .catch(() => undefined);
    }
    expect(answered).toBe(0);
  });
});
