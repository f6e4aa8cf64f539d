import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Inventory } from '../../../src/inventory/types.js';
import { defineCommand, defineFamily } from '../../../src/router/command.js';
import { bodyText, OPS_CHANNEL, signatureHeaders, slashForm, startHarness, USERS, type Harness, type SlackCall } from './harness.js';
import { eventually, until } from '../../support/wait.js';

/**
 * Slack request integrity over signed HTTP requests to the real Bolt receiver: timestamps both
 * ways, replays (remembered in the store, so across restarts), the channel rule for buttons, and
 * the body encoding Slack sends.
 */

const inventory: Inventory = {
  cluster: 'offline',
  knownHostsPath: '/dev/null',
  nodes: [{ name: 'node-18', address: '127.0.0.1', port: 1, user: 'root', roles: ['compute'], become: false }],
  jumpHosts: [],
  source: 'inline',
};

/** How often each test command really ran: what a refused request must not change. */
const runs = { hello: 0, reset: 0 };

const family = defineFamily({
  name: 'testops',
  summary: 'test-only',
  commands: [
    defineCommand({
      family: 'testops',
      name: 'hello',
      summary: 'answers hello',
      args: [],
      permission: 'viewer',
      async run() {
        runs.hello += 1;
        return { ok: true, title: `hello number ${runs.hello}`, text: '' };
      },
    }),
    defineCommand({
      family: 'testops',
      name: 'reset',
      summary: 'reset a node',
      args: [{ name: 'node', kind: 'node', description: 'the node' }],
      permission: 'operator',
      dangerous: true,
      async plan(ctx) {
        const node = ctx.args.positional.node ?? '';
        return { summary: `Reset ${node}`, actions: [{ node, description: 'reset', command: 'reset-it' }] };
      },
      async run(ctx) {
        runs.reset += 1;
        return { ok: true, title: `reset done on ${ctx.args.positional.node ?? ''}`, text: '' };
      },
    }),
  ],
});

interface Answer {
  readonly status: number;
  readonly text: string;
}

let counter = 0;

/** A `/testops` slash command as Slack form-encodes it (the harness's form), a viewer's unless told. */
function slashBody(text: string, o: { channel?: string; channelName?: string; user?: string } = {}): string {
  return slashForm('/testops', text, { ...o, user: o.user ?? USERS.viewer });
}

/** A block_actions body (a button press), as Slack form-encodes it. */
function pressBody(actionId: string, value: string, o: { user: string; channel: string; channelName: string; messageTs?: string }): string {
  const n = ++counter;
  const payload = {
    type: 'block_actions',
    user: { id: o.user, username: o.user.toLowerCase(), name: o.user.toLowerCase(), team_id: 'T1' },
    api_app_id: 'A1',
    token: 'deprecated-verification-token',
    container: { type: 'message', message_ts: o.messageTs ?? '1.0', channel_id: o.channel, is_ephemeral: false },
    trigger_id: `${n}.8.integrity`,
    team: { id: 'T1', domain: 'ops' },
    channel: { id: o.channel, name: o.channelName },
    message: { type: 'message', ts: o.messageTs ?? '1.0', text: 'Confirm' },
    response_url: `https://hooks.slack.com/actions/T1/integrity${n}/secret`,
    actions: [{ action_id: actionId, block_id: 'b', text: { type: 'plain_text', text: 'x' }, value, type: 'button', action_ts: String(Date.now() / 1000) }],
  };
  return `payload=${encodeURIComponent(JSON.stringify(payload))}`;
}

async function send(url: string, body: string, headers: Record<string, string>, contentType = 'application/x-www-form-urlencoded'): Promise<Answer> {
  const res = await fetch(url, { method: 'POST', headers: { 'content-type': contentType, ...headers }, body });
  return { status: res.status, text: await res.text() };
}

const now = (): number => Math.floor(Date.now() / 1000);
const settle = (ms = 300): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

const dirs: string[] = [];
function freshDb(): string {
  const dir = mkdtempSync(join(tmpdir(), 'stackmedic-integrity-'));
  dirs.push(dir);
  return join(dir, 'db.sqlite');
}

