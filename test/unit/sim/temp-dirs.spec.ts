import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { cleanStaleSimDirs, makeSimDir, OWNER_FILE, SIM_DIR_PREFIX } from '../../../src/sim/temp-dirs.js';

/** The pid of a process that has exited (and so owns nothing any more). */
function deadPid(): number {
  const r = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' });
  return Number(r.stdout);
}

const made: string[] = [];
afterEach(() => {
  for (const d of made.splice(0)) rmSync(d, { recursive: true, force: true });
});

function base(): string {
  const d = mkdtempSync(join(tmpdir(), 'stackmedic-tempdirs-test-'));
  made.push(d);
  return d;
}

function simDir(at: string, name: string, owner?: unknown): string {
  const d = join(at, `${SIM_DIR_PREFIX}${name}`);
  mkdirSync(d);
  writeFileSync(join(d, 'inventory.yml'), 'nodes: []\n');
  if (owner !== undefined) writeFileSync(join(d, OWNER_FILE), JSON.stringify(owner));
  return d;
}

describe('simulator temp dirs', () => {
  it('removes the dirs of killed runs and keeps those of live ones', async () => {
    const at = base();
    const dead = simDir(at, 'dead', { pid: deadPid() });
    const live = simDir(at, 'live', { pid: process.pid });
    const fresh = simDir(at, 'ownerless-fresh');
    const old = simDir(at, 'ownerless-old');
    const day = (Date.now() - 25 * 3_600_000) / 1000;
    utimesSync(old, day, day);
    const other = join(at, 'not-a-sim-dir');
    mkdirSync(other);
    const removed = await cleanStaleSimDirs({ dir: at });
    expect(removed.sort()).toEqual([dead, old].sort());
    expect([dead, live, fresh, old, other].map(existsSync)).toEqual([false, true, true, false, true]);
  });

  it('never follows a symlink named like a simulator dir', async () => {
    const at = base();
    const victim = join(at, 'victim');
    mkdirSync(victim);
    writeFileSync(join(victim, OWNER_FILE), JSON.stringify({ pid: deadPid() }));
    symlinkSync(victim, join(at, `${SIM_DIR_PREFIX}link`));
    expect(await cleanStaleSimDirs({ dir: at })).toEqual([]);
    expect(existsSync(join(victim, OWNER_FILE))).toBe(true);
  });

  it('makes a dir that names this process as its owner', async () => {
    const dir = await makeSimDir();
    made.push(dir);
    expect(dir.startsWith(join(tmpdir(), SIM_DIR_PREFIX))).toBe(true);
    expect(JSON.parse(readFileSync(join(dir, OWNER_FILE), 'utf8'))).toMatchObject({ pid: process.pid });
  });
});
