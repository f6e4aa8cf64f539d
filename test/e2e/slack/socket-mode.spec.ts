import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import nock from 'nock';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp, type StackmedicApp } from '../../../src/app/create-app.js';
import { readEnvOptions } from '../../../src/config/env.js';
import { startSimCluster, type SimCluster } from '../../../src/sim/index.js';
import { createSlackApp, type SlackApp } from '../../../src/slack/app.js';
import { FakeSocketSlack, type ApiCall } from './fake-socket-slack.js';
import { capturingLogger } from './harness.js';

/**
 * Socket Mode end to end (issue 4: Socket Mode when SLACK_APP_TOKEN is set): the real Bolt app
 * and @slack/socket-mode client against a fake Slack on 127.0.0.1 — `apps.connections.open` with
 * the app token, a WebSocket, `hello`, slash command and interactive envelopes, acks over the
 * socket, Web API posts with the bot token — in front of the simulated seed-incident cluster.
 */

const APP_TOKEN = 'xapp-test';
const BOT_TOKEN = 'xoxb-test';
const OPS_CHANNEL = 'COPS';
const OPERATOR = 'UOPER';
const VIEWER = 'UVIEW';

/** Every text Slack would show for a message: header, sections, context. */
function shownText(call: ApiCall): string {
  const blocks = (call.body.blocks ?? []) as { text?: { text?: string }; fields?: { text?: string }[]; elements?: { text?: string }[] }[];
  return blocks
    .flatMap((b) => [b.text?.text, ...(b.fields ?? []).map((f) => f.text), ...(b.elements ?? []).map((e) => e.text)])
    .filter((t): t is string => typeof t === 'string')
    .join('\n');
}

/** TCP servers listening in this process (sim nodes, the fake Slack, and whatever the bot opened). */
function listeningServers(): number {
  return process.getActiveResourcesInfo().filter((r) => r === 'TCPServerWrap').length;
}

let dir: string;
let sim: SimCluster;
let slack: FakeSocketSlack;
let stackmedic: StackmedicApp;
let app: SlackApp;
const logs: string[] = [];
let serversBeforeStart = 0;

function slashPayload(text: string, user: string): Record<string, unknown> {
  return {
    token: 'deprecated-verification-token',
    team_id: 'T1',
    team_domain: 'ops',
    channel_id: OPS_CHANNEL,
    channel_name: 'ops',
    user_id: user,
    user_name: user.toLowerCase(),
    command: '/cluster',
    text,
    api_app_id: 'A1',
    is_enterprise_install: 'false',
    response_url: slack.responseUrl(),
    trigger_id: `${Date.now()}.1.abc`,
  };
}

beforeAll(async () => {
  nock.disableNetConnect();
  nock.enableNetConnect('127.0.0.1');
  dir = mkdtempSync(join(tmpdir(), 'stackmedic-socket-e2e-'));
  const permissionsPath = join(dir, 'permissions.yml');
  writeFileSync(permissionsPath, `users:\n  ${OPERATOR}: operator\nchannels:\n  - ${OPS_CHANNEL}\n`);
  sim = await startSimCluster({ scenario: 'seed-incident' });
  slack = await FakeSocketSlack.start({ appToken: APP_TOKEN, botToken: BOT_TOKEN });
  const env = readEnvOptions({
    SLACK_BOT_TOKEN: BOT_TOKEN,
    SLACK_APP_TOKEN: APP_TOKEN,
    SLACK_API_URL: slack.apiUrl,
    STACKMEDIC_DB: join(dir, 'stackmedic.sqlite'),
    STACKMEDIC_PERMISSIONS: permissionsPath,
  });
  const logger = capturingLogger(logs);
  stackmedic = createApp({ inventory: sim.inventory, env });
  app = createSlackApp({ stackmedic, env, logger, retryConfig: { retries: 2, factor: 1, minTimeout: 20, maxTimeout: 50 }, progressIntervalMs: 50 });
});

