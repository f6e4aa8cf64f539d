import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { guardedRemoveScript, REMOVAL_REFUSED, refusalReason, type PlannedRemoval } from '../../../src/runbooks/guarded-remove.js';
import { simulate } from '../sim/helpers.js';

/** Runs a script with the host's real sh, realpath, stat, grep, fuser and rm. */
function realSh(script: string): { code: number | null; stderr: string } {
  const r = spawnSync('sh', ['-c', script], { encoding: 'utf8' });
  return { code: r.status, stderr: r.stderr };
}

function planOf(dir: string, path: string, statOf = path): PlannedRemoval {
  const st = statSync(statOf);
  return { dir, path, device: String(st.dev), inode: String(st.ino) };
}

describe('guarded removal on the real shell tools', () => {
  let root: string;
  let dir: string;
  let victim: string;

  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), 'stackmedic-guard-'));
    dir = join(root, 'cinder', 'conversion');
    mkdirSync(dir, { recursive: true });
    mkdirSync(join(root, 'mysql'));
    victim = join(root, 'mysql', 'ibdata1');
    writeFileSync(victim, 'galera data');
  });
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  it('removes the planned file when it is still the same regular file, inside the dir, not held open', () => {
    const file = join(dir, 'tmpc99a47d5');
    writeFileSync(file, 'x');
    const r = realSh(guardedRemoveScript(planOf(dir, file)).text);
    expect(r).toEqual({ code: 0, stderr: '' });
    expect(existsSync(file)).toBe(false);
  });

  it('refuses a name that climbs out of the dir with `..`, and Galera keeps its data file', () => {
    const crafted = `${dir}/../../mysql/ibdata1`;
    const r = realSh(guardedRemoveScript(planOf(dir, crafted, victim)).text);
    expect(r.code).toBe(REMOVAL_REFUSED.resolvesElsewhere);
    expect(r.stderr).toContain('resolves to another place');
    expect(readFileSync(victim, 'utf8')).toBe('galera data');
  });

  it('refuses a leftover swapped for a symlink to a file outside the dir since the plan', () => {
    const file = join(dir, 'tmp1');
    writeFileSync(file, 'x');
    const plan = planOf(dir, file);
    rmSync(file);
    symlinkSync(victim, file);
    const r = realSh(guardedRemoveScript(plan).text);
    expect(r.code).toBe(REMOVAL_REFUSED.resolvesElsewhere);
    expect(readFileSync(victim, 'utf8')).toBe('galera data');
    expect(existsSync(file)).toBe(true);
  });

  it('refuses a file reached through a symlinked directory inside the dir', () => {
    symlinkSync(join(root, 'mysql'), join(dir, 'sub'));
    const r = realSh(guardedRemoveScript(planOf(dir, join(dir, 'sub', 'ibdata1'), victim)).text);
    expect(r.code).toBe(REMOVAL_REFUSED.resolvesElsewhere);
    expect(readFileSync(victim, 'utf8')).toBe('galera data');
  });

  it('refuses a file replaced by another one (new inode) since the plan', () => {
    const file = join(dir, 'tmp2');
    writeFileSync(file, 'x');
    const plan = planOf(dir, file);
    // Hold the old inode so the new file cannot reuse its number.
    writeFileSync(join(dir, 'tmp2.new'), 'y');
    spawnSync('mv', [join(dir, 'tmp2.new'), file]);
    const r = realSh(guardedRemoveScript(plan).text);
    expect(r.code).toBe(REMOVAL_REFUSED.notPlannedFile);
    expect(r.stderr).toContain('not the regular file planned');
    expect(existsSync(file)).toBe(true);
  });

  it('refuses a directory where a file was planned', () => {
    const file = join(dir, 'tmp3');
    mkdirSync(file);
    const r = realSh(guardedRemoveScript(planOf(dir, file)).text);
    expect(r.code).toBe(REMOVAL_REFUSED.notPlannedFile);
    expect(existsSync(file)).toBe(true);
  });

  it('refuses a file on another filesystem mounted inside the dir (private mount namespace, tmpfs)', async () => {
    const mnt = join(dir, 'mnt');
    mkdirSync(mnt);
    const file = join(mnt, 'tmp4');
    // One shell in a private mount namespace: it mounts a tmpfs inside the dir, makes the file,
    // prints its device and inode as find would list them, then runs the guarded script from stdin.
    const ns = spawn(
      'unshare',
      ['-m', 'sh', '-c', `mount -t tmpfs stackmedic-test "$1" && echo x > "$2" && stat -c '%d %i' "$2" && exec sh`, 'ns', mnt, file],
      {
        stdio: ['pipe', 'pipe', 'pipe'],
      },
    );
    let stderr = '';
    ns.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const first = await new Promise<string>((resolve) => ns.stdout.once('data', (d: Buffer) => resolve(d.toString())));
    const [device = '', inode = ''] = first.trim().split(' ');
    ns.stdin.end(`${guardedRemoveScript({ dir, path: file, device, inode }).text}\n`);
    const code = await new Promise<number | null>((resolve) => ns.once('close', resolve));
    expect(code, stderr).toBe(REMOVAL_REFUSED.otherFilesystem);
    expect(stderr).toContain(`not on the filesystem of ${dir}`);
  });

  it('refuses a file a process opened since the plan', async () => {
    const file = join(dir, 'tmp5');
    writeFileSync(file, 'x');
    const holder = spawn('sh', ['-c', `exec 3<"$1"; echo ready; sleep 30`, 'holder', file], { stdio: ['ignore', 'pipe', 'ignore'] });
    await new Promise<void>((resolve) => holder.stdout.once('data', () => resolve()));
    try {
      const r = realSh(guardedRemoveScript(planOf(dir, file)).text);
      expect(r.code).toBe(REMOVAL_REFUSED.heldOpen);
      expect(existsSync(file)).toBe(true);
    } finally {
      holder.kill('SIGKILL');
    }
  });

  it('will not even build a removal outside its dir or of a name with a line break', () => {
    expect(() => guardedRemoveScript({ dir, path: victim, device: '1', inode: '1' })).toThrow(/outside/);
    expect(() => guardedRemoveScript({ dir, path: `${dir}/a\n${victim}`, device: '1', inode: '1' })).toThrow(/outside/);
  });

  it('names each refusal by its exit code', () => {
    expect(refusalReason(REMOVAL_REFUSED.otherFilesystem)).toMatch(/filesystem/);
    expect(refusalReason(0)).toBeUndefined();
  });
});

