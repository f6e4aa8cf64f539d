/**
 * `stackmedic serve` in this process, as production wires it (serveSlack), in HTTP mode on a
 * loopback port in front of a simulated cluster, with Slack's Web API faked by nock (FakeSlack).
 * The Alertmanager webhook and GET /metrics share the receiver's port. Tests read the store
 * through a second, read-only SQLite connection.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { readEnvOptions } from '../../../src/config/env.js';
import type { SimCluster } from '../../../src/sim/index.js';
import { serveSlack } from '../../../src/slack/serve.js';
import { serverPort } from '../../support/real/net.js';
import { parseExposition, valueOf, type Family } from '../../unit/metrics/exposition.js';
import { FakeSlack, OPS_CHANNEL, PERMISSIONS_YAML, signatureHeaders, type SlackCall } from '../slack/harness.js';

/** The token Alertmanager is configured to send. */
export const ALERTMANAGER_TOKEN = 'am-e2e-token-4f9c2a71d3b8';

/** A running serve. */
export interface AlertServe {
  /** http://127.0.0.1:PORT */
  readonly base: string;
  readonly slack: FakeSlack;
  readonly logs: string[];
  /** Posts to POST /alertmanager. */
  webhook(body: string, headers?: Record<string, string>): Promise<{ status: number; json: Record<string, unknown> | undefined }>;
  /** Presses a button of a message, as Slack posts it (signed). */
  press(actionId: string, value: string, options: { user: string; messageTs?: string; threadTs?: string }): Promise<number>;
  /** A signed slash command in the ops channel. */
  slash(command: string, text: string, user: string): Promise<number>;
  /** GET /metrics, parsed strictly. */
  metrics(): Promise<Map<string, Family>>;
  /** Rows of a query on the store. */
  query<T>(sql: string, ...params: unknown[]): T[];
  stop(): Promise<void>;
}

/** Messages posted at the top of the incident channel (incident summaries), in order. */
export function topMessages(slack: FakeSlack): SlackCall[] {
  return slack.of('chat.postMessage').filter((c) => c.body.channel === OPS_CHANNEL && c.body.thread_ts === undefined);
}

/** Replies in the thread of `ts`. */
export function threadReplies(slack: FakeSlack, ts: string): SlackCall[] {
  return slack.of('chat.postMessage').filter((c) => c.body.thread_ts === ts);
}

/** What a message shows (its blocks' texts). */
export function shown(call: SlackCall): string {
  const blocks = (call.body.blocks ?? []) as { text?: { text?: string }; elements?: { text?: string | { text?: string } }[] }[];
  return blocks
    .flatMap((b) => [b.text?.text, ...(b.elements ?? []).map((e) => (typeof e.text === 'string' ? e.text : e.text?.text))])
    .filter(Boolean)
    .join('\n');
}

/** The buttons of a message. */
export function buttons(call: SlackCall): { action_id: string; value: string }[] {
  return ((call.body.blocks ?? []) as { type: string; elements?: { action_id?: string; value?: string }[] }[])
    .filter((b) => b.type === 'actions')
    .flatMap((b) => b.elements ?? [])
    .map((e) => ({ action_id: e.action_id ?? '', value: e.value ?? '' }));
}

/** Waits until `check` returns something truthy. */
export async function until<T>(what: string, check: () => T | Promise<T>, timeoutMs = 60_000): Promise<NonNullable<T>> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await check();
    if (v) return v as NonNullable<T>;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Starts serve on `sim` with the Alertmanager webhook; `env` adds to (or overrides) the defaults. */
