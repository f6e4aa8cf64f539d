import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Inventory } from '../../../src/inventory/types.js';
import { defineCommand, defineFamily } from '../../../src/router/command.js';
import type { SlackBlock } from '../../../src/router/types.js';
import { bodyText, signatureHeaders, slashForm, startHarness, USERS, type Harness, type SlackCall } from './harness.js';

/**
 * Output Slack would refuse, and mentions, over signed requests to the real Bolt receiver: every
 * ack and every Web API call stays within Slack's limits (50 blocks, 3,000 characters a section,
 * 40,000 a message), echoes of user input are capped, and user or node text never acts as a
 * mention or a link.
 */

const inventory: Inventory = {
  cluster: 'offline',
  knownHostsPath: '/dev/null',
  nodes: [{ name: 'node-18', address: '127.0.0.1', port: 1, user: 'root', roles: ['compute'], become: false }],
  jumpHosts: [],
  source: 'inline',
};

/** What a hostile node (or user) would like to see acting in the channel. */
const HOSTILE = '<!channel> <!here> <@UEVIL> <!subteam^SEVIL> <http://evil.example/|click here>';
const RAW_MARKUP = ['<!channel>', '<!here>', '<@UEVIL>', '<!subteam^SEVIL>', '<http://evil.example'];

const huge = (i: number): string => `item ${i} ${'w'.repeat(2900)}`;

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
        return { ok: true, title: 'hello', text: '' };
      },
    }),
    defineCommand({
      family: 'testops',
      name: 'node-says',
      summary: 'repeats what a node reported, in the title, the text, the blocks and a progress step',
      args: [],
      permission: 'viewer',
      async run(ctx) {
        ctx.progress(`step 1/1: node-18 says ${HOSTILE}`);
        await new Promise((resolve) => setTimeout(resolve, 200));
        return { ok: false, title: `node-18 reports ${HOSTILE}`, text: `log line: ${HOSTILE}` };
      },
    }),
    defineCommand({
      family: 'testops',
      name: 'wide',
      summary: 'sixty sections of almost 3,000 characters each, as its own blocks',
      args: [],
      permission: 'viewer',
      async run() {
        const blocks: SlackBlock[] = Array.from({ length: 60 }, (_, i) => ({ type: 'section', text: { type: 'mrkdwn', text: huge(i) } }));
        return { ok: true, title: 'wide output', text: '', blocks };
      },
    }),
    defineCommand({
      family: 'testops',
      name: 'long-title',
      summary: 'a verdict of 200,000 characters',
      args: [],
      permission: 'viewer',
      async run() {
        return { ok: false, title: `${'v'.repeat(200_000)} END-OF-TITLE`, text: 'details' };
      },
    }),
    defineCommand({
      family: 'testops',
      name: 'big-reset',
      summary: 'a dangerous command whose plan is 90,000 characters long',
      args: [],
      permission: 'operator',
      dangerous: true,
      async plan() {
        return {
          summary: 'Reset 400 things',
          actions: Array.from({ length: 400 }, (_, i) => ({
            node: 'node-18',
            description: `reset thing ${i}`,
            command: `reset-thing --id ${i} ${'a'.repeat(180)}`,
          })),
        };
      },
      async run() {
        return { ok: true, title: 'reset', text: '' };
      },
    }),
  ],
});

type Block = { type: string; text?: { text: string }; fields?: { text: string }[]; elements?: { text?: string | { text: string } }[] };

function chars(value: unknown, key = ''): number {
  if (typeof value === 'string') return key === 'text' ? value.length : 0;
  if (Array.isArray(value)) return value.reduce((n: number, v) => n + chars(v, key), 0);
  if (value && typeof value === 'object') return Object.entries(value).reduce((n, [k, v]) => n + chars(v, k), 0);
  return 0;
}

