/** The simulator's own temp dirs: made with an owner file, and cleaned once their owner is gone. */
import { lstat, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Name prefix of the simulator's temp dirs. */
export const SIM_DIR_PREFIX = 'stackmedic-sim-';
/** The file in each dir naming the process that made it. */
export const OWNER_FILE = 'owner.json';
/** A dir with no owner file (made by an older stackmedic) is stale after this long. */
const OWNERLESS_STALE_MS = 24 * 3_600_000;

/** Whether process `pid` exists (EPERM: it does, as another user). */
export function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Options of `cleanStaleSimDirs`. */
export interface CleanOptions {
  readonly dir?: string;
  readonly alive?: (pid: number) => boolean;
  readonly now?: number;
}

/**
 * Removes simulator dirs left by runs that were killed (their owner process is gone). Only this
 * user's real directories are touched, never a symlink; a dir being made right now has an owner
 * that is alive. Returns the removed paths. Never throws.
 */
export async function cleanStaleSimDirs(options: CleanOptions = {}): Promise<string[]> {
  const base = options.dir ?? tmpdir();
  const alive = options.alive ?? processAlive;
  const now = options.now ?? Date.now();
  let names: string[];
  try {
    names = (await readdir(base)).filter((n) => n.startsWith(SIM_DIR_PREFIX));
  } catch {
    return [];
  }
  const removed: string[] = [];
  for (const name of names) {
    const path = join(base, name);
    try {
      const st = await lstat(path);
      if (!st.isDirectory() || (typeof process.getuid === 'function' && st.uid !== process.getuid())) continue;
      let stale: boolean;
      try {
        const owner = JSON.parse(await readFile(join(path, OWNER_FILE), 'utf8')) as { pid?: unknown };
        stale = typeof owner.pid === 'number' && Number.isInteger(owner.pid) && owner.pid > 0 && !alive(owner.pid);
      } catch {
        stale = now - st.mtimeMs > OWNERLESS_STALE_MS;
      }
      if (!stale) continue;
      await rm(path, { recursive: true, force: true });
      removed.push(path);
    } catch {
      // Another process may be cleaning the same dir; whatever is left, the next start sees.
    }
  }
  return removed;
}

/** Makes a new simulator temp dir owned by this process, after cleaning stale ones. */
export async function makeSimDir(): Promise<string> {
  await cleanStaleSimDirs();
  const dir = await mkdtemp(join(tmpdir(), SIM_DIR_PREFIX));
  await writeFile(join(dir, OWNER_FILE), `${JSON.stringify({ pid: process.pid, startedAt: new Date().toISOString() })}\n`);
  return dir;
}
