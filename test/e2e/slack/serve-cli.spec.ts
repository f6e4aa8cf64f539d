import { spawn, type ChildProcess } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serverPort } from '../../support/real/net.js';
import { startSshdCluster, type SshdCluster } from '../../support/sshd.js';
import { SIGNING_SECRET, signatureHeaders } from './harness.js';

const MAIN = join(import.meta.dirname, '../../../dist/src/main.js');

/** A Slack Web API stand-in on loopback: what SLACK_API_URL is for (GovSlack, proxies, tests). */
interface LocalSlack {
  readonly url: string;
  readonly calls: { method: string; body: string }[];
  close(): Promise<void>;
}

async function startLocalSlack(): Promise<LocalSlack> {
  const calls: { method: string; body: string }[] = [];
  const server: Server = createServer((req, res) => {
    let body = '';
    req.on('data', (d: Buffer) => (body += d.toString()));
    req.on('end', () => {
      const method = (req.url ?? '').replace(/^\/api\//, '');
      calls.push({ method, body });
      res.setHeader('content-type', 'application/json');
      if (method === 'auth.test') res.end(JSON.stringify({ ok: true, user_id: 'UBOT', bot_id: 'BBOT', team_id: 'T1' }));
      else if (method === 'chat.postMessage') res.end(JSON.stringify({ ok: true, channel: 'COPS', ts: '1700000000.000100' }));
      else res.end(JSON.stringify({ ok: true }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return { url: `http://127.0.0.1:${port}/api/`, calls, close: () => new Promise((resolve) => server.close(() => resolve())) };
}

function waitForOutput(proc: ChildProcess, pattern: RegExp, timeoutMs = 20_000): Promise<string> {
  return new Promise((resolve, reject) => {
    let seen = '';
    const timer = setTimeout(() => reject(new Error(`no ${pattern} in output:\n${seen}`)), timeoutMs);
    const onData = (d: Buffer): void => {
      seen += d.toString();
      if (pattern.test(seen)) {
        clearTimeout(timer);
        resolve(seen);
      }
    };
    proc.stdout?.on('data', onData);
    proc.stderr?.on('data', onData);
  });
}

let cluster: SshdCluster;
let slack: LocalSlack;

beforeAll(async () => {
  cluster = await startSshdCluster({ names: ['node-10', 'node-11'] });
  slack = await startLocalSlack();
});

afterAll(async () => {
  await slack?.close();
  await cluster?.close();
});

describe('stackmedic serve', () => {
  it('serves signed slash commands over HTTP, talks to SLACK_API_URL, and stops on SIGTERM', async () => {
    const port = await serverPort();
    const env = {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      SLACK_BOT_TOKEN: 'xoxb-cli-test',
      SLACK_SIGNING_SECRET: SIGNING_SECRET,
      // These tests read answers in the ack: the ingress thread waits for the app as long as Slack
      // would (its own early ack under load is tested in test/e2e/slack/ingress.spec.ts).
      STACKMEDIC_ACK_WAIT_MS: '2500',
      SLACK_API_URL: slack.url,
      PORT: String(port),
      STACKMEDIC_HTTP_HOST: '127.0.0.1',
      STACKMEDIC_DB: join(mkdtempSync(join(tmpdir(), 'stackmedic-serve-')), 'db.sqlite'),
    };
    const proc = spawn(process.execPath, [MAIN, 'serve', '--inventory', cluster.inventoryPath], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    try {
      const banner = await waitForOutput(proc, /serving Slack/);
      expect(banner).toContain(`serving Slack (HTTP on port ${port}, /slack/events) for cluster sshd-test (2 nodes`);
      expect(slack.calls.map((c) => c.method)).toContain('auth.test');
      const body = new URLSearchParams({
        team_id: 'T1',
        channel_id: 'COPS',
        channel_name: 'ops',
        user_id: 'U1',
        user_name: 'alice',
        command: '/cluster',
        text: 'ping',
        response_url: 'http://127.0.0.1:9/unused',
        trigger_id: 't',
      }).toString();
      const res = await fetch(`http://127.0.0.1:${port}/slack/events`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded', ...signatureHeaders(body) },
        body,
      });
      expect(res.status).toBe(200);
      const deadline = Date.now() + 20_000;
      while (!slack.calls.some((c) => c.method === 'chat.postMessage') && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
      const post = slack.calls.find((c) => c.method === 'chat.postMessage');
      expect(decodeURIComponent(post?.body ?? '')).toContain('All 2 nodes answer.');
    } finally {
      proc.kill('SIGTERM');
    }
    const code = await new Promise<number | null>((resolve) => proc.once('exit', (c) => resolve(c)));
    expect(code).toBe(0);
  }, 60_000);

  it('serves the simulated cluster with --sim, and npm start (no arguments) serves Slack when credentials are set', async () => {
    for (const args of [['serve', '--sim', 'seed-incident'], []]) {
      const port = await serverPort();
      const proc = spawn(process.execPath, [MAIN, ...args], {
        env: {
          PATH: process.env.PATH,
          HOME: process.env.HOME,
          SLACK_BOT_TOKEN: 'xoxb-cli-test',
          SLACK_SIGNING_SECRET: SIGNING_SECRET,
          // These tests read answers in the ack: the ingress thread waits for the app as long as Slack
          // would (its own early ack under load is tested in test/e2e/slack/ingress.spec.ts).
          STACKMEDIC_ACK_WAIT_MS: '2500',
          SLACK_API_URL: slack.url,
          PORT: String(port),
          STACKMEDIC_HTTP_HOST: '127.0.0.1',
          STACKMEDIC_DB: join(mkdtempSync(join(tmpdir(), 'stackmedic-serve-')), 'db.sqlite'),
          ...(args.length === 0 ? { STACKMEDIC_INVENTORY: cluster.inventoryPath } : {}),
        },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let all = '';
      proc.stdout?.on('data', (d: Buffer) => (all += d.toString()));
      proc.stderr?.on('data', (d: Buffer) => (all += d.toString()));
      try {
        const banner = await waitForOutput(proc, /serving Slack/);
        expect(banner).toContain(args.length ? 'SIMULATED cluster' : 'cluster sshd-test');
      } finally {
        proc.kill('SIGTERM');
      }
      const [code, signal] = await new Promise<[number | null, string | null]>((resolve) => proc.once('exit', (c, s) => resolve([c, s])));
      expect({ args, code, signal, all }).toEqual({ args, code: 0, signal: null, all: expect.stringContaining('stackmedic: stopping.') });
    }
  }, 60_000);

  it('refuses to serve without Slack credentials, naming the variable, exit 2', async () => {
    const proc = spawn(process.execPath, [MAIN, 'serve', '--inventory', cluster.inventoryPath], {
      env: { PATH: process.env.PATH, HOME: process.env.HOME, STACKMEDIC_DB: join(mkdtempSync(join(tmpdir(), 'stackmedic-serve-')), 'db.sqlite') },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    proc.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
    const code = await new Promise<number | null>((resolve) => proc.once('exit', (c) => resolve(c)));
    expect(code).toBe(2);
    expect(stderr).toBe('stackmedic: configuration error: environment: SLACK_BOT_TOKEN: the bot token (xoxb-...) of the Slack app, to serve Slack\n');
  });

  it('refuses to serve with an invalid permissions file, naming the file and field', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'stackmedic-serve-'));
    const perms = join(dir, 'permissions.yml');
    (await import('node:fs')).writeFileSync(perms, 'users:\n  U012: superuser\n');
    const proc = spawn(process.execPath, [MAIN, 'serve', '--inventory', cluster.inventoryPath], {
      env: {
        PATH: process.env.PATH,
        HOME: process.env.HOME,
        STACKMEDIC_DB: join(dir, 'db.sqlite'),
        SLACK_BOT_TOKEN: 'xoxb-x',
        SLACK_SIGNING_SECRET: 's',
        STACKMEDIC_PERMISSIONS: perms,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    proc.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
    const code = await new Promise<number | null>((resolve) => proc.once('exit', (c) => resolve(c)));
    expect(code).toBe(2);
    expect(stderr).toBe(`stackmedic: configuration error: ${perms}: users.U012: one of viewer, operator, admin\n`);
  });
});
