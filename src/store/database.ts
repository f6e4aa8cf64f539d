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
    // The stores below the SqlStore interface are still synchronous SQLite: running them on a
    // local file while the operator asked for the shared database would split the replicas' state.
    throw new ConfigError(
      'environment',
      'STACKMEDIC_DB',
      'the SQLite file for now: the audit, incidents, confirmations and outbox do not run on PostgreSQL yet (only the leader lease and the migrations do)',
    );
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