export async function startAlertServe(sim: SimCluster, env: Record<string, string> = {}): Promise<AlertServe> {
  const dir = mkdtempSync(join(tmpdir(), 'stackmedic-alerts-e2e-'));
  const permissions = join(dir, 'permissions.yml');
  writeFileSync(permissions, PERMISSIONS_YAML);
  const dbPath = join(dir, 'stackmedic.sqlite');
  const port = await serverPort();
  const slack = new FakeSlack();
  slack.install();
  const logs: string[] = [];
  const options = readEnvOptions({
    SLACK_BOT_TOKEN: 'xoxb-e2e-token',
    SLACK_SIGNING_SECRET: 'e2e-signing-secret-0123456789abcdef',
    // These tests read answers in the ack: the ingress thread waits for the app as long as Slack
    // would (its own early ack under load is tested in test/e2e/slack/ingress.spec.ts).
    STACKMEDIC_ACK_WAIT_MS: '2500',
    PORT: String(port),
    STACKMEDIC_HTTP_HOST: '127.0.0.1',
    STACKMEDIC_DB: dbPath,
    STACKMEDIC_PERMISSIONS: permissions,
    STACKMEDIC_INCIDENT_CHANNEL: OPS_CHANNEL,
    // Never during a test unless the test asks: passes then come from alerts only.
    STACKMEDIC_SCHEDULE: '0 0 1 1 *',
    STACKMEDIC_ALERTMANAGER_TOKEN: ALERTMANAGER_TOKEN,
    ...env,
  });
  const abort = new AbortController();
  const served = serveSlack({
    target: { inventory: sim.inventory, description: 'the simulated cluster', env: options, close: async () => undefined },
    out: (l) => logs.push(l),
    err: (l) => logs.push(l),
    signal: abort.signal,
    startupRetryMs: 2000,
  });
  void served.catch((error: unknown) => logs.push(`serve failed: ${String(error)}`));
  await until('serve to start', () => logs.some((l) => /serving Slack/.test(l)) || logs.some((l) => l.startsWith('serve failed')), 60_000);
  if (!logs.some((l) => /serving Slack/.test(l))) throw new Error(`serve did not start:\n${logs.join('\n')}`);
  const base = `http://127.0.0.1:${port}`;
  const reader = new Database(dbPath, { readonly: true, fileMustExist: true });
  let n = 0;
  return {
    base,
    slack,
    logs,
    async webhook(body, headers = { authorization: `Bearer ${ALERTMANAGER_TOKEN}` }) {
      const res = await fetch(`${base}/alertmanager`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body });
      const text = await res.text();
      let json: Record<string, unknown> | undefined;
      try {
        json = JSON.parse(text) as Record<string, unknown>;
      } catch {
        json = undefined;
      }
      return { status: res.status, json };
    },
    async press(actionId, value, o) {
      n++;
      const ts = o.messageTs ?? '1.0';
      const payload = {
        type: 'block_actions',
        user: { id: o.user, username: o.user.toLowerCase(), name: o.user.toLowerCase(), team_id: 'T1' },
        api_app_id: 'A1',
        token: 'deprecated-verification-token',
        container: { type: 'message', message_ts: ts, channel_id: OPS_CHANNEL, is_ephemeral: false, ...(o.threadTs ? { thread_ts: o.threadTs } : {}) },
        trigger_id: `${n}.9.alerts`,
        team: { id: 'T1', domain: 'ops' },
        channel: { id: OPS_CHANNEL, name: 'ops' },
        message: { type: 'message', ts, text: 'Alertmanager', ...(o.threadTs ? { thread_ts: o.threadTs } : {}) },
        response_url: `https://hooks.slack.com/actions/T1/${n}/alerts`,
        actions: [
          { action_id: actionId, block_id: 'b', text: { type: 'plain_text', text: 'Silence' }, value, type: 'button', action_ts: String(Date.now() / 1000) },
        ],
      };
      const body = `payload=${encodeURIComponent(JSON.stringify(payload))}`;
      const res = await fetch(`${base}/slack/events`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded', ...signatureHeaders(body) },
        body,
      });
      await res.text();
      return res.status;
    },
    async slash(command, text, user) {
      n++;
      const body = new URLSearchParams({
        token: 'deprecated-verification-token',
        team_id: 'T1',
        team_domain: 'ops',
        channel_id: OPS_CHANNEL,
        channel_name: 'ops',
        user_id: user,
        user_name: user.toLowerCase(),
        command,
        text,
        api_app_id: 'A1',
        response_url: `https://hooks.slack.com/commands/T1/${n}/alerts`,
        trigger_id: `${n}.8.alerts`,
      }).toString();
      const res = await fetch(`${base}/slack/events`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded', ...signatureHeaders(body) },
        body,
      });
      await res.text();
      return res.status;
    },
    async metrics() {
      const res = await fetch(`${base}/metrics`);
      if (res.status !== 200) throw new Error(`GET /metrics: ${res.status}`);
      return parseExposition(await res.text());
    },
    query<T>(sql: string, ...params: unknown[]): T[] {
      return reader.prepare(sql).all(...params) as T[];
    },
    async stop() {
      abort.abort();
      await served.catch(() => undefined);
      reader.close();
      slack.uninstall();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** The value of one series of a scrape. */
export { valueOf };