describe('guarded removal on the simulator answers like the real tools', () => {
  it('refuses `..` names and replaced files, then removes the planned leftover', async () => {
    const { state, sh } = simulate('seed-incident');
    const node = state.nodes.get('node-10');
    const listing = await sh(
      'node-10',
      "find /var/lib/cinder/conversion -xdev -type f -size +100M -printf '%s\\t%T@\\t%D\\t%i\\t%p\\0' | sort -z -rn | head -z -n 20",
    );
    const [, , device = '', inode = '', path = ''] = listing.stdout.split('\0')[0]?.split('\t') ?? [];
    expect(path).toMatch(/^\/var\/lib\/cinder\/conversion\/./);
    const dir = '/var/lib/cinder/conversion';

    const climbing = await sh('node-10', guardedRemoveScript({ dir, path: `${dir}/../../mysql/ibdata1`, device, inode }).text);
    expect(climbing.code).toBe(REMOVAL_REFUSED.resolvesElsewhere);

    const wrongInode = await sh('node-10', guardedRemoveScript({ dir, path, device, inode: String(Number(inode) + 1) }).text);
    expect(wrongInode.code).toBe(REMOVAL_REFUSED.notPlannedFile);
    expect(node?.fs.exists(path)).toBe(true);

    // In the seed cinder-volume has let go of the leftover: it goes.
    const removed = await sh('node-10', guardedRemoveScript({ dir, path, device, inode }).text);
    expect(removed.code, removed.stderr).toBe(0);
    expect(node?.fs.exists(path)).toBe(false);
  });
});
