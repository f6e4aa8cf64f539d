import { createHmac } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import nock from 'nock';
import type { Logger } from '@slack/bolt';
import { LogLevel } from '@slack/bolt';
import { createApp, type StackmedicApp } from '../../../src/app/create-app.js';
import { readEnvOptions } from '../../../src/config/env.js';
import type { Inventory } from '../../../src/inventory/types.js';
import type { CommandFamily } from '../../../src/router/command.js';
import { createSlackApp, type SlackApp } from '../../../src/slack/app.js';

/** The signing secret of the fake Slack app. */
export const SIGNING_SECRET = 'e2e-signing-secret-0123456789abcdef';
/** The channel commands are allowed in. */
export const OPS_CHANNEL = 'COPS';

/** Who is who in the permissions file the harness writes. */
export const USERS = { admin: 'UADMIN', operator: 'UOPER', viewer: 'UVIEW', groupOperator: 'UGRP' } as const;

/** The permissions file of the e2e tests. */
export const PERMISSIONS_YAML = `users:
  UADMIN: admin
  UOPER: operator
groups:
  SOPS: operator
channels:
  - ${OPS_CHANNEL}
`;

/** One intercepted call to Slack. */
export interface SlackCall {
  readonly method: string;
  readonly body: Record<string, unknown>;
  /** What the fake Slack answered (Web API calls only). */
  response?: Record<string, unknown>;
}

type Body = Record<string, unknown>;

function parseBody(raw: unknown): Body {
  if (raw && typeof raw === 'object') return raw as Body;
  const text = typeof raw === 'string' ? raw : '';
  if (text.startsWith('{')) return JSON.parse(text) as Body;
  const out: Body = {};
  for (const [k, v] of new URLSearchParams(text)) {
    if ((k === 'blocks' || k === 'files' || k === 'attachments') && v.startsWith('[')) out[k] = JSON.parse(v) as unknown;
    else out[k] = v;
  }
  return out;
}

/**
 * Slack's side, faked with nock: the Web API (https://slack.com/api/), file uploads and
 * response_urls. Every call is recorded; tests wait for the ones they expect.
 */
export class FakeSlack {
  readonly calls: SlackCall[] = [];
  private readonly failures: { method: string; status: number; headers: Record<string, string>; body: Body }[] = [];
  private ts = 1_700_000_000;
  private waiters: (() => void)[] = [];
  /** User group id to members (usergroups.users.list). */
  groups: Record<string, string[]> = { SOPS: [USERS.groupOperator] };
  /** Web API method to how long Slack takes to answer it, in ms (a slow user-group lookup). */
  delays: Record<string, number> = {};

  install(): void {
    nock.disableNetConnect();
    nock.enableNetConnect('127.0.0.1');
    nock('https://slack.com')
      .persist()
      .post(/^\/api\/.+/)
      .reply(async (uri, raw) => {
        const method = uri.replace(/^\/api\//, '');
        const body = parseBody(raw);
        const delay = this.delays[method];
        if (delay) await new Promise((resolve) => setTimeout(resolve, delay));
        const failure = this.failures.findIndex((f) => f.method === method);
        const call: SlackCall = { method, body };
        if (failure !== -1) {
          const f = this.failures.splice(failure, 1)[0];
          if (f) {
            call.response = f.body;
            this.record(call);
            return [f.status, f.body, f.headers];
          }
        }
        call.response = this.answer(method, body);
        this.record(call);
        return [200, call.response, { 'content-type': 'application/json' }];
      });
    nock('https://files.slack.com')
      .persist()
      .post(/.*/)
      .reply((uri, raw) => {
        this.record({ method: `upload:${uri}`, body: { content: typeof raw === 'string' ? raw : JSON.stringify(raw) } });
        return [200, 'OK'];
      });
    nock('https://hooks.slack.com')
      .persist()
      .post(/.*/)
      .reply((uri, raw) => {
        this.record({ method: `response_url:${uri}`, body: parseBody(raw) });
        return [200, 'ok'];
      });
  }

  uninstall(): void {
    nock.cleanAll();
    nock.enableNetConnect();
  }

  /** Makes the next call to `method` fail with `status` (e.g. 429 with Retry-After). */
  failNext(method: string, status: number, headers: Record<string, string> = {}, body: Body = { ok: false, error: 'ratelimited' }): void {
    this.failures.push({ method, status, headers, body });
  }

  private record(call: SlackCall): void {
    this.calls.push(call);
    const waiters = this.waiters;
    this.waiters = [];
    for (const w of waiters) w();
  }

  private answer(method: string, body: Body): Body {
    switch (method) {
      case 'auth.test':
        return { ok: true, user_id: 'UBOT', bot_id: 'BBOT', team_id: 'T1', team: 'ops' };
      case 'chat.postMessage':
        return { ok: true, channel: body.channel, ts: `${++this.ts}.000100`, message: { text: body.text } };
      case 'chat.update':
        return { ok: true, channel: body.channel, ts: body.ts };
      case 'chat.postEphemeral':
        return { ok: true, message_ts: `${++this.ts}.000200` };
      case 'usergroups.users.list':
        return { ok: true, users: this.groups[String(body.usergroup)] ?? [] };
      case 'files.getUploadURLExternal':
        return { ok: true, upload_url: `https://files.slack.com/upload/v1/${++this.ts}`, file_id: `F${this.ts}` };
      case 'files.completeUploadExternal':
        return { ok: true, files: ((body.files ?? []) as { id: string }[]).map((f) => ({ id: f.id })) };
      default:
        return { ok: false, error: 'unknown_method' };
    }
  }

  /** Calls to one method (a prefix like `response_url:` matches all response_urls; `*` matches every call). */
  of(method: string): SlackCall[] {
    return this.calls.filter((c) => method === '*' || c.method === method || (method.endsWith(':') && c.method.startsWith(method)));
  }

  /** Waits until a call matching `predicate` arrives (or was recorded already). */
  async waitFor(method: string, predicate: (call: SlackCall) => boolean = () => true, timeoutMs = 20_000): Promise<SlackCall> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = this.of(method).find(predicate);
      if (found) return found;
      const left = deadline - Date.now();
      if (left <= 0) {
        throw new Error(
          `no ${method} call matched within ${timeoutMs} ms; calls so far:\n${this.calls.map((c) => `${c.method} ${JSON.stringify(c.body).slice(0, 300)}`).join('\n')}`,
        );
      }
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, Math.min(left, 500));
        this.waiters.push(() => {
          clearTimeout(t);
          resolve();
        });
      });
    }
  }

  reset(): void {
    this.calls.length = 0;
    this.failures.length = 0;
  }
}

