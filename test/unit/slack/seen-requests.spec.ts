import { afterEach, describe, expect, it } from 'vitest';
import { PRUNE_EVERY_SECONDS, SeenRequests } from '../../../src/slack/seen-requests.js';
import { openDatabase } from '../../../src/store/database.js';
import { SqliteStore } from '../../../src/store/sqlite-store.js';
import type { SqlStore, SqlValue } from '../../../src/store/sql-store.js';

let store: SqliteStore | undefined;
afterEach(async () => {
  await store?.close();
  store = undefined;
});

/** The store, with the statements run through it counted. */
function counted(): { store: SqlStore; statements: string[] } {
  store = new SqliteStore(openDatabase(':memory:'));
  const inner = store;
  const statements: string[] = [];
  const proxy = Object.create(inner) as SqlStore;
  Object.assign(proxy, {
    run: (sql: string, params?: readonly SqlValue[]) => {
      statements.push(sql.split(' ')[0] ?? '');
      return inner.run(sql, params);
    },
  });
  return { store: proxy, statements };
}

describe('SeenRequests', () => {
  it('costs an accepted request one statement; the signatures out of the window are deleted once a minute', async () => {
    const { store: s, statements } = counted();
    const seen = new SeenRequests(s, 300);
    const now = 1_800_000_000;
    expect(await seen.firstSighting('v0=a', now, now)).toBe(true);
    expect(statements).toEqual(['INSERT', 'DELETE']);
    statements.length = 0;
    expect(await seen.firstSighting('v0=b', now + 1, now + 1)).toBe(true);
    expect(await seen.firstSighting('v0=b', now + 1, now + 2)).toBe(false);
    expect(statements).toEqual(['INSERT', 'INSERT']);
    statements.length = 0;
    expect(await seen.firstSighting('v0=c', now + PRUNE_EVERY_SECONDS, now + PRUNE_EVERY_SECONDS)).toBe(true);
    expect(statements).toEqual(['INSERT', 'DELETE']);
  });

  it('still refuses a replay whose first copy is older than the last prune, while it is in the window', async () => {
    const { store: s } = counted();
    const seen = new SeenRequests(s, 300);
    const now = 1_800_000_000;
    expect(await seen.firstSighting('v0=old', now, now)).toBe(true);
    // Two minutes later (a prune ran in between), the same request is still refused.
    expect(await seen.firstSighting('v0=x', now + 120, now + 120)).toBe(true);
    expect(await seen.firstSighting('v0=old', now, now + 121)).toBe(false);
  });
});
