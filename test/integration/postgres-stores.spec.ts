import { afterAll, beforeAll, describe } from 'vitest';
import { PostgresStore } from '../../src/store/postgres-store.js';
import type { SqlStore } from '../../src/store/sql-store.js';
import { startPostgres, type PostgresServer } from '../support/postgres.js';
import { storeCases } from '../unit/store/stores-suite.js';

let server: PostgresServer;
const stores: SqlStore[] = [];

beforeAll(async () => {
  server = await startPostgres();
});
afterAll(async () => {
  for (const s of stores) await s.close().catch(() => undefined);
  await server?.stop();
});

// The tables the cases write, emptied before each: the cases share one server.
const TABLES = [
  'audit_remote',
  'audit_invocation',
  'incident_slack',
  'incident_event',
  'incident_evidence',
  'incident',
  'slack_outbox',
  'slack_run_message',
  'runbook_lock',
  'stackmedic_replica',
];

describe('the stores on a real PostgreSQL', () => {
  storeCases(async () => {
    const store = await PostgresStore.open({ url: server.url });
    stores.push(store);
    for (const t of TABLES) await store.run(`DELETE FROM ${t}`);
    return store;
  });
});
