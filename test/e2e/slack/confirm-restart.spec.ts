import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { Inventory } from '../../../src/inventory/types.js';
import { defineCommand, defineFamily } from '../../../src/router/command.js';
import { bodyText, startHarness, USERS, type Harness, type SlackCall } from './harness.js';
import { until } from '../../support/wait.js';

/** No SSH needed: the command only reports what it would do, so the test pins the confirmation's life. */
const inventory: Inventory = {
  cluster: 'offline',
  knownHostsPath: '/dev/null',
  nodes: [{ name: 'node-18', address: '127.0.0.1', port: 1, user: 'root', roles: ['compute'], become: false }],
  jumpHosts: [],
  source: 'inline',
};

const family = defineFamily({
  name: 'testops',
  summary: 'test-only',
  commands: [
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
        return { ok: true, title: `reset done on ${ctx.args.positional.node ?? ''}`, text: '' };
      },
    }),
  ],
});

const open: Harness[] = [];
afterEach(async () => {
  while (open.length) await open.pop()?.close();
});

async function harness(databasePath: string, confirmationTtlMs?: number): Promise<Harness> {
  const h = await startHarness({ inventory, families: [family], databasePath, ...(confirmationTtlMs ? { confirmationTtlMs } : {}) });
  open.push(h);
  return h;
}

async function ask(h: Harness): Promise<{ id: string; ts: string }> {
  await h.slash('/testops', 'reset node-18', { user: USERS.operator });
  const post: SlackCall = await h.slack.waitFor('chat.postMessage', (c) => bodyText(c).includes('Confirm: /testops reset node-18'));
  const actions = (post.body.blocks as { type: string; elements?: { action_id: string; value: string }[] }[]).find((b) => b.type === 'actions');
  const id = actions?.elements?.find((e) => e.action_id === 'stackmedic_confirm')?.value ?? '';
  // The request is recorded when Slack answers the post; wait for that before "restarting".
  const stored = async (): Promise<unknown> =>
    (await h.stackmedic.store.get<{ message_ts: string | null }>('SELECT message_ts FROM slack_confirmation WHERE id = ?', [id]))?.message_ts;
  await until(async () => Boolean(await stored()), { what: 'the confirmation request stored with its message ts' });
  return { id, ts: String(post.response?.ts) };
}

describe('confirmations across a restart', () => {
  it('a confirmation asked before a restart can be confirmed after it', async () => {
    const db = join(mkdtempSync(join(tmpdir(), 'stackmedic-restart-')), 'db.sqlite');
    const first = await harness(db);
    const { id, ts } = await ask(first);
    await open.pop()?.close();

    const second = await harness(db);
    await second.press('stackmedic_confirm', id, { user: USERS.admin, messageTs: ts });
    const result = await second.slack.waitFor('chat.postMessage', (c) => bodyText(c).includes('reset done on node-18'));
    expect(bodyText(result)).toContain('<@UADMIN>');
    // The confirmation message's last update need not come before the result's post.
    await second.slack.waitFor('chat.update', (c) => bodyText(c).includes('finished: reset done on node-18'));
    const update = second.slack.of('chat.update').map(bodyText).at(-1);
    expect(update).toContain('Confirmed by <@UADMIN>');
    expect(update).toContain('finished: reset done on node-18');
  });

  it('a confirmation that expired while stackmedic was down is marked expired at start-up', async () => {
    const db = join(mkdtempSync(join(tmpdir(), 'stackmedic-restart-')), 'db.sqlite');
    const first = await harness(db, 200);
    await ask(first);
    await open.pop()?.close();
    await new Promise((resolve) => setTimeout(resolve, 300));

    const second = await harness(db, 200);
    const update = await second.slack.waitFor('chat.update', (c) => bodyText(c).includes('Expired at'));
    expect(bodyText(update)).toContain('nothing was run');
    const request = (await second.stackmedic.services.audit.list(5)).find((e) => e.command === '/testops reset node-18' && e.kind === 'command');
    expect(request?.outcome).toBe('expired');
  });
});
