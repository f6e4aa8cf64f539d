/**
 * Store checks: the SQLite database opens, its schema is the one this stackmedic writes, and it
 * takes a write lock. The doctor never migrates or writes: the next start does that.
 */
import Database from 'better-sqlite3';
import { accessSync, constants, existsSync, statSync } from 'node:fs';
import { dirname } from 'node:path';
import { migrations } from '../store/migrations.js';
import { checksOf, type Check } from './types.js';

const { pass, fail, warn } = checksOf('store');

/** The nearest directory above `path` that exists (where the first start would create what is missing). */
function existingAncestor(path: string): string {
  let dir = dirname(path);
  while (!existsSync(dir) && dirname(dir) !== dir) dir = dirname(dir);
  return dir;
}

function writable(path: string): boolean {
  try {
    accessSync(path, constants.W_OK);
    return true;
  } catch {
    return false;
  }
}

/** The store checks for STACKMEDIC_DB's path. */
export function checkStore(path: string): Check[] {
  const latest = migrations.at(-1)?.version ?? 0;
  if (path === ':memory:')
    return [warn('store', 'STACKMEDIC_DB is :memory:: the audit log and incidents are lost when stackmedic stops', 'point STACKMEDIC_DB at a file')];
  if (!existsSync(path)) {
    const dir = existingAncestor(path);
    if (!statSync(dir).isDirectory() || !writable(dir)) {
      return [
        fail(
          'store',
          `${path} does not exist and cannot be created: ${dir} is not writable`,
          `create ${dirname(path)} writable by the stackmedic user, or point STACKMEDIC_DB elsewhere`,
        ),
      ];
    }
    return [pass('store', `${path} does not exist yet; the first start creates it (schema ${latest}) in ${dir}, which is writable`)];
  }
  let db: Database.Database;
  try {
    db = new Database(path, { fileMustExist: true });
  } catch (error) {
    return [
      fail(
        'store opens',
        `${path}: ${error instanceof Error ? error.message : String(error)}`,
        'check the file and its permissions, or restore it from a backup',
      ),
    ];
  }
  const checks: Check[] = [];
  try {
    let version: number;
    try {
      version = Number(db.pragma('user_version', { simple: true }));
      db.prepare('SELECT count(*) FROM sqlite_master').get();
    } catch (error) {
      return [
        fail(
          'store opens',
          `${path} is not a readable SQLite database: ${error instanceof Error ? error.message : String(error)}`,
          'restore it from a backup, or move it away and let stackmedic create a new one',
        ),
      ];
    }
    checks.push(pass('store opens', `${path}: SQLite, ${statSync(path).size} bytes`));
    if (version === latest) checks.push(pass('store migrations', `schema ${version}, current`));
    else if (version < latest) {
      const pending = migrations.filter((m) => m.version > version).map((m) => m.description);
      checks.push(
        warn(
          'store migrations',
          `schema ${version}; this stackmedic writes ${latest}: the next start applies ${pending.join('; ')}`,
          `back up ${path} first (sqlite3 ${path} ".backup ${path}.bak")`,
        ),
      );
    } else {
      checks.push(
        fail(
          'store migrations',
          `schema ${version} was written by a newer stackmedic (this one knows ${latest})`,
          'run the newer stackmedic, or restore a backup made for this version',
        ),
      );
    }
    try {
      db.pragma('busy_timeout = 2000');
      // Taking the write lock and letting it go proves writability without changing a byte.
      db.exec('BEGIN IMMEDIATE');
      db.exec('ROLLBACK');
      checks.push(pass('store writable', `${path} takes a write lock`));
    } catch (error) {
      checks.push(
        fail(
          'store writable',
          `${path}: ${error instanceof Error ? error.message : String(error)}`,
          `make ${path} and ${dirname(path)} writable by the stackmedic user`,
        ),
      );
    }
  } finally {
    db.close();
  }
  return checks;
}
