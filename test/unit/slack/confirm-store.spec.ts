import { describe } from 'vitest';
import { openDatabase } from '../../../src/store/database.js';
import { SqliteStore } from '../../../src/store/sqlite-store.js';
import { confirmationStoreCases } from '../store/confirm-store-suite.js';

// The same cases run on a real PostgreSQL in test/integration/postgres-confirm-store.spec.ts.
describe('ConfirmationStore on SQLite', () => {
  confirmationStoreCases(() => Promise.resolve(new SqliteStore(openDatabase(':memory:'))));
});
