import type { Db } from './database.js';
import type { RunResult, SqlExecutor, SqlRow, SqlStore, SqlValue } from './sql-store.js';

/**
 * The store interface over the embedded SQLite database. It wraps the same handle the
 * synchronous stores use, so modules can move to the interface one at a time on one file.
 */
export class SqliteStore implements SqlStore {
  readonly dialect = 'sqlite' as const;
  // julianday('now') carries milliseconds; the Unix epoch is Julian day 2440587.5.
  readonly nowMs = "CAST(ROUND((julianday('now') - 2440587.5) * 86400000) AS INTEGER)";
  /** The transaction in progress: one connection, so everything else waits for its end. */
  private open: Promise<void> | undefined;
  private readonly direct: SqlExecutor;

  constructor(readonly db: Db) {
    this.direct = {
      all: <T extends SqlRow>(sql: string, params: readonly SqlValue[] = []) => Promise.resolve(this.db.prepare(sql).all(...params) as T[]),
      get: <T extends SqlRow>(sql: string, params: readonly SqlValue[] = []) => Promise.resolve(this.db.prepare(sql).get(...params) as T | undefined),
      run: (sql: string, params: readonly SqlValue[] = []) => Promise.resolve({ changes: this.db.prepare(sql).run(...params).changes }),
    };
  }

  /** Every row of the query, once no transaction is open. */
  async all<T extends SqlRow = SqlRow>(sql: string, params: readonly SqlValue[] = []): Promise<T[]> {
    while (this.open) await this.open;
    return this.direct.all<T>(sql, params);
  }

  /** The first row of the query, once no transaction is open. */
  async get<T extends SqlRow = SqlRow>(sql: string, params: readonly SqlValue[] = []): Promise<T | undefined> {
    while (this.open) await this.open;
    return this.direct.get<T>(sql, params);
  }

  /** Runs a statement, once no transaction is open. */
  async run(sql: string, params: readonly SqlValue[] = []): Promise<RunResult> {
    while (this.open) await this.open;
    return this.direct.run(sql, params);
  }

  /** BEGIN IMMEDIATE (the write lock up front, as PostgreSQL's row locks would) .. COMMIT. */
  async transaction<T>(fn: (tx: SqlExecutor) => Promise<T>): Promise<T> {
    // Checked and taken in one synchronous stretch: several waiters wake together, and an awaited
    // helper between the check and the take would let two of them begin.
    while (this.open) await this.open;
    let release = (): void => {};
    this.open = new Promise<void>((resolve) => (release = resolve));
    try {
      this.db.exec('BEGIN IMMEDIATE');
      try {
        const result = await fn(this.direct);
        this.db.exec('COMMIT');
        return result;
      } catch (error) {
        if (this.db.inTransaction) this.db.exec('ROLLBACK');
        throw error;
      }
    } finally {
      this.open = undefined;
      release();
    }
  }

  /** SQLite keeps the version in `user_version`. */
  schemaVersion(): Promise<number> {
    return Promise.resolve(Number(this.db.pragma('user_version', { simple: true })));
  }

  /** Closes the file. */
  close(): Promise<void> {
    this.db.close();
    return Promise.resolve();
  }
}
