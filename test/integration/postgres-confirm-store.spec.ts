import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfirmationStore } from '../../src/slack/confirm-store.js';
import { PostgresStore } from '../../src/store/postgres-store.js';
import type { SqlStore } from '../../src/store/sql-store.js';
import { startPostgres, type PostgresServer } from '../support/postgres.js';
import { confirmationStoreCases, requestConfirmation } from '../unit/store/confirm-store-suite.js';

let server: PostgresServer;
const stores: SqlStore[] = [];

beforeAll(async () => {
  server = await startPostgres();
});
afterAll(async () => {
  for (const s of stores) await s.close().catch(() => undefined);
  await server?.stop();
});

/** A replica's connection pool on the shared database. */
async function replica(): Promise<SqlStore> {
  const s = await PostgresStore.open({ url: server.url });
  stores.push(s);
  return s;
}

describe('ConfirmationStore on a real PostgreSQL', () => {
  // The cases expect a fresh database each: they share one server, so each starts from an empty table.
  confirmationStoreCases(async () => {
    const store = await replica();
    await store.run('DELETE FROM slack_confirmation');
    return store;
  });

  it('a confirmation asked on one replica is pressed on another; of two presses at once exactly one decides', async () => {
    const clock = () => new Date();
    const asked = new ConfirmationStore(await replica(), clock);
    const elsewhere = [new ConfirmationStore(await replica(), clock), new ConfirmationStore(await replica(), clock)];
    for (let i = 0; i < 10; i++) {
      const c = await requestConfirmation(asked);
      expect((await elsewhere[0]!.get(c.id))?.command).toBe('/compute fix-libvirt node-18');
      const outcomes = await Promise.all(elsewhere.map((s, n) => s.decide(c.id, 'confirmed', `U${n}`)));
      expect(
        outcomes.filter((o) => o.ok),
        `confirmation ${i}`,
      ).toHaveLength(1);
      const loser = outcomes.find((o) => !o.ok);
      expect(loser).toMatchObject({ ok: false, reason: 'decided', confirmation: { state: 'confirmed' } });
    }
  });
});
