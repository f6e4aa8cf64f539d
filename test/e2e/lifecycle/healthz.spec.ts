import { spawn } from 'node:child_process';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startSimCluster, type SimCluster } from '../../../src/sim/index.js';
import { serverPort } from '../../support/real/net.js';
import { FakeSocketSlack } from '../slack/fake-socket-slack.js';
import { FakeSlackApi } from './fake-slack-api.js';
import { MAIN, startServe, type ServeProcess } from './serve-process.js';

/**
 * Issue 10 §3: GET /healthz answers 200 with the Slack connection, the store and the scheduler's
 * last run, 503 when one is down (and while stopping). HTTP mode: on the receiver's port; Socket
 * Mode: on STACKMEDIC_HTTP_PORT.
 */

interface Health {
  status: string;
  slack: { ok: boolean; state: string };
  store: { ok: boolean; state: string };
  scheduler: { ok: boolean; state: string; lastRunAt?: string };
}

async function health(port: number): Promise<{ code: number; body: Health }> {
  const res = await fetch(`http://127.0.0.1:${port}/healthz`);
  return { code: res.status, body: (await res.json()) as Health };
}

let sim: SimCluster | undefined;
let slack: FakeSlackApi | undefined;
const running: ServeProcess[] = [];
afterEach(async () => {
  for (const p of running.splice(0)) if (p.proc.exitCode === null && p.proc.signalCode === null) p.proc.kill('SIGKILL');
  await slack?.close();
  await sim?.stop();
  slack = undefined;
  sim = undefined;
});