/** Asserts what Slack checks before taking a message. */
function expectSlackTakes(payload: Record<string, unknown> | undefined, what: string): void {
  expect(payload, what).toBeDefined();
  const blocks = (payload?.blocks ?? []) as Block[];
  expect(blocks.length, `${what}: blocks`).toBeLessThanOrEqual(50);
  for (const b of blocks) {
    if (b.type === 'section') expect(b.text?.text.length ?? 0, `${what}: a section`).toBeLessThanOrEqual(3000);
    if (b.type === 'header') expect(b.text?.text.length ?? 0, `${what}: a header`).toBeLessThanOrEqual(150);
  }
  const text = typeof payload?.text === 'string' ? payload.text : '';
  expect(text.length + chars(blocks), `${what}: the whole message`).toBeLessThanOrEqual(40_000);
}

function expectNoLiveMarkup(serialized: string, what: string): void {
  for (const raw of RAW_MARKUP) expect(serialized, `${what} carries ${raw} as markup`).not.toContain(raw);
}

/** A `/testops` slash command as Slack form-encodes it (the harness's form), a viewer's unless told. */
function slashBody(text: string, o: { channel?: string; channelName?: string; user?: string } = {}): string {
  return slashForm('/testops', text, { ...o, user: o.user ?? USERS.viewer });
}

interface Ack {
  readonly status: number;
  readonly raw: string;
  readonly json: Record<string, unknown> | undefined;
}

async function slash(h: Harness, text: string, o: { channel?: string; channelName?: string; user?: string } = {}): Promise<Ack> {
  const body = slashBody(text, o);
  const res = await fetch(h.url, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', ...signatureHeaders(body) }, body });
  const raw = await res.text();
  let json: Record<string, unknown> | undefined;
  try {
    json = raw ? (JSON.parse(raw) as Record<string, unknown>) : undefined;
  } catch {
    json = undefined;
  }
  return { status: res.status, raw, json };
}

/** Every Web API call and response_url message so far must be one Slack takes. */
function expectEveryCallTaken(h: Harness): void {
  for (const c of h.slack.calls.filter((c: SlackCall) => /^(chat\.|response_url:)/.test(c.method))) expectSlackTakes(c.body, c.method);
}

const dirs: string[] = [];
async function harness(): Promise<Harness> {
  const dir = mkdtempSync(join(tmpdir(), 'stackmedic-limits-'));
  dirs.push(dir);
  return startHarness({ inventory, families: [family], databasePath: join(dir, 'db.sqlite') });
}

afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

describe('echoes of user input', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await harness();
  });
  afterAll(async () => {
    await h?.close();
  });
  beforeEach(() => {
    h.slack.reset();
  });

  it.each([
    ['1 MB word', 'a'.repeat(1024 * 1024)],
    ['100 KB of words', `hello ${'x '.repeat(50_000)}`],
  ])('answers a %s with a short usage error in the ack', async (_label, text) => {
    const r = await slash(h, text);
    expect(r.status).toBe(200);
    expect(r.raw.length).toBeLessThan(5000);
    expectSlackTakes(r.json, 'the ack');
    expect(r.raw).toContain('characters long; commands take at most 1000');
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(h.slack.of('chat.postMessage')).toHaveLength(0);
  });

  it('shows mentions and links typed in a command as text, never as markup', async () => {
    const r = await slash(h, `hello ${HOSTILE}`);
    expect(r.status).toBe(200);
    expectNoLiveMarkup(r.raw, 'the ack');
    // Not even the lone "<" the error names: the only markup left is stackmedic's own mention of the asker.
    expect(r.raw.replaceAll(`<@${USERS.viewer}>`, '')).not.toContain('<');
    expect(r.raw).toContain('unexpected \\"&lt;\\" in the command');
  });

  it('names an invisible direction character by code point in the ack, never raw', async () => {
    const r = await slash(h, 'hello node\u202e-18');
    expect(r.raw).toContain('U+202E RIGHT-TO-LEFT OVERRIDE');
    expect(r.raw).not.toContain('\u202e');
    expect(r.raw).not.toContain('\\u202e');
  });

  it('escapes and caps the command echoed in a channel refusal', async () => {
    const r = await slash(h, `hello ${HOSTILE} ${'y'.repeat(5000)}`, { channel: 'CRANDOM', channelName: 'random' });
    expect(String(r.json?.text)).toContain('stackmedic takes commands only in <#COPS>');
    expectNoLiveMarkup(r.raw, 'the refusal');
    expect(r.raw.length).toBeLessThan(1000);
    expect(r.raw).toMatch(/\.\.\. \(\d+ more characters\)/);
  });
});

