import pg from 'pg';
import { migrationToPostgres, placeholdersToPostgres } from './dialect.js';
import { migrations as allMigrations } from './migrations.js';
import type { RunResult, SqlExecutor, SqlRow, SqlStore, SqlValue } from './sql-store.js';

/** One migration as `migrations.ts` writes it. */
type Migration = (typeof allMigrations)[number];

// Any constant will do, as long as every replica uses the same: it only serialises migrations.
const MIGRATION_LOCK = 0x5354_4d45_4449_43n.toString();

// BIGINT (our ids, counts, epoch ms) as a number: the values stay far below 2^53.
const INT8_OID = 20;
const types = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
    oid === INT8_OID ? (value: string) => Number(value) : pg.types.getTypeParser(oid, format ?? 'text')) as typeof pg.types.getTypeParser,
};

/** Options of a PostgreSQL store. */
export interface PostgresStoreOptions {
  /** `postgres://user:password@host:port/database` (STACKMEDIC_DB). */
  readonly url: string;
  /** Connections kept open (default 10). */
  readonly poolSize?: number;
  /** Where connection errors are said (a restarted server drops idle connections). */
  readonly log?: (line: string) => void;
  /** The migrations to apply; the project's own unless a test gives others. */
  readonly migrations?: readonly Migration[];
}

/**
 * The store interface over PostgreSQL, shared by several replicas: a connection pool, the same
 * migrations as SQLite (translated by {@link migrationToPostgres}), applied under an advisory lock
 * so that replicas starting together migrate once.
 */
export class PostgresStore implements SqlStore {
  readonly dialect = 'postgres' as const;
  readonly nowMs = '(EXTRACT(EPOCH FROM clock_timestamp()) * 1000)::BIGINT';

  private constructor(private readonly pool: pg.Pool) {}

  /** Connects, applies the pending migrations, and returns the store. */
  static async open(options: PostgresStoreOptions): Promise<PostgresStore> {
    const pool = new pg.Pool({ connectionString: options.url, max: options.poolSize ?? 10, types, connectionTimeoutMillis: 10_000 });
    // Without a listener an idle connection dropped by the server would crash the process.
    pool.on('error', (error) => (options.log ?? (() => {}))(`stackmedic: PostgreSQL connection lost: ${error.message}`));
    const store = new PostgresStore(pool);
    try {
      await store.migrate(options.migrations ?? allMigrations);
    } catch (error) {
      await pool.end();
      throw error;
    }
    return store;
  }

  /** Every row the query returns. */
  async all<T extends SqlRow = SqlRow>(sql: string, params: readonly SqlValue[] = []): Promise<T[]> {
    return (await this.pool.query<T>(placeholdersToPostgres(sql), [...params])).rows;
  }

  /** The first row, or undefined. */
  async get<T extends SqlRow = SqlRow>(sql: string, params: readonly SqlValue[] = []): Promise<T | undefined> {
    return (await this.all<T>(sql, params))[0];
  }

  /** Runs a statement; `changes` is PostgreSQL's row count. */
  async run(sql: string, params: readonly SqlValue[] = []): Promise<RunResult> {
    return { changes: (await this.pool.query(placeholdersToPostgres(sql), [...params])).rowCount ?? 0 };
  }

  /** BEGIN .. COMMIT on one pooled connection; ROLLBACK when `fn` throws. */
  async transaction<T>(fn: (tx: SqlExecutor) => Promise<T>): Promise<T> {
    const client = await this.pool.connect();
    const tx = clientExecutor(client);
    try {
      await client.query('BEGIN');
      const result = await fn(tx);
      await client.query('COMMIT');
      return result;
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw error;
    } finally {
      client.release();
    }
  }

  /** The last migration recorded in `stackmedic_schema` (0 before the first). */
  async schemaVersion(): Promise<number> {
    const row = await this.get<{ v: number | null }>(
      `SELECT CASE WHEN to_regclass('stackmedic_schema') IS NULL THEN 0 ELSE (SELECT COALESCE(MAX(version), 0) FROM stackmedic_schema) END AS v`,
    );
    return Number(row?.v ?? 0);
  }

  /** Ends the pool. */
  async close(): Promise<void> {
    await this.pool.end();
  }

  /**
   * Applies the pending migrations in one transaction under an advisory lock: a second replica
   * starting at the same moment waits, then finds them applied. PostgreSQL's DDL is transactional,
   * so a failing migration leaves the schema as it was.
   */
  private async migrate(migrations: readonly Migration[]): Promise<void> {
    const latest = migrations.at(-1)?.version ?? 0;
    await this.transaction(async (tx) => {
      await tx.run('SELECT pg_advisory_xact_lock(?::BIGINT)', [MIGRATION_LOCK]);
      await tx.run('CREATE TABLE IF NOT EXISTS stackmedic_schema (version INTEGER PRIMARY KEY, description TEXT NOT NULL, applied_at TEXT NOT NULL)');
      const row = await tx.get<{ v: number | null }>('SELECT MAX(version) AS v FROM stackmedic_schema');
      const current = Number(row?.v ?? 0);
      if (current > latest) {
        throw new Error(`the database was written by a newer stackmedic (schema ${current}, this one knows ${latest})`);
      }
      for (const m of migrations) {
        if (m.version <= current) continue;
        await tx.run(migrationToPostgres(m.sql));
        await tx.run('INSERT INTO stackmedic_schema (version, description, applied_at) VALUES (?, ?, ?)', [m.version, m.description, new Date().toISOString()]);
      }
    });
  }
}

/** Statements on one checked-out connection (inside a transaction). */
function clientExecutor(client: pg.PoolClient): SqlExecutor {
  const all = async <T extends SqlRow>(sql: string, params: readonly SqlValue[] = []): Promise<T[]> =>
    (await client.query<T>(placeholdersToPostgres(sql), [...params])).rows;
  return {
    all,
    get: async <T extends SqlRow>(sql: string, params: readonly SqlValue[] = []): Promise<T | undefined> => (await all<T>(sql, params))[0],
    run: async (sql, params = []) => ({ changes: (await client.query(placeholdersToPostgres(sql), [...params])).rowCount ?? 0 }),
  };
}