afterAll(async () => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

describe('timestamps and replays', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ inventory, families: [family], databasePath: freshDb() });
  });
  afterAll(async () => {
    await h?.close();
  });
  beforeEach(async () => {
    h.slack.reset();
  });

  it('refuses a correctly signed request timestamped an hour in the future, and runs nothing', async () => {
    const before = runs.hello;
    const body = slashBody('hello');
    const r = await send(h.url, body, signatureHeaders(body, now() + 3600));
    expect(r.status).toBe(401);
    await settle();
    expect(runs.hello).toBe(before);
    expect(h.slack.of('chat.postMessage')).toHaveLength(0);
    expect(h.logs.some((l) => l.includes('timestamp') && l.includes('future'))).toBe(true);
  });

  it.each([
    ['six minutes ahead', 6 * 60, 401],
    ['six minutes behind', -6 * 60, 401],
    ['four minutes ahead (clock skew)', 4 * 60, 200],
    ['four minutes behind', -4 * 60, 200],
  ])('a request signed %s (%i s) answers %i', async (_label, offset, status) => {
    const body = slashBody('help');
    const r = await send(h.url, body, signatureHeaders(body, now() + offset));
    expect(r.status).toBe(status);
  });

  it('refuses a request whose timestamp is not a number', async () => {
    const body = slashBody('help');
    const headers = { ...signatureHeaders(body), 'x-slack-request-timestamp': 'soon' };
    expect((await send(h.url, body, headers)).status).toBe(401);
  });

  it('runs a signed request once: the same request sent three times is refused twice', async () => {
    const before = runs.hello;
    const body = slashBody('hello');
    const headers = signatureHeaders(body);
    const statuses: number[] = [];
    for (let i = 0; i < 3; i++) statuses.push((await send(h.url, body, headers)).status);
    expect(statuses).toEqual([200, 401, 401]);
    await h.slack.waitFor('chat.postMessage', (c) => bodyText(c).includes(`hello number ${before + 1}`));
    await settle();
    expect(runs.hello).toBe(before + 1);
    expect(h.slack.of('chat.postMessage')).toHaveLength(1);
    expect(h.logs.filter((l) => l.includes('replay'))).toHaveLength(2);
  });

  it('refuses replays sent at the same moment: only one of them runs', async () => {
    const before = runs.hello;
    const body = slashBody('hello');
    const headers = signatureHeaders(body);
    const statuses = (await Promise.all([1, 2, 3, 4].map(() => send(h.url, body, headers)))).map((a) => a.status).sort();
    expect(statuses).toEqual([200, 401, 401, 401]);
    await settle(500);
    expect(runs.hello).toBe(before + 1);
  });

  it('refuses a replayed button press', async () => {
    const before = runs.hello;
    const body = pressBody('stackmedic_run', '/testops hello', { user: USERS.viewer, channel: OPS_CHANNEL, channelName: 'ops' });
    const headers = signatureHeaders(body);
    expect((await send(h.url, body, headers)).status).toBe(200);
    expect((await send(h.url, body, headers)).status).toBe(401);
    await h.slack.waitFor('chat.postMessage', (c) => bodyText(c).includes(`hello number ${before + 1}`));
    await settle();
    expect(runs.hello).toBe(before + 1);
  });

  it('still answers an unsigned ssl_check (Slack sends it without a signature)', async () => {
    expect((await send(h.url, 'ssl_check=1&token=x', {})).status).toBe(200);
  });

  it.each([
    ['application/json', (text: string) => JSON.stringify(Object.fromEntries(new URLSearchParams(slashBody(text))))],
    ['text/plain', slashBody],
    ['multipart/form-data; boundary=x', slashBody],
    ['application/x-www-form-urlencoded-evil', slashBody],
  ])('refuses a correctly signed slash command sent as %s with 400, and runs nothing', async (contentType, make) => {
    const before = runs.hello;
    const body = make('hello');
    const r = await send(h.url, body, signatureHeaders(body), contentType);
    expect(r.status).toBe(400);
    await settle();
    expect(runs.hello).toBe(before);
    expect(h.slack.of('chat.postMessage')).toHaveLength(0);
  });

  it('refuses a signed request without a content type with 400', async () => {
    const body = slashBody('hello');
    const res = await fetch(h.url, { method: 'POST', headers: signatureHeaders(body), body: Buffer.from(body) });
    expect(res.status).toBe(400);
  });

  it('accepts the form encoding with a charset parameter', async () => {
    const before = runs.hello;
    const body = slashBody('hello');
    const r = await send(h.url, body, signatureHeaders(body), 'application/x-www-form-urlencoded; charset=utf-8');
    expect(r.status).toBe(200);
    await h.slack.waitFor('chat.postMessage', (c) => bodyText(c).includes(`hello number ${before + 1}`));
  });
});

describe('replays across a restart', () => {
  const open: Harness[] = [];
  afterEach(async () => {
    while (open.length) await open.pop()?.close();
  });

  it('refuses, after a restart on the same store, a request the previous run accepted', async () => {
    const db = freshDb();
    const first = await startHarness({ inventory, families: [family], databasePath: db });
    open.push(first);
    const before = runs.hello;
    const body = slashBody('hello');
    const headers = signatureHeaders(body);
    expect((await send(first.url, body, headers)).status).toBe(200);
    await first.slack.waitFor('chat.postMessage', (c) => bodyText(c).includes(`hello number ${before + 1}`));
    await open.pop()?.close();

    const second = await startHarness({ inventory, families: [family], databasePath: db });
    open.push(second);
    expect((await send(second.url, body, headers)).status).toBe(401);
    await settle();
    expect(runs.hello).toBe(before + 1);
    expect(second.slack.of('chat.postMessage')).toHaveLength(0);
  });

  it('forgets signatures once their timestamp is outside the window (the store does not grow)', async () => {
    const db = freshDb();
    const h = await startHarness({ inventory, families: [family], databasePath: db });
    open.push(h);
    await h.stackmedic.store.run('INSERT INTO slack_request_seen (signature, request_ts, seen_at) VALUES (?, ?, ?)', ['v0=old', now() - 3600, 'then']);
    const body = slashBody('help');
    const headers = signatureHeaders(body);
    expect((await send(h.url, body, headers)).status).toBe(200);
    const left = await h.stackmedic.store.all<{ signature: string }>('SELECT signature FROM slack_request_seen');
    expect(left.map((r) => r.signature)).toEqual([headers['x-slack-signature']]);
  });
});

