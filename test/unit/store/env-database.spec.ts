import { describe, expect, it } from 'vitest';
import { readEnvOptions } from '../../../src/config/env.js';
import { openDatabase } from '../../../src/store/database.js';
import { isPostgresUrl } from '../../../src/store/open-store.js';

describe('STACKMEDIC_DB and STACKMEDIC_LEASE_SECONDS', () => {
  it('keeps SQLite the default and a path a SQLite file', () => {
    const fallback = readEnvOptions({});
    expect(fallback).toMatchObject({ databasePathSet: false, leaseSeconds: 30 });
    expect(fallback.databaseUrl).toBeUndefined();
    const file = readEnvOptions({ STACKMEDIC_DB: '/var/lib/stackmedic/store.sqlite' });
    expect(file.databasePath).toBe('/var/lib/stackmedic/store.sqlite');
    expect(file.databaseUrl).toBeUndefined();
  });

  it('selects PostgreSQL for a postgres:// URL, and keeps the password out of the printable path', () => {
    const env = readEnvOptions({ STACKMEDIC_DB: 'postgres://bot:s3cret@db.example:5432/stackmedic', STACKMEDIC_LEASE_SECONDS: '12' });
    expect(env.databaseUrl).toBe('postgres://bot:s3cret@db.example:5432/stackmedic');
    expect(env.databasePath).toBe('postgres://bot@db.example:5432/stackmedic');
    expect(env.leaseSeconds).toBe(12);
    expect(isPostgresUrl(env.databaseUrl ?? '')).toBe(true);
    expect(isPostgresUrl('/tmp/postgres.sqlite')).toBe(false);
  });

  it('refuses a malformed URL without repeating it, and a lease out of range', () => {
    expect(() => readEnvOptions({ STACKMEDIC_DB: 'postgres://:pw@/' })).toThrow(/STACKMEDIC_DB: a PostgreSQL URL/);
    expect(() => readEnvOptions({ STACKMEDIC_DB: 'postgres://:pw@/' })).not.toThrow(/pw/);
    expect(() => readEnvOptions({ STACKMEDIC_LEASE_SECONDS: '0' })).toThrow(/STACKMEDIC_LEASE_SECONDS: a whole number from 1 to 3600/);
  });

  it('refuses to open a PostgreSQL URL as a SQLite file (openStore opens it as PostgreSQL)', () => {
    expect(() => openDatabase('postgres://bot@db.example/stackmedic')).toThrow(
      /STACKMEDIC_DB: a SQLite file here: a postgres:\/\/ URL is opened as PostgreSQL by openStore/,
    );
  });
});
