import { execFile } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const run = promisify(execFile);
const MAIN = join(import.meta.dirname, '../../dist/src/main.js');
const env = { PATH: process.env.PATH, HOME: process.env.HOME, STACKMEDIC_DB: join(mkdtempSync(join(tmpdir(), 'stackmedic-usage-')), 'db.sqlite') };

async function stackmedic(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const r = await run(process.execPath, [MAIN, ...args], { env, timeout: 60_000 });
    return { code: 0, stdout: r.stdout, stderr: r.stderr };
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

describe('every subcommand answers --help with its own usage', () => {
  it.each([
    [['run'], 'stackmedic run "<command>"', '--yes'],
    [['console'], 'stackmedic console ', 'history'],
    [['diagnose'], 'stackmedic diagnose --logs DIR', '--timezone ZONE'],
    [['sim', 'serve'], 'stackmedic sim serve ', '--base-port PORT'],
    [['serve'], 'stackmedic serve ', 'SLACK_APP_TOKEN'],
    [['doctor'], 'stackmedic doctor ', 'known_hosts'],
  ])('%j', async (sub, synopsis, detail) => {
    for (const flag of ['--help', '-h']) {
      const r = await stackmedic([...sub, flag]);
      expect(r.code).toBe(0);
      expect(r.stderr).toBe('');
      expect(r.stdout.startsWith(`Usage: ${synopsis}`)).toBe(true);
      expect(r.stdout).toContain(detail);
      expect(r.stdout).not.toMatch(/\{scenarios\}/);
    }
  });

  it('names the scenarios where a subcommand takes one, and `stackmedic help doctor` is doctor --help', async () => {
    const r = await stackmedic(['sim', 'serve', '--help']);
    expect(r.stdout).toMatch(/--scenario NAME +healthy, seed-incident, /);
    const viaHelp = await stackmedic(['help', 'doctor']);
    expect(viaHelp.stdout).toBe((await stackmedic(['doctor', '--help'])).stdout);
  });

  it('lists every subcommand in the global help', async () => {
    const r = await stackmedic(['--help']);
    expect(r.code).toBe(0);
    for (const sub of ['run', 'console', 'diagnose', 'sim serve', 'serve', 'doctor']) expect(r.stdout).toMatch(new RegExp(`^ {2}stackmedic ${sub} `, 'm'));
  });

  it('shows the subcommand usage after an unknown option, exit 2', async () => {
    const r = await stackmedic(['diagnose', '--bogus']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^stackmedic: Unknown option '--bogus'.*\n\nUsage: stackmedic diagnose --logs DIR/);
  });
});

describe('stackmedic run: usage errors exit 2, failures 1', () => {
  it.each([
    ['hostile text', ['/cluster ping; id'], /^unexpected ";" in the command: commands take plain words only/],
    ['an unknown command', ['/clutser status'], /^unknown command \/clutser \(did you mean \/cluster\?\)/],
    ['an unknown subcommand', ['/cluster pnig'], /^unknown subcommand "pnig" for \/cluster \(did you mean ping\?\)/],
    ['an unknown node', ['/cluster node node-99'], /^unknown node "node-99"/],
    ['a bad option of the command', ['/cluster ping --bogus'], /^unknown option --bogus/],
    ['a node of the wrong role', ['/compute fix-libvirt node-10'], /^node-10 is a controller node; \/compute fix-libvirt needs a compute node/],
  ])('%s', async (_what, args, message) => {
    const r = await stackmedic(['run', ...args, '--sim', 'healthy']);
    expect(r.code).toBe(2);
    expect(r.stdout).toMatch(message);
  });

  it("exits 2 for a bad option of run itself and for two commands, with run's usage", async () => {
    const bad = await stackmedic(['run', '/cluster ping', '--sim', 'healthy', '--bogus']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/Unknown option '--bogus'[\s\S]*Usage: stackmedic run "<command>"/);
    const two = await stackmedic(['run', '/cluster ping', '/cluster status', '--sim', 'healthy']);
    expect(two.code).toBe(2);
    expect(two.stderr).toMatch(/^stackmedic: stackmedic run takes one command in quotes/);
  });

  it('keeps exit 0 for help and a healthy answer, and 1 when the command finds problems', async () => {
    expect((await stackmedic(['run', '/cluster help', '--sim', 'healthy'])).code).toBe(0);
    expect((await stackmedic(['run', '/cluster ping', '--sim', 'healthy'])).code).toBe(0);
    const found = await stackmedic(['run', '/cluster status', '--sim', 'seed-incident', '--json']);
    expect(found.code).toBe(1);
    expect((JSON.parse(found.stdout) as { ok: boolean }).ok).toBe(false);
  });

  it('answers a usage error as JSON with --json', async () => {
    const r = await stackmedic(['run', '/cluster pnig', '--sim', 'healthy', '--json']);
    expect(r.code).toBe(2);
    const json = JSON.parse(r.stdout) as { ok: boolean; title: string };
    expect(json).toMatchObject({ ok: false, title: 'unknown subcommand "pnig" for /cluster (did you mean ping?)' });
  });
});
