import Database from 'better-sqlite3';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkStore } from '../../../src/doctor/store.js';
import { openDatabase } from '../../../src/store/database.js';
import { migrations } from '../../../src/store/migrations.js';

const latest = migrations.at(-1)?.version ?? 0;
const dir = (): string => mkdtempSync(join(tmpdir(), 'stackmedic-doctor-store-'));

describe('doctor: store', () => {
  it('passes a store the current stackmedic wrote: opens, schema current, writable', () => {
    const path = join(dir(), 'db.sqlite');
    openDatabase(path).close();
    const checks = checkStore(path);
    expect(checks.map((c) => [c.name, c.status])).toEqual([
      ['store opens', 'pass'],
      ['store migrations', 'pass'],
      ['store writable', 'pass'],
    ]);
    expect(checks[1]?.detail).toBe(`schema ${latest}, current`);
  });

  it('says a missing store will be created, and does not create it', () => {
    const path = join(dir(), 'sub', 'db.sqlite');
    const checks = checkStore(path);
    expect(checks).toHaveLength(1);
    expect(checks[0]?.status).toBe('pass');
    expect(checks[0]?.detail).toMatch(/does not exist yet; the first start creates it/);
    expect(existsSync(path)).toBe(false);
  });

  it('warns about an older schema without migrating it, and fails a newer one', () => {
    const path = join(dir(), 'old.sqlite');
    const db = new Database(path);
    db.exec(migrations[0]?.sql ?? '');
    db.pragma('user_version = 1');
    db.close();
    const old = checkStore(path).find((c) => c.name === 'store migrations');
    expect(old?.status).toBe('warn');
    expect(old?.detail).toMatch(new RegExp(`^schema 1; this stackmedic writes ${latest}: the next start applies `));
    const after = new Database(path);
    expect(after.pragma('user_version', { simple: true })).toBe(1);
    after.pragma(`user_version = ${latest + 1}`);
    after.close();
    expect(checkStore(path).find((c) => c.name === 'store migrations')).toMatchObject({
      status: 'fail',
      detail: `schema ${latest + 1} was written by a newer stackmedic (this one knows ${latest})`,
    });
  });

  it('fails a file that is not a SQLite database', () => {
    const path = join(dir(), 'notes.txt');
    writeFileSync(path, 'this is not a database, just some words that are long enough to look like a header\n'.repeat(20));
    const checks = checkStore(path);
    expect(checks).toHaveLength(1);
    expect(checks[0]).toMatchObject({ name: 'store opens', status: 'fail' });
    expect(checks[0]?.detail).toMatch(/not a readable SQLite database: file is not a database/);
  });
});
