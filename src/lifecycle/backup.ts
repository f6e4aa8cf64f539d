import Database from 'better-sqlite3';
import { existsSync } from 'node:fs';
import { UserError } from '../errors.js';

/** What a backup wrote. */
export interface BackupResult {
  readonly pages: number;
  readonly schema: number;
}

/**
 * Copies the store with SQLite's online backup API: consistent while `stackmedic serve` keeps
 * writing (the write-ahead log included), never overwriting a file, checked after.
 */
export async function backupStore(source: string, destination: string): Promise<BackupResult> {
  if (source === ':memory:') throw new UserError('STACKMEDIC_DB is :memory:; there is no store to back up');
  if (!existsSync(source)) throw new UserError(`no store at ${source} (STACKMEDIC_DB); nothing to back up`);
  if (existsSync(destination)) throw new UserError(`${destination} exists; stackmedic backup never overwrites a file`);
  const db = new Database(source, { readonly: true, fileMustExist: true });
  try {
    const r = await db.backup(destination);
    const copy = new Database(destination, { readonly: true, fileMustExist: true });
    try {
      const check = copy.pragma('integrity_check', { simple: true });
      if (check !== 'ok') throw new UserError(`the copy at ${destination} failed SQLite's integrity check: ${String(check)}`);
      return { pages: r.totalPages, schema: Number(copy.pragma('user_version', { simple: true })) };
    } finally {
      copy.close();
    }
  } finally {
    db.close();
  }
}
