import { spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startSimCluster, type SimCluster } from '../../../src/sim/index.js';
import { FakeSlackApi, textOf } from './fake-slack-api.js';
import { MAIN, startServe, type ServeProcess } from './serve-process.js';

/**
 * Issue 17 §5: when both chat.postMessage and the response_url fail, the answer is kept in the
 * store (the outbox), retried with backoff until delivered, kept across a restart, and shown in
 * `/cluster audit`. A real `serve` child process against a fake Slack that refuses, then heals.
 */

let sim: SimCluster | undefined;
let slack: FakeSlackApi | undefined;
const running: ServeProcess[] = [];

afterEach(async () => {
  for (const p of running.splice(0)) if (p.proc.exitCode === null && p.proc.signalCode === null) p.proc.kill('SIGKILL');
  await slack?.close();
  await sim?.stop();
});

/** `/cluster audit` from the terminal, on the same store (SQLite allows a second process). */
function auditText(dbPath: string, inventory: string): string {
  const r = spawnSync(process.execPath, [MAIN, 'run', '/cluster audit', '--inventory', inventory], {
    env: { PATH: process.env.PATH, HOME: process.env.HOME, STACKMEDIC_DB: dbPath },
    encoding: 'utf8',
    timeout: 30_000,
  });
  return `${r.stdout}${r.stderr}`;
}

/** Slack refuses posts for good (not a retried error) and the response_url answers 500. */
function slackDown(fake: FakeSlackApi): void {
  fake.behaviour.set('chat.postMessage', { kind: 'status', status: 200, body: { ok: false, error: 'channel_not_found' } });
  fake.behaviour.set('chat.update', { kind: 'status', status: 200, body: { ok: false, error: 'channel_not_found' } });
  fake.behaviour.set('response', { kind: 'status', status: 500, body: 'boom' });
}

function slackUp(fake: FakeSlackApi): void {
  fake.behaviour.clear();
}

async function serveAt(dir: string): Promise<ServeProcess> {
  if (!sim || !slack) throw new Error('set up first');
  const p = await startServe({ slack, args: ['--inventory', sim.inventoryPath], dir });
  running.push(p);
  await p.waitForOutput(/serving Slack/);
  return p;
}

describe('the outbox', () => {
  it('keeps an answer neither Slack way took, shows it in /cluster audit, and delivers it once Slack is back', async () => {
    sim = await startSimCluster({ scenario: 'healthy' });
    slack = await FakeSlackApi.start();
    const dir = mkdtempSync(join(tmpdir(), 'stackmedic-outbox-'));
    const p = await serveAt(dir);
    slackDown(slack);
    await p.slash('/cluster', 'ping');
    await p.waitForOutput(/kept as outbox #1/);
    expect(slack.of('response:').length).toBeGreaterThan(0);

    const listing = auditText(p.dbPath, sim.inventoryPath);
    expect(listing).toMatch(/1 answer\(s\) not delivered yet/);
    expect(listing).toMatch(
      /outbox #1 \[pending\] "All 6 nodes answer\." for audit #\d+ to COPS, kept .*, 1 try, next try .*; last error: .*channel_not_found/,
    );

    slackUp(slack);
    const late = await slack.waitFor('chat.postMessage', (c) => /All 6 nodes answer/.test(textOf(c)) && /delivered late/.test(textOf(c)), 30_000);
    expect(late.body.channel).toBe('COPS');
    await p.waitForOutput(/delivered the kept answer "All 6 nodes answer\." to COPS \(outbox #1, try 2\)/);
    expect(auditText(p.dbPath, sim.inventoryPath)).not.toMatch(/outbox #1/);

    p.proc.kill('SIGTERM');
    expect((await p.exited).code).toBe(0);
  }, 90_000);

  it('keeps what is undelivered across a restart and delivers it after the next start', async () => {
    sim = await startSimCluster({ scenario: 'healthy' });
    slack = await FakeSlackApi.start();
    const dir = mkdtempSync(join(tmpdir(), 'stackmedic-outbox-'));
    const p = await serveAt(dir);
    slackDown(slack);
    await p.slash('/cluster', 'ping');
    await p.waitForOutput(/kept as outbox #1/);
    p.proc.kill('SIGTERM');
    expect((await p.exited).code).toBe(0);
    expect(auditText(p.dbPath, sim.inventoryPath)).toMatch(/outbox #1 \[pending\]/);

    slackUp(slack);
    const again = await serveAt(dir);
    // Due 5 s after it was kept: the next start's first pass (or the one after) sends it.
    await slack.waitFor('chat.postMessage', (c) => /All 6 nodes answer/.test(textOf(c)) && /delivered late/.test(textOf(c)), 30_000);
    await again.waitForOutput(/delivered the kept answer/);
    again.proc.kill('SIGTERM');
    expect((await again.exited).code).toBe(0);
  }, 90_000);
});
