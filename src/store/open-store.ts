import { openDatabase } from './database.js';
import { PostgresStore } from './postgres-store.js';
import type { SqlStore } from './sql-store.js';
import { SqliteStore } from './sqlite-store.js';

/** Whether STACKMEDIC_DB names a PostgreSQL database rather than a SQLite file. */
export function isPostgresUrl(location: string): boolean {
  return /^postgres(ql)?:\/\//i.test(location);
}

/**
 * Opens the store STACKMEDIC_DB names, migrated: PostgreSQL for a `postgres://` URL (several
 * replicas share it), otherwise the embedded SQLite file (the default, one process).
 */
export async function openStore(location: string, options: { readonly log?: (line: string) => void } = {}): Promise<SqlStore> {
  if (isPostgresUrl(location)) return PostgresStore.open({ url: location, ...(options.log ? { log: options.log } : {}) });
  return new SqliteStore(openDatabase(location));
}