describe('while a slow user-group lookup holds the ack', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await harness();
    // The viewer is in no users entry: the SOPS group is listed, and Slack takes its time.
    h.slack.delays['usergroups.users.list'] = 1500;
  });
  afterAll(async () => {
    await h?.close();
  });

  it('acks "running" with the command escaped and capped, then answers within the limits', async () => {
    const r = await slash(h, `hello ${HOSTILE} ${'z'.repeat(600)}`);
    expect(r.status).toBe(200);
    expect(String(r.json?.text)).toMatch(/^running `/);
    expectNoLiveMarkup(r.raw, 'the running ack');
    expect(String(r.json?.text).length).toBeLessThan(500);
    const answer = await h.slack.waitFor('chat.postEphemeral');
    expectNoLiveMarkup(bodyText(answer), 'the answer');
    expect(bodyText(answer)).toContain('unexpected');
    expectEveryCallTaken(h);
  });
});

describe('replies within Slack limits, node text shown as text', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await harness();
  });
  afterAll(async () => {
    await h?.close();
  });
  beforeEach(() => {
    h.slack.reset();
  });

  it('never lets node text act as a mention or link: title, fallback text, output and progress', async () => {
    await slash(h, 'node-says');
    const result = await h.slack.waitFor('chat.update', (c) => bodyText(c).includes('node-18 reports'));
    const progress = h.slack.of('chat.postMessage')[0];
    expect(progress && bodyText(progress)).toContain('node-18 says');
    for (const c of h.slack.calls) expectNoLiveMarkup(bodyText(c), c.method);
    expect(bodyText(result)).toContain('&lt;!channel&gt;');
  });

  it('spreads sixty 3,000-character blocks over messages Slack takes, nothing lost', async () => {
    await slash(h, 'wide');
    await h.slack.waitFor('chat.postMessage', (c) => bodyText(c).includes('item 59 '));
    expectEveryCallTaken(h);
    const all = h.slack.of('chat.postMessage').map(bodyText).join('\n');
    for (let i = 0; i < 60; i++) expect(all).toContain(huge(i));
    const main = h.slack.of('chat.postMessage')[0];
    expect(main && bodyText(main)).toContain('continued in the thread');
  });

  it('cuts a 200,000-character verdict with "... (N more characters)" and attaches the rest in the thread', async () => {
    await slash(h, 'long-title');
    await h.slack.waitFor('files.completeUploadExternal');
    expectEveryCallTaken(h);
    const main = h.slack.of('chat.postMessage')[0];
    expect(main && bodyText(main)).toMatch(/\.\.\. \(\d+ more characters\)/);
    expect(main && bodyText(main)).toContain('rest.txt');
    const upload = h.slack.of('upload:')[0];
    expect(upload?.body.content).toContain('END-OF-TITLE');
  });

  it('shows a 90,000-character plan over messages Slack takes, the buttons in the first, every action somewhere', async () => {
    await slash(h, 'big-reset', { user: USERS.operator });
    const ask = await h.slack.waitFor('chat.postMessage', (c) => bodyText(c).includes('Confirm: /testops big-reset'));
    await h.slack.waitFor('chat.postMessage', (c) => bodyText(c).includes('reset thing 399'));
    expectEveryCallTaken(h);
    expect(((ask.body.blocks ?? []) as Block[]).some((b) => b.type === 'actions')).toBe(true);
    expect(bodyText(ask)).toContain('the plan continues in the thread');
    const all = h.slack.of('chat.postMessage').map(bodyText).join('\n');
    for (let i = 0; i < 400; i++) expect(all).toContain(`reset thing ${i}\\n`);
  });
});
