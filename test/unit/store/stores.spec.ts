import { describe } from 'vitest';
import { openDatabase } from '../../../src/store/database.js';
import { SqliteStore } from '../../../src/store/sqlite-store.js';
import { storeCases } from './stores-suite.js';

describe('the stores on SQLite', () => {
  storeCases(() => Promise.resolve(new SqliteStore(openDatabase(':memory:'))));
});