/** Everything text-like in a call body, to search in. */
export function bodyText(call: SlackCall): string {
  return JSON.stringify(call.body);
}

/** Signs a request body exactly as Slack does: v0=HMAC-SHA256(secret, `v0:${ts}:${body}`). */
export function signatureHeaders(rawBody: string, timestamp = Math.floor(Date.now() / 1000), secret = SIGNING_SECRET): Record<string, string> {
  const signature = `v0=${createHmac('sha256', secret).update(`v0:${timestamp}:${rawBody}`).digest('hex')}`;
  return { 'x-slack-signature': signature, 'x-slack-request-timestamp': String(timestamp) };
}

/** A response from the Bolt receiver. */
export interface HttpAnswer {
  readonly status: number;
  readonly text: string;
  readonly json: Body | undefined;
  readonly ms: number;
}

/** Options of a slash command request. */
export interface SlashRequest {
  readonly user?: string;
  readonly channel?: string;
  readonly channelName?: string;
  readonly timestamp?: number;
  readonly secret?: string;
}

let responseCounter = 0;

/** The form Slack posts for a slash command (its response_url at hooks.slack.com, which FakeSlack answers). */
export function slashForm(command: string, text: string, o: SlashRequest = {}): string {
  const n = ++responseCounter;
  return new URLSearchParams({
    token: 'deprecated-verification-token',
    team_id: 'T1',
    team_domain: 'ops',
    channel_id: o.channel ?? OPS_CHANNEL,
    channel_name: o.channelName ?? 'ops',
    user_id: o.user ?? USERS.operator,
    user_name: (o.user ?? USERS.operator).toLowerCase(),
    command,
    text,
    api_app_id: 'A1',
    is_enterprise_install: 'false',
    response_url: `https://hooks.slack.com/commands/T1/${n}/secret`,
    trigger_id: `${n}.1.abc`,
  }).toString();
}

/** A running stackmedic with its Slack adapter on 127.0.0.1, and the fake Slack around it. */
export interface Harness {
  readonly url: string;
  readonly slack: FakeSlack;
  readonly stackmedic: StackmedicApp;
  readonly slackApp: SlackApp;
  readonly logs: string[];
  slash(command: string, text: string, options?: SlashRequest): Promise<HttpAnswer>;
  press(actionId: string, value: string, options: { user: string; channel?: string; messageTs?: string }): Promise<HttpAnswer>;
  close(): Promise<void>;
}

/** Options of `startHarness`. */
export interface HarnessOptions {
  readonly inventory: Inventory;
  /** Every cluster, when the test serves several (`inventory` is the first). */
  readonly clusters?: readonly Inventory[];
  readonly families?: readonly CommandFamily[];
  readonly permissionsYaml?: string | null;
  readonly confirmationTtlMs?: number;
  readonly clock?: () => Date;
  /** Reuse a store (restart tests); a fresh one in a temp dir by default. */
  readonly databasePath?: string;
  /** How long the Slack ingress thread waits for the app's ack (default 2500 ms here, so answers stay in the ack). */
  readonly ackWaitMs?: number;
}

