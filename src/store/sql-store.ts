/**
 * The one store interface both back-ends implement: embedded SQLite (the default, one process)
 * and PostgreSQL (several replicas sharing one database). Asynchronous because PostgreSQL is a
 * network round trip; SQLite answers at once but behind the same promises, so a store module
 * written against this interface runs unchanged on either.
 *
 * SQL is written once, in the subset both dialects accept, with `?` placeholders (PostgreSQL's
 * `$1..$n` are produced by the back-end): `INSERT ... ON CONFLICT ... DO NOTHING / DO UPDATE`,
 * `RETURNING`, `CASE`, no `INSERT OR IGNORE`, no dialect functions except through {@link SqlStore.nowMs}.
 */

/** A value bound to a placeholder or read from a column. */
export type SqlValue = string | number | null;

/** One result row, columns by name. */
export type SqlRow = Record<string, SqlValue>;

/** Which back-end a store runs on. */
export type SqlDialect = 'sqlite' | 'postgres';

/** What a statement that changes rows reports. */
export interface RunResult {
  /** Rows inserted, updated or deleted. */
  readonly changes: number;
}

/** Statements on one connection (the store itself, or an open transaction). */
export interface SqlExecutor {
  /** Every row the query returns. */
  all<T extends SqlRow = SqlRow>(sql: string, params?: readonly SqlValue[]): Promise<T[]>;
  /** The first row, or undefined when there is none. */
  get<T extends SqlRow = SqlRow>(sql: string, params?: readonly SqlValue[]): Promise<T | undefined>;
  /** Runs a statement that returns no rows (or whose rows are not wanted). */
  run(sql: string, params?: readonly SqlValue[]): Promise<RunResult>;
}

/** A store: statements, transactions, the database clock, and closing. */
export interface SqlStore extends SqlExecutor {
  readonly dialect: SqlDialect;
  /**
   * A SQL expression for the database's current time in epoch milliseconds (an integer). Leases
   * compare against it so that replicas whose clocks disagree still agree on who holds one.
   */
  readonly nowMs: string;
  /**
   * Runs `fn` in one transaction: committed when it resolves, rolled back when it throws. On
   * SQLite, other statements of this store wait until it ends (one connection).
   */
  transaction<T>(fn: (tx: SqlExecutor) => Promise<T>): Promise<T>;
  /** The schema version applied (the last migration). */
  schemaVersion(): Promise<number>;
  /** Closes the connection(s); the store is unusable afterwards. */
  close(): Promise<void>;
}