describe('GET /healthz', () => {
  it('HTTP mode: 200 on the receiver port with the store and Slack up, the scheduler last run once it ran; 503 while stopping', async () => {
    sim = await startSimCluster({ scenario: 'healthy', latencyMs: 150 });
    slack = await FakeSlackApi.start();
    const p = await startServe({
      slack,
      args: ['--inventory', sim.inventoryPath],
      env: { STACKMEDIC_INCIDENT_CHANNEL: 'CINC', STACKMEDIC_SCHEDULE: '*/2 * * * * *' },
    });
    running.push(p);
    await p.waitForOutput(/serving Slack/);
    const first = await health(p.port);
    expect(first.code).toBe(200);
    expect(first.body).toMatchObject({ status: 'ok', slack: { ok: true, state: 'listening' }, store: { ok: true, state: 'open' }, scheduler: { ok: true } });
    const deadline = Date.now() + 60_000;
    let ran: Health | undefined;
    while (Date.now() < deadline) {
      const h = await health(p.port);
      if (h.body.scheduler.lastRunAt) {
        ran = h.body;
        break;
      }
      await new Promise((r) => setTimeout(r, 200));
    }
    expect(ran?.scheduler).toMatchObject({ ok: true });
    expect(Date.parse(ran?.scheduler.lastRunAt ?? '')).toBeGreaterThan(Date.now() - 60_000);

    // A check held on node-10 (the status's, or the scheduler's next one) keeps the process in its
    // stop sequence while /healthz is asked; without it the process may be gone before the GET.
    const hold = sim.holdCommands('node-10', /crm_mon/);
    await p.slash('/cluster', 'status');
    await hold.arrived;
    p.proc.kill('SIGTERM');
    await p.waitForOutput(/stopping/);
    const stopping = await health(p.port);
    hold.release();
    expect(stopping).toMatchObject({ code: 503, body: { status: 'stopping' } });
    expect((await p.exited).code).toBe(0);
  }, 120_000);

  it('Socket Mode: on STACKMEDIC_HTTP_PORT, 200 while connected, 503 once the Slack connection is lost; SIGTERM still exits 0', async () => {
    sim = await startSimCluster({ scenario: 'healthy' });
    const fake = await FakeSocketSlack.start({ appToken: 'xapp-health', botToken: 'xoxb-health' });
    const port = await serverPort();
    const proc = spawn(process.execPath, [MAIN, 'serve', '--inventory', sim.inventoryPath], {
      env: {
        PATH: process.env.PATH,
        HOME: process.env.HOME,
        SLACK_BOT_TOKEN: 'xoxb-health',
        SLACK_APP_TOKEN: 'xapp-health',
        SLACK_API_URL: fake.apiUrl,
        STACKMEDIC_HTTP_PORT: String(port),
        STACKMEDIC_HTTP_HOST: '127.0.0.1',
        STACKMEDIC_DB: join(mkdtempSync(join(tmpdir(), 'stackmedic-healthz-')), 'store.sqlite'),
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    proc.stdout.on('data', (d: Buffer) => (out += d.toString()));
    proc.stderr.on('data', (d: Buffer) => (out += d.toString()));
    const exited = new Promise<number | null>((resolve) => proc.once('exit', (c) => resolve(c)));
    try {
      const until = Date.now() + 60_000;
      while (!out.includes('serving Slack') && Date.now() < until) await new Promise((r) => setTimeout(r, 50));
      expect(out).toMatch(new RegExp(`GET /healthz[^\\n]* on port ${port}\\n`));
      const up = await health(port);
      expect(up, out).toMatchObject({ code: 200, body: { status: 'ok', slack: { ok: true, state: 'connected' } } });

      await fake.close();
      const lostBy = Date.now() + 15_000;
      let down = up;
      while (Date.now() < lostBy) {
        down = await health(port);
        if (down.code === 503) break;
        await new Promise((r) => setTimeout(r, 100));
      }
      expect(down.code).toBe(503);
      expect(down.body.status).toBe('down');
      expect(down.body.slack.ok).toBe(false);
      expect(down.body.store.ok).toBe(true);

      const at = Date.now();
      proc.kill('SIGTERM');
      expect(await exited).toBe(0);
      // No socket left to close cleanly: the stop does not wait out the deadline (10 s) for it.
      // Closing a lost socket is given at most 3 s; 8 s leaves a loaded machine room and still
      // tells that apart from waiting until the deadline.
      expect(Date.now() - at).toBeLessThan(8_000);
    } finally {
      if (proc.exitCode === null) proc.kill('SIGKILL');
    }
  }, 120_000);

  it('Socket Mode: SIGTERM closes the WebSocket cleanly (close frame 1000) and exits 0', async () => {
    sim = await startSimCluster({ scenario: 'healthy' });
    const fake = await FakeSocketSlack.start({ appToken: 'xapp-stop', botToken: 'xoxb-stop' });
    const proc = spawn(process.execPath, [MAIN, 'serve', '--inventory', sim.inventoryPath], {
      env: {
        PATH: process.env.PATH,
        HOME: process.env.HOME,
        SLACK_BOT_TOKEN: 'xoxb-stop',
        SLACK_APP_TOKEN: 'xapp-stop',
        SLACK_API_URL: fake.apiUrl,
        STACKMEDIC_DB: join(mkdtempSync(join(tmpdir(), 'stackmedic-healthz-')), 'store.sqlite'),
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    proc.stdout.on('data', (d: Buffer) => (out += d.toString()));
    proc.stderr.on('data', (d: Buffer) => (out += d.toString()));
    const exited = new Promise<number | null>((resolve) => proc.once('exit', (c) => resolve(c)));
    try {
      const socket = await fake.until('a socket', () => fake.sockets[0]);
      // Connected (not merely a socket opened): the stop then has a live connection to close.
      const ready = Date.now() + 60_000;
      while (!out.includes('serving Slack') && Date.now() < ready && proc.exitCode === null) await new Promise((r) => setTimeout(r, 50));
      expect(out).toContain('serving Slack');
      const at = Date.now();
      proc.kill('SIGTERM');
      expect(await exited).toBe(0);
      expect(Date.now() - at).toBeLessThan(10_000);
      await socket.closed;
      expect(socket.clientCloseCode).toBe(1000);
    } finally {
      if (proc.exitCode === null) proc.kill('SIGKILL');
      await fake.close();
    }
  }, 120_000);

  it('Socket Mode: STACKMEDIC_HTTP_PORT already taken is a configuration error: one line, exit 2, nothing left running', async () => {
    sim = await startSimCluster({ scenario: 'healthy' });
    const fake = await FakeSocketSlack.start({ appToken: 'xapp-busy', botToken: 'xoxb-busy' });
    const busy = createServer();
    await new Promise<void>((resolve) => busy.listen(0, '127.0.0.1', resolve));
    const port = (busy.address() as AddressInfo).port;
    const proc = spawn(process.execPath, [MAIN, 'serve', '--inventory', sim.inventoryPath], {
      env: {
        PATH: process.env.PATH,
        HOME: process.env.HOME,
        SLACK_BOT_TOKEN: 'xoxb-busy',
        SLACK_APP_TOKEN: 'xapp-busy',
        SLACK_API_URL: fake.apiUrl,
        STACKMEDIC_HTTP_PORT: String(port),
        STACKMEDIC_HTTP_HOST: '127.0.0.1',
        STACKMEDIC_DB: join(mkdtempSync(join(tmpdir(), 'stackmedic-healthz-')), 'store.sqlite'),
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let err = '';
    proc.stderr.on('data', (d: Buffer) => (err += d.toString()));
    try {
      const code = await new Promise<number | null>((resolve) => proc.once('exit', (c) => resolve(c)));
      expect(code).toBe(2);
      expect(err).toBe(`stackmedic: configuration error: environment: STACKMEDIC_HTTP_PORT: a port GET /healthz can listen on (${port}: EADDRINUSE)\n`);
    } finally {
      if (proc.exitCode === null) proc.kill('SIGKILL');
      await new Promise<void>((resolve) => busy.close(() => resolve()));
      await fake.close();
    }
  }, 120_000);
});
