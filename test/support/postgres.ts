/**
 * A throwaway real PostgreSQL server for integration tests: `initdb` into a temp dir and
 * `pg_ctl start` on a free loopback port, run as the `postgres` system user the Debian package
 * creates (the server refuses to run as root). Each call gets its own cluster, so test files
 * running at the same time never share a database.
 *
 * ```ts
 * const pg = await startPostgres();
 * const store = await PostgresStore.open({ url: pg.url });
 * await pg.restart(); // drop every connection, keep the data
 * await pg.stop();    // stop and remove the data directory
 * ```
 */
import { execFile } from 'node:child_process';
import { chownSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { PostgresStore } from '../../src/store/postgres-store.js';
import { serverPort } from './real/net.js';

const run = promisify(execFile);

/** Where Debian's postgresql-15 puts the server binaries (not on PATH). */
export const POSTGRES_BIN = '/usr/lib/postgresql/15/bin';

/** Who runs the server: the `postgres` system user when we are root, ourselves otherwise. */
function postgresUser(): { uid: number; gid: number } {
  const me = userInfo();
  if (me.uid !== 0) return { uid: me.uid, gid: me.gid };
  const line = readFileSync('/etc/passwd', 'utf8')
    .split('\n')
    .find((l) => l.startsWith('postgres:'));
  if (!line) throw new Error('no "postgres" user: install the Debian postgresql package');
  const [, , uid, gid] = line.split(':');
  return { uid: Number(uid), gid: Number(gid) };
}

/** A running throwaway server. */
export interface PostgresServer {
  /** `postgres://stackmedic@127.0.0.1:PORT/stackmedic` (trust authentication on loopback). */
  readonly url: string;
  readonly port: number;
  /** The data directory. */
  readonly dataDir: string;
  /** Stops the server (fast shutdown: every connection dropped), keeping the data. */
  halt(): Promise<void>;
  /** Starts it again on the same port after {@link PostgresServer.halt}. */
  resume(): Promise<void>;
  /** Stops and starts: every client connection is dropped. */
  restart(): Promise<void>;
  /** Stops the server and removes its directory. */
  stop(): Promise<void>;
}

/** Initialises and starts a server with database and superuser `stackmedic`. */
export async function startPostgres(): Promise<PostgresServer> {
  const dir = mkdtempSync(join(tmpdir(), 'stackmedic-pg-'));
  const owner = postgresUser();
  chownSync(dir, owner.uid, owner.gid);
  const dataDir = join(dir, 'data');
  const port = await serverPort();
  const as = { uid: owner.uid, gid: owner.gid, env: { PATH: process.env.PATH ?? '/usr/bin:/bin', LANG: 'C.UTF-8' } };
  await run(join(POSTGRES_BIN, 'initdb'), ['-D', dataDir, '-U', 'stackmedic', '--auth=trust', '-E', 'UTF8', '--no-sync', '--no-instructions'], as);
  const options = `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off`;
  const start = (): Promise<unknown> =>
    run(join(POSTGRES_BIN, 'pg_ctl'), ['start', '-D', dataDir, '-w', '-t', '60', '-l', join(dir, 'server.log'), '-o', options], as);
  const halt = async (): Promise<void> => {
    await run(join(POSTGRES_BIN, 'pg_ctl'), ['stop', '-D', dataDir, '-m', 'fast', '-w', '-t', '60'], as);
  };
  await start();
  await run(join(POSTGRES_BIN, 'createdb'), ['-h', '127.0.0.1', '-p', String(port), '-U', 'stackmedic', 'stackmedic'], as);
  let running = true;
  return {
    url: `postgres://stackmedic@127.0.0.1:${port}/stackmedic`,
    port,
    dataDir,
    halt: async () => {
      await halt();
      running = false;
    },
    resume: async () => {
      await start();
      running = true;
    },
    restart: async () => {
      await halt();
      await start();
    },
    stop: async () => {
      if (running) await halt().catch(() => undefined);
      running = false;
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/**
 * A new empty database on `server` (its own name, so test cases never share rows) and its URL;
 * the store applies the migrations when it opens it.
 */
export async function freshDatabaseUrl(server: PostgresServer, prefix: string): Promise<string> {
  const admin = await PostgresStore.open({ url: server.url });
  const name = `${prefix}_${Math.random().toString(36).slice(2, 10)}`;
  try {
    await admin.run(`CREATE DATABASE ${name}`);
  } finally {
    await admin.close();
  }
  return server.url.replace(/\/stackmedic$/, `/${name}`);
}