describe('the channel rule holds for buttons', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ inventory, families: [family], databasePath: freshDb() });
  });
  afterAll(async () => {
    await h?.close();
  });
  beforeEach(async () => {
    h.slack.reset();
  });

  async function ask(): Promise<{ id: string; ts: string }> {
    const body = slashBody('reset node-18', { user: USERS.operator });
    expect((await send(h.url, body, signatureHeaders(body))).status).toBe(200);
    const post: SlackCall = await h.slack.waitFor('chat.postMessage', (c) => bodyText(c).includes('Confirm: /testops reset node-18'));
    const actions = (post.body.blocks as { type: string; elements?: { action_id: string; value: string }[] }[]).find((b) => b.type === 'actions');
    const id = actions?.elements?.find((e) => e.action_id === 'stackmedic_confirm')?.value ?? '';
    for (let i = 0; i < 100; i++) {
      const row = await h.stackmedic.store.get<{ message_ts: string | null }>('SELECT message_ts FROM slack_confirmation WHERE id = ?', [id]);
      if (row?.message_ts) break;
      await settle(20);
    }
    return { id, ts: String(post.response?.ts) };
  }

  async function press(actionId: string, value: string, user: string, channel: string, channelName: string, messageTs?: string): Promise<void> {
    const body = pressBody(actionId, value, { user, channel, channelName, ...(messageTs ? { messageTs } : {}) });
    expect((await send(h.url, body, signatureHeaders(body))).status).toBe(200);
  }

  it.each([
    ['stackmedic_confirm', 'Confirm'],
    ['stackmedic_cancel', 'Cancel'],
  ])('refuses a %s press from a channel not allowed for commands, audits it, and the confirmation stays pending', async (actionId, label) => {
    const before = runs.reset;
    const { id, ts } = await ask();
    await press(actionId, id, USERS.admin, 'CRANDOM', 'random', ts);
    const told = await h.slack.waitFor('chat.postEphemeral', (c) => c.body.user === USERS.admin);
    expect(bodyText(told)).toContain('stackmedic takes commands only in <#COPS>');
    await settle();
    expect(runs.reset).toBe(before);
    // The refusal is answered at once and audited right after (not awaited): poll for the record.
    const refused = await eventually(
      async () =>
        (await h.stackmedic.services.audit.list(5)).find(
          (e) => e.kind === 'button' && e.outcome === 'refused' && e.actorId === USERS.admin && e.command.startsWith(label),
        ),
      { what: 'the refused press in the audit' },
    );
    expect(refused.detail).toContain('channel random is not configured');
    expect(refused.channel).toBe('CRANDOM');
    const state = await h.stackmedic.store.get<{ state: string }>('SELECT state FROM slack_confirmation WHERE id = ?', [id]);
    expect(state?.state).toBe('pending');
    expect(h.slack.of('chat.update').filter((c) => c.body.ts === ts)).toHaveLength(0);

    // The same press from the channel the confirmation lives in is honoured.
    await press(actionId, id, USERS.admin, OPS_CHANNEL, 'ops', ts);
    const done = label === 'Confirm' ? 'finished: reset done on node-18' : 'Cancelled by <@UADMIN>';
    await h.slack.waitFor('chat.update', (c) => c.body.ts === ts && bodyText(c).includes(done));
  });

  it('refuses a run button from a channel not allowed for commands, and audits it', async () => {
    const before = runs.hello;
    await press('stackmedic_run', '/testops hello', USERS.viewer, 'CRANDOM', 'random');
    const told = await h.slack.waitFor('chat.postEphemeral', (c) => c.body.user === USERS.viewer);
    expect(bodyText(told)).toContain('stackmedic takes commands only in <#COPS>');
    await settle();
    expect(runs.hello).toBe(before);
    await until(
      async () =>
        (await h.stackmedic.services.audit.list(3)).some((e) => e.kind === 'button' && e.outcome === 'refused' && e.command === 'Run button: /testops hello'),
      { what: 'the refused run button in the audit' },
    );
  });
});

describe('channels configured by name hold for buttons as for commands', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ inventory, families: [family], databasePath: freshDb(), permissionsYaml: 'channels:\n  - ops\n' });
  });
  afterAll(async () => {
    await h?.close();
  });

  it('runs a run button pressed in the channel named in the permissions file', async () => {
    const before = runs.hello;
    const body = pressBody('stackmedic_run', '/testops hello', { user: USERS.viewer, channel: 'CNAMED', channelName: 'ops' });
    expect((await send(h.url, body, signatureHeaders(body))).status).toBe(200);
    await h.slack.waitFor('chat.postMessage', (c) => bodyText(c).includes(`hello number ${before + 1}`));
  });
});