async function post(url: string, body: string, headers: Record<string, string>): Promise<HttpAnswer> {
  const started = performance.now();
  const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers }, body });
  const text = await res.text();
  const ms = performance.now() - started;
  let json: Body | undefined;
  try {
    json = text ? (JSON.parse(text) as Body) : undefined;
  } catch {
    json = undefined;
  }
  return { status: res.status, text, json, ms };
}

/** A Bolt logger that appends every info, warn and error line (with stacks) to `logs`. */
export function capturingLogger(logs: string[]): Logger {
  const log =
    (level: string) =>
    (...msg: unknown[]): void => {
      logs.push(`${level} ${msg.map((m) => (m instanceof Error ? (m.stack ?? m.message) : String(m))).join(' ')}`);
    };
  return {
    debug: () => undefined,
    info: log('info'),
    warn: log('warn'),
    error: log('error'),
    setLevel: () => undefined,
    getLevel: () => LogLevel.INFO,
    setName: () => undefined,
  };
}

/** Starts stackmedic's Slack adapter in HTTP mode on a free port, with the fake Slack installed. */
export async function startHarness(options: HarnessOptions): Promise<Harness> {
  const dir = mkdtempSync(join(tmpdir(), 'stackmedic-slack-e2e-'));
  const permissionsPath = join(dir, 'permissions.yml');
  if (options.permissionsYaml !== null) writeFileSync(permissionsPath, options.permissionsYaml ?? PERMISSIONS_YAML);
  const env = readEnvOptions({
    SLACK_BOT_TOKEN: 'xoxb-e2e-token',
    SLACK_SIGNING_SECRET: SIGNING_SECRET,
    // These tests read answers in the ack: the ingress thread waits for the app as long as Slack
    // would (its own early ack under load is tested in test/e2e/slack/ingress.spec.ts).
    STACKMEDIC_ACK_WAIT_MS: '2500',
    STACKMEDIC_DB: options.databasePath ?? join(dir, 'stackmedic.sqlite'),
    ...(options.permissionsYaml !== null ? { STACKMEDIC_PERMISSIONS: permissionsPath } : {}),
  });
  const slack = new FakeSlack();
  slack.install();
  const logs: string[] = [];
  const logger = capturingLogger(logs);
  const stackmedic = createApp({
    inventory: options.inventory,
    ...(options.clusters ? { clusters: options.clusters } : {}),
    env,
    ...(options.families ? { families: options.families } : {}),
    ...(options.clock ? { clock: options.clock } : {}),
  });
  const slackApp = createSlackApp({
    stackmedic,
    env,
    logger,
    retryConfig: { retries: 3, factor: 1, minTimeout: 20, maxTimeout: 50 },
    progressIntervalMs: 50,
    ...(options.confirmationTtlMs !== undefined ? { confirmationTtlMs: options.confirmationTtlMs } : {}),
    ...(options.ackWaitMs !== undefined ? { ackWaitMs: options.ackWaitMs } : {}),
  });
  const { port } = await slackApp.start({ port: 0, host: '127.0.0.1' });
  const url = `http://127.0.0.1:${port}/slack/events`;
  return {
    url,
    slack,
    stackmedic,
    slackApp,
    logs,
    async slash(command, text, o = {}) {
      const body = slashForm(command, text, o);
      return post(url, body, signatureHeaders(body, o.timestamp, o.secret));
    },
    async press(actionId, value, o) {
      const n = ++responseCounter;
      const channel = o.channel ?? OPS_CHANNEL;
      const payload = {
        type: 'block_actions',
        user: { id: o.user, username: o.user.toLowerCase(), name: o.user.toLowerCase(), team_id: 'T1' },
        api_app_id: 'A1',
        token: 'deprecated-verification-token',
        container: { type: 'message', message_ts: o.messageTs ?? '1.0', channel_id: channel, is_ephemeral: false },
        trigger_id: `${n}.2.def`,
        team: { id: 'T1', domain: 'ops' },
        channel: { id: channel, name: 'ops' },
        message: { type: 'message', ts: o.messageTs ?? '1.0', text: 'Confirm' },
        response_url: `https://hooks.slack.com/actions/T1/${n}/secret`,
        actions: [
          {
            action_id: actionId,
            block_id: 'stackmedic_confirmation',
            text: { type: 'plain_text', text: 'Confirm' },
            value,
            type: 'button',
            action_ts: String(Date.now() / 1000),
          },
        ],
      };
      const body = `payload=${encodeURIComponent(JSON.stringify(payload))}`;
      return post(url, body, signatureHeaders(body));
    },
    async close() {
      await slackApp.stop();
      await stackmedic.close();
      slack.uninstall();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
