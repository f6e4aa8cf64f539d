import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { OWNER_FILE, SIM_DIR_PREFIX } from '../../../src/sim/temp-dirs.js';
import { FakeSlackApi } from './fake-slack-api.js';
import { MAIN, startServe } from './serve-process.js';

/** Issue 17 §5: auth.test failing at start-up, and simulator dirs left by killed runs. */

let slack: FakeSlackApi | undefined;
afterEach(async () => {
  await slack?.close();
  slack = undefined;
});

/** Simulator dirs whose owner file names `pid`. */
function simDirsOf(pid: number): string[] {
  return readdirSync(tmpdir())
    .filter((n) => n.startsWith(SIM_DIR_PREFIX))
    .map((n) => join(tmpdir(), n))
    .filter((d) => {
      try {
        return (JSON.parse(readFileSync(join(d, OWNER_FILE), 'utf8')) as { pid?: number }).pid === pid;
      } catch {
        return false;
      }
    });
}

describe('start-up', () => {
  it('auth.test answering 500: retried with backoff for a bounded time, then one clear line and exit 2', async () => {
    slack = await FakeSlackApi.start();
    slack.behaviour.set('auth.test', { kind: 'status', status: 500, body: 'Internal Server Error' });
    const started = Date.now();
    const p = await startServe({ slack, args: ['--sim', 'healthy'] });
    const exit = await p.exited;
    const took = exit.at - started;
    expect(exit.code, p.output()).toBe(2);
    const lines = p.output().trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(
      /^stackmedic: Slack did not answer the start-up check \(auth\.test at http:\/\/127\.0\.0\.1:\d+\/api\/: HTTP 500 Internal Server Error\) in \d+ tries over \d+ s; not serving\. Check Slack's status and SLACK_API_URL, then start stackmedic again\.$/,
    );
    const tries = slack.of('auth.test');
    expect(tries.length).toBeGreaterThanOrEqual(4);
    // Backoff: each wait longer than the one before.
    const gaps = tries.slice(1).map((t, i) => t.at - (tries[i]?.at ?? 0));
    for (let i = 1; i < gaps.length; i++) expect(gaps[i]).toBeGreaterThan(gaps[i - 1] ?? 0);
    expect(took).toBeGreaterThan(10_000);
    // The bound is the product's retry window (20 s), seen where it is spent: from the first try
    // to the last, as the fake Slack received them. The process's own start (a loaded machine
    // takes seconds to load it and start the simulator) is no part of it.
    const window = (tries.at(-1)?.at ?? 0) - (tries[0]?.at ?? 0);
    expect(window).toBeLessThan(20_000 + 3_000);
    expect(exit.at - (tries.at(-1)?.at ?? 0)).toBeLessThan(10_000);
  }, 90_000);

  it('a token Slack refuses (invalid_auth) fails at once: one line naming SLACK_BOT_TOKEN, exit 2', async () => {
    slack = await FakeSlackApi.start();
    slack.behaviour.set('auth.test', { kind: 'status', status: 200, body: { ok: false, error: 'invalid_auth' } });
    const p = await startServe({ slack, args: ['--sim', 'healthy'] });
    const exit = await p.exited;
    expect(exit.code).toBe(2);
    // At once: no retry, and the exit follows the refused answer (not the process's start-up).
    expect(exit.at - (slack.of('auth.test')[0]?.at ?? 0)).toBeLessThan(10_000);
    expect(p.output()).toBe(
      'stackmedic: configuration error: environment: SLACK_BOT_TOKEN: a bot token Slack accepts (auth.test answered invalid_auth); create or reinstall the app (docs/slack.md)\n',
    );
    expect(slack.of('auth.test')).toHaveLength(1);
  }, 90_000);

  it('a killed --sim run leaves its temp dir behind; the next start removes it', async () => {
    const proc = spawn(process.execPath, [MAIN, 'console', '--sim', 'healthy'], {
      env: { PATH: process.env.PATH, HOME: process.env.HOME },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let out = '';
    proc.stdout.on('data', (d: Buffer) => (out += d.toString()));
    // Generous: this start took 16 s on a loaded 2-core machine.
    const deadline = Date.now() + 45_000;
    while (!out.includes('SIMULATED cluster') && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    expect(out).toContain('SIMULATED cluster');
    const pid = proc.pid ?? -1;
    const left = simDirsOf(pid);
    expect(left).toHaveLength(1);
    proc.kill('SIGKILL');
    await new Promise((resolve) => proc.once('exit', resolve));
    expect(existsSync(left[0] ?? '')).toBe(true);

    const r = spawnSync(process.execPath, [MAIN, 'run', '/cluster ping', '--sim', 'healthy'], {
      env: { PATH: process.env.PATH, HOME: process.env.HOME },
      encoding: 'utf8',
      timeout: 60_000,
    });
    expect(r.status).toBe(0);
    expect(existsSync(left[0] ?? '')).toBe(false);
  }, 150_000);
});