afterAll(async () => {
  // Idempotent: the last test stops the app already.
  await app?.stop().catch(() => undefined);
  await stackmedic?.close();
  await slack?.close();
  await sim?.stop();
  nock.enableNetConnect();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('Slack in Socket Mode (SLACK_APP_TOKEN set), against a fake Slack on 127.0.0.1', () => {
  it('connects: auth.test with the bot token, apps.connections.open with the app token, the WebSocket it names, hello', async () => {
    expect(app.mode).toBe('socket');
    serversBeforeStart = listeningServers();
    const listening = await app.start();
    expect(listening).toEqual({ mode: 'socket' });
    // No HTTP port in Socket Mode: the bot opened no server of its own.
    expect(listeningServers()).toBe(serversBeforeStart);

    expect(slack.of('auth.test').map((c) => c.token)).toEqual([BOT_TOKEN]);
    const open = slack.of('apps.connections.open');
    expect(open.map((c) => c.token)).toEqual([APP_TOKEN]);
    expect(open[0]?.response).toMatchObject({ ok: true, url: expect.stringMatching(/^ws:\/\/127\.0\.0\.1:\d+\/link\/\?ticket=/) });
    // start() resolved after the hello: exactly one connection, to the URL Slack handed out.
    expect(slack.sockets).toHaveLength(1);
    expect(slack.sockets[0]?.path).toBe(String(open[0]?.response?.url).replace(/^ws:\/\/127\.0\.0\.1:\d+/, ''));
    expect(slack.sockets[0]?.isClosed).toBe(false);
  });

  it('acks a /cluster status envelope over the socket at once, then posts node-10 full and nova-compute down with the bot token', async () => {
    const { envelopeId, sentAt } = slack.sendEnvelope('slash_commands', slashPayload('status', VIEWER), true);
    const ack = await slack.ack(envelopeId, 3000);
    // Within Slack's 3 seconds, on the same connection, with the same envelope id.
    expect(ack.at - sentAt).toBeLessThan(3000);
    expect(ack.connection).toBe(1);
    expect(ack.data).toEqual({ envelope_id: envelopeId, payload: { response_type: 'ephemeral', text: 'running `/cluster status`…' } });

    // The status reports its progress in a message, then replaces it with the result.
    const isResult = (c: ApiCall): boolean => c.body.channel === OPS_CHANNEL && c.body.thread_ts === undefined && /node-10 \/ 100% full/.test(shownText(c));
    const result = await slack.until(
      'the status result',
      () => slack.calls.find((c) => (c.method === 'chat.postMessage' || c.method === 'chat.update') && isResult(c)),
      60_000,
    );
    const text = shownText(result);
    expect(text).toMatch(/node-10 \/ 100% full, 0 B free/);
    expect(text).toMatch(/nova-compute DOWN on node-18, node-19, node-20/);
    expect(text).toMatch(/Likely cause:\* Disk full \(df\) on node-10/);
    // The first post of the command went to the channel as a message (progress, then updated).
    const first = slack.of('chat.postMessage').find((c) => c.body.channel === OPS_CHANNEL);
    expect(first).toBeDefined();
    if (result.method === 'chat.update') expect(result.body.ts).toBe(first?.response?.ts);
    // Every Web API call but apps.connections.open carried the bot token, never the app token.
    expect(slack.calls.filter((c) => !c.method.startsWith('response:') && c.method !== 'apps.connections.open').every((c) => c.token === BOT_TOKEN)).toBe(true);
  }, 90_000);

  it('answers /cluster pnig in the ack payload: the usage error with "did you mean ping"', async () => {
    const posts = slack.of('chat.postMessage').length;
    const { envelopeId, sentAt } = slack.sendEnvelope('slash_commands', slashPayload('pnig', VIEWER), true);
    const ack = await slack.ack(envelopeId, 3000);
    expect(ack.at - sentAt).toBeLessThan(3000);
    expect(ack.data.envelope_id).toBe(envelopeId);
    const payload = ack.data.payload as { response_type?: string };
    expect(payload.response_type).toBe('ephemeral');
    expect(JSON.stringify(payload)).toContain('unknown subcommand \\"pnig\\" for /cluster (did you mean ping?)');
    // Nothing in the channel for a typo.
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(slack.of('chat.postMessage')).toHaveLength(posts);
  });

  it('takes a Cancel press on a confirmation as an interactive envelope: acked, message updated, nothing run', async () => {
    const { envelopeId } = slack.sendEnvelope('slash_commands', slashPayload('free-disk node-10', OPERATOR), true);
    const ack = await slack.ack(envelopeId, 3000);
    expect(ack.data).toEqual({ envelope_id: envelopeId, payload: { response_type: 'ephemeral', text: 'running `/cluster free-disk node-10`…' } });
    const ask = await slack.call('chat.postMessage', (c) => String(c.body.text).includes('Confirm: /cluster free-disk node-10'), 60_000);
    const actions = (ask.body.blocks as { type: string; elements?: { action_id: string; value: string }[] }[]).find((b) => b.type === 'actions');
    const confirmationId = actions?.elements?.find((e) => e.action_id === 'stackmedic_cancel')?.value ?? '';
    expect(confirmationId).not.toBe('');
    const messageTs = String(ask.response?.ts);

    const press = slack.sendEnvelope(
      'interactive',
      {
        type: 'block_actions',
        user: { id: OPERATOR, username: 'uoper', name: 'uoper', team_id: 'T1' },
        api_app_id: 'A1',
        token: 'deprecated-verification-token',
        container: { type: 'message', message_ts: messageTs, channel_id: OPS_CHANNEL, is_ephemeral: false },
        trigger_id: `${Date.now()}.2.def`,
        team: { id: 'T1', domain: 'ops' },
        channel: { id: OPS_CHANNEL, name: 'ops' },
        message: { type: 'message', ts: messageTs, text: 'Confirm: /cluster free-disk node-10' },
        response_url: slack.responseUrl(),
        actions: [
          {
            action_id: 'stackmedic_cancel',
            block_id: 'stackmedic_confirmation',
            text: { type: 'plain_text', text: 'Cancel' },
            value: confirmationId,
            type: 'button',
            action_ts: String(Date.now() / 1000),
          },
        ],
      },
      false,
    );
    const pressAck = await slack.ack(press.envelopeId, 3000);
    expect(pressAck.data).toEqual({ envelope_id: press.envelopeId, payload: {} });
    const cancelled = await slack.call('chat.update', (c) => c.body.ts === messageTs && shownText(c).includes('Cancelled by <@UOPER>; nothing was run.'));
    expect(cancelled.body.channel).toBe(OPS_CHANNEL);
    expect(JSON.stringify(cancelled.body.blocks)).not.toContain('stackmedic_confirm');
  }, 90_000);

  it('stops: the socket closes cleanly (close frame 1000), no reconnect, nothing left connected or listening', async () => {
    const opens = slack.of('apps.connections.open').length;
    const socket = slack.sockets[0];
    expect(socket?.isClosed).toBe(false);
    await app.stop();
    // stop() resolves only once the close handshake is done: the bot sent its close frame (1000,
    // a normal closure) and heard Slack's answer, so no envelope can reach a closed store.
    expect(socket?.clientCloseCode).toBe(1000);
    await socket?.closed;
    // The client would reconnect after a dropped connection; after stop() it must not.
    await new Promise((resolve) => setTimeout(resolve, 1500));
    expect(slack.of('apps.connections.open')).toHaveLength(opens);
    expect(slack.upgrades).toHaveLength(1);
    expect(await slack.connections()).toBe(0);
    expect(listeningServers()).toBe(serversBeforeStart);
    expect(logs.filter((l) => l.startsWith('error'))).toEqual([]);
  });
});
