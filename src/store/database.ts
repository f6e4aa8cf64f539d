import Database from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { ConfigError } from '../errors.js';
import { migrations } from './migrations.js';

/** The embedded SQLite database handle. */
export type Db = Database.Database;

/** Opens (creating if needed) the store at `path` (`:memory:` for tests) and migrates it. */
export function openDatabase(path: string): Db {
  if (/^postgres(ql)?:/i.test(path)) {
    // A URL taken for a file name would create a local file named like it, and split the
    // replicas' state: the shared database is opened by openStore (src/store/open-store.ts).
    throw new ConfigError('environment', 'STACKMEDIC_DB', 'a SQLite file here: a postgres:// URL is opened as PostgreSQL by openStore, not as a file');
  }
  if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
  const db = new Database(path);
  db.pragma('journal_mode = WAL');
  db.pragma('foreign_keys = ON');
  db.pragma('busy_timeout = 5000');
  migrate(db);
  return db;
}

/** Applies the migrations newer than the database's `user_version`, each in a transaction. */
export function migrate(db: Db): void {
  const current = Number(db.pragma('user_version', { simple: true }));
  const latest = migrations.at(-1)?.version ?? 0;
  if (current > latest) {
    throw new Error(`the database was written by a newer stackmedic (schema ${current}, this one knows ${latest})`);
  }
  for (const m of migrations) {
    if (m.version <= current) continue;
    db.transaction(() => {
      db.exec(m.sql);
      db.pragma(`user_version = ${m.version}`);
    })();
  }
}
