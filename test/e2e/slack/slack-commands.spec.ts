import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { builtinFamilies } from '../../../commands/index.js';
import { loadInventory } from '../../../src/inventory/load.js';
import { defineCommand, defineFamily } from '../../../src/router/command.js';
import { remote, sh } from '../../../src/ssh/shell.js';
import { SLASH_COMMANDS } from '../../../src/slack/app.js';
import { startSshdCluster, type SshdCluster } from '../../support/sshd.js';
import { bodyText, OPS_CHANNEL, startHarness, USERS, type Harness, type SlackCall } from './harness.js';

/** Resolves once a call to the fake Slack carries `text`; fails after 20 s. */
async function shownInSlack(text: string): Promise<void> {
  const deadline = Date.now() + 20_000;
  while (!h.slack.calls.some((c) => bodyText(c).includes(text))) {
    if (Date.now() > deadline) throw new Error(`Slack never showed ${text}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** A test-only family: a dangerous command with progress, and outputs of every size. */
const testops = defineFamily({
  name: 'testops',
  summary: 'test-only commands',
  commands: [
    defineCommand({
      family: 'testops',
      name: 'restart',
      summary: 'restart the fake service on a node',
      args: [{ name: 'node', kind: 'node', description: 'the node' }],
      permission: 'operator',
      dangerous: true,
      async plan(ctx) {
        const node = ctx.args.positional.node ?? '';
        return { summary: `Restart fake-service on ${node}`, actions: [{ node, description: 'restart fake-service', command: 'fake-service restart' }] };
      },
      async run(ctx) {
        const node = ctx.args.positional.node ?? '';
        ctx.progress('step 1/2: restarting fake-service...');
        const r = await ctx.executor.exec(node, remote(sh`fake-service restart`));
        ctx.progress('step 2/2: verifying fake-service...');
        await new Promise((resolve) => setTimeout(resolve, 300));
        return { ok: r.ok && r.exitCode === 0, title: `fake-service restarted on ${node}`, text: r.ok ? r.stdout : r.message };
      },
    }),
    defineCommand({
      family: 'testops',
      name: 'show-config',
      summary: 'print nova.conf of a node',
      args: [{ name: 'node', kind: 'node', description: 'the node' }],
      permission: 'viewer',
      async run(ctx) {
        const node = ctx.args.positional.node ?? '';
        const r = await ctx.executor.exec(node, remote(sh`fake-config`));
        return { ok: true, title: `nova.conf on ${node}`, text: r.ok ? r.stdout : r.message };
      },
    }),
    defineCommand({
      family: 'testops',
      name: 'steps',
      summary: 'a slow read-only command that reports its steps',
      args: [],
      permission: 'viewer',
      async run(ctx) {
        const steps = ['step 1/3: reading disks...', 'step 2/3: reading services...', 'step 3/3: reading logs...'];
        for (const [i, step] of steps.entries()) {
          ctx.progress(step);
          // The next step only once Slack shows this one: a slow Slack call on a loaded machine
          // would otherwise let the throttle fold step 2 into step 3 (latest wins, by design).
          if (i < steps.length - 1) await shownInSlack(step);
        }
        return { ok: true, title: 'all steps read', text: 'done' };
      },
    }),
    defineCommand({
      family: 'testops',
      name: 'medium',
      summary: 'a few thousand lines',
      args: [],
      permission: 'viewer',
      async run() {
        return { ok: true, title: 'medium output', text: Array.from({ length: 1500 }, (_, i) => `medium line ${i} ${'m'.repeat(20)}`).join('\n') };
      },
    }),
    defineCommand({
      family: 'testops',
      name: 'huge',
      summary: 'twenty thousand lines',
      args: [],
      permission: 'viewer',
      async run() {
        const lines = Array.from({ length: 20000 }, (_, i) => `huge line ${i} ${'h'.repeat(20)}`);
        lines[12345] = 'connection = mysql+pymysql://nova:dbpass123@10.0.0.5/nova';
        return { ok: true, title: 'huge output', text: lines.join('\n') };
      },
    }),
  ],
});

let cluster: SshdCluster;
let h: Harness;
let clockOffsetMs = 0;

beforeAll(async () => {
  cluster = await startSshdCluster({ names: ['node-10', 'node-11', 'node-18'], roles: { 'node-18': ['compute'] } });
  cluster.script('node-10', 'fake-service', 'echo "fake-service: restarted"; sleep 0.2');
  cluster.script(
    'node-10',
    'fake-config',
    `cat <<'EOF'
[DEFAULT]
transport_url = rabbit://nova:s3cretRabbit@192.168.0.5:5673/
[database]
connection = mysql+pymysql://nova:s3cretDb@192.168.0.5/nova
[keystone_authtoken]
password = s3cretKeystone
EOF`,
  );
  const inventory = loadInventory(cluster.inventoryPath, {});
  h = await startHarness({ inventory, families: [...builtinFamilies, testops], clock: () => new Date(Date.now() + clockOffsetMs) });
});

afterAll(async () => {
  await h?.close();
  await cluster?.close();
});

beforeEach(async () => {
  h.slack.reset();
});

function blocksOf(call: SlackCall): { type: string; text?: { text: string }; elements?: { action_id?: string; value?: string; text?: string }[] }[] {
  return (call.body.blocks ?? []) as never;
}

function tsOf(call: SlackCall): string {
  return String(call.response?.ts);
}

function confirmationIdOf(call: SlackCall): string {
  const actions = blocksOf(call).find((b) => b.type === 'actions');
  const value = actions?.elements?.find((e) => e.action_id === 'stackmedic_confirm')?.value;
  if (!value) throw new Error(`no Confirm button in ${bodyText(call)}`);
  return value;
}

describe('slash commands over signed HTTP requests', () => {
  it('answers /cluster help to the asker only, in the ack', async () => {
    const r = await h.slash('/cluster', 'help', { user: USERS.viewer });
    expect(r.status).toBe(200);
    expect(r.json?.response_type).toBe('ephemeral');
    const text = JSON.stringify(r.json);
    expect(text).toContain('/cluster ping');
    expect(text).toContain('/cluster audit');
    expect(h.slack.of('chat.postMessage')).toHaveLength(0);
  });

  it.each(SLASH_COMMANDS.map((name) => [name]))('answers /%s help', async (name) => {
    const r = await h.slash(`/${name}`, 'help', { user: USERS.viewer });
    expect(r.status).toBe(200);
    expect(r.json?.response_type).toBe('ephemeral');
    const exists = builtinFamilies.some((f) => f.name === name);
    expect(JSON.stringify(r.json)).toContain(exists ? `/${name}:` : `/${name}\` is not available in this stackmedic yet`);
  });

  it('explains an unknown subcommand with the family help', async () => {
    const r = await h.slash('/cluster', 'pnig', { user: USERS.viewer });
    expect(r.json?.response_type).toBe('ephemeral');
    expect(JSON.stringify(r.json)).toContain('unknown subcommand \\"pnig\\" for /cluster (did you mean ping?)');
  });

  it('names the known nodes when the node is not in the inventory', async () => {
    const r = await h.slash('/testops', 'show-config node-99', { user: USERS.viewer });
    expect(r.json?.response_type).toBe('ephemeral');
    expect(JSON.stringify(r.json)).toMatch(/unknown node \\"node-99\\".*node-10, node-11, node-18/);
  });

  it('posts /cluster ping in the channel with a header, the table and who asked', async () => {
    const r = await h.slash('/cluster', 'ping', { user: USERS.viewer });
    expect(r.status).toBe(200);
    const post = await h.slack.waitFor('chat.postMessage');
    expect(post.body.channel).toBe(OPS_CHANNEL);
    const blocks = blocksOf(post);
    expect(blocks[0]).toEqual({ type: 'header', text: { type: 'plain_text', text: 'All 3 nodes answer.', emoji: true } });
    expect(bodyText(post)).toMatch(/node-10\s+controller\s+ok/);
    expect(bodyText(post)).toContain('<@UVIEW>');
  });

  it('refuses a dangerous command from a viewer, ephemerally, and audits the denial', async () => {
    const r = await h.slash('/testops', 'restart node-10', { user: USERS.viewer });
    expect(r.json?.response_type).toBe('ephemeral');
    expect(JSON.stringify(r.json)).toContain('Not allowed: /testops restart needs the operator role; you are a viewer.');
    expect(h.slack.of('chat.postMessage')).toHaveLength(0);
    const denied = (await h.stackmedic.services.audit.list(5)).find((e) => e.command === '/testops restart node-10' && e.outcome === 'denied');
    expect(denied?.actorId).toBe(USERS.viewer);
  });

  it('refuses commands outside the configured channels, naming the allowed ones', async () => {
    const r = await h.slash('/cluster', 'ping', { channel: 'CRANDOM', channelName: 'random' });
    expect(r.status).toBe(200);
    expect(r.json?.response_type).toBe('ephemeral');
    expect(String(r.json?.text)).toContain('stackmedic takes commands only in <#COPS>');
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(h.slack.of('chat.postMessage')).toHaveLength(0);
  });

  it('refuses a forged signature with 401', async () => {
    const r = await h.slash('/cluster', 'ping', { secret: 'not-the-secret' });
    expect(r.status).toBe(401);
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(h.slack.calls.filter((c) => c.method !== 'auth.test')).toHaveLength(0);
  });

  it('refuses a stale timestamp with 401, even when correctly signed', async () => {
    const r = await h.slash('/cluster', 'ping', { timestamp: Math.floor(Date.now() / 1000) - 10 * 60 });
    expect(r.status).toBe(401);
  });

  it('shows the steps of a long command in one message, updated in place, then the result there', async () => {
    const r = await h.slash('/testops', 'steps', { user: USERS.viewer });
    expect(r.json?.text).toBe('running `/testops steps`…');
    const first = await h.slack.waitFor('chat.postMessage');
    expect(bodyText(first)).toContain('step 1/3: reading disks...');
    expect(bodyText(first)).toContain('<@UVIEW>');
    const final = await h.slack.waitFor('chat.update', (c) => bodyText(c).includes('all steps read'));
    expect(final.body.ts).toBe(tsOf(first));
    const updates = h.slack.of('chat.update').map(bodyText);
    expect(updates.some((u) => u.includes('step 2/3: reading services...'))).toBe(true);
    expect(h.slack.of('chat.postMessage')).toHaveLength(1);
  });

  it('redacts passwords from posted output', async () => {
    await h.slash('/testops', 'show-config node-10', { user: USERS.viewer });
    const post = await h.slack.waitFor('chat.postMessage');
    const text = bodyText(post);
    expect(text).toContain('rabbit://nova:****@192.168.0.5:5673/');
    expect(text).toContain('mysql+pymysql://nova:****@192.168.0.5/nova');
    expect(text).toContain('password = ****');
    expect(text).not.toMatch(/s3cret/);
  });

  it('moves medium output to thread replies under the message', async () => {
    await h.slash('/testops', 'medium', { user: USERS.viewer });
    const main = await h.slack.waitFor('chat.postMessage', (c) => c.body.thread_ts === undefined);
    await h.slack.waitFor('chat.postMessage', (c) => bodyText(c).includes('medium line 1499'));
    const replies = h.slack.of('chat.postMessage').filter((c) => c.body.thread_ts !== undefined);
    expect(replies.length).toBeGreaterThan(0);
    for (const reply of replies) expect(reply.body.thread_ts).toBe(tsOf(main));
    for (const c of h.slack.of('chat.postMessage')) {
      const blocks = blocksOf(c);
      expect(blocks.length).toBeLessThanOrEqual(50);
      for (const b of blocks) if (b.type === 'section') expect(b.text?.text.length).toBeLessThanOrEqual(3000);
    }
    expect(bodyText(main)).toContain('continued in the thread');
  });

  it('uploads very long output as a file in the thread (files.uploadV2), redacted', async () => {
    await h.slash('/testops', 'huge', { user: USERS.viewer });
    await h.slack.waitFor('files.completeUploadExternal');
    const main = h.slack.of('chat.postMessage')[0];
    expect(main && bodyText(main)).toContain('20000 lines in all');
    const asked = h.slack.of('files.getUploadURLExternal')[0];
    expect(asked?.body.filename).toBe('output.txt');
    const upload = h.slack.of('upload:')[0];
    expect(upload?.body.content).toContain('huge line 19999');
    expect(upload?.body.content).toContain('mysql+pymysql://nova:****@10.0.0.5/nova');
    expect(upload?.body.content).not.toContain('dbpass123');
    const complete = h.slack.of('files.completeUploadExternal')[0];
    expect(complete?.body.channel_id).toBe(OPS_CHANNEL);
  });

  it('retries a 429 from Slack and then posts', async () => {
    h.slack.failNext('chat.postMessage', 429, { 'retry-after': '0' });
    await h.slash('/cluster', 'ping', { user: USERS.viewer });
    await h.slack.waitFor('chat.postMessage', () => h.slack.of('chat.postMessage').length >= 2);
    const posts = h.slack.of('chat.postMessage');
    expect(posts).toHaveLength(2);
    expect(bodyText(posts[1] as SlackCall)).toContain('All 3 nodes answer.');
    expect(h.slack.of('response_url:')).toHaveLength(0);
  });

  it('falls back to the response_url, with a reference, when Slack refuses the post', async () => {
    h.slack.failNext('chat.postMessage', 200, {}, { ok: false, error: 'not_in_channel' });
    await h.slash('/cluster', 'ping', { user: USERS.viewer });
    const fallback = await h.slack.waitFor('response_url:');
    expect(fallback.body.response_type).toBe('in_channel');
    expect(bodyText(fallback)).toContain('All 3 nodes answer.');
    const ref = /ref ([0-9a-f]{8})/.exec(bodyText(fallback))?.[1];
    expect(ref).toBeDefined();
    expect(h.logs.some((l) => l.includes(`ref ${ref}`) && l.includes('not_in_channel'))).toBe(true);
  });
});

describe('confirmation buttons', () => {
  it('asks an operator to confirm, refuses a viewer’s press, runs on a permitted press with progress', async () => {
    const r = await h.slash('/testops', 'restart node-10', { user: USERS.operator });
    expect(r.status).toBe(200);
    const ask = await h.slack.waitFor('chat.postMessage', (c) => bodyText(c).includes('Confirm: /testops restart node-10'));
    expect(bodyText(ask)).toContain('[node-10] restart fake-service');
    expect(bodyText(ask)).toContain('$ fake-service restart');
    const id = confirmationIdOf(ask);

    const refused = await h.press('stackmedic_confirm', id, { user: USERS.viewer, messageTs: tsOf(ask) });
    expect(refused.status).toBe(200);
    const eph = await h.slack.waitFor('chat.postEphemeral');
    expect(eph.body.user).toBe(USERS.viewer);
    expect(bodyText(eph)).toContain('Only an operator or admin can confirm');
    expect((await h.stackmedic.services.audit.list(3)).some((e) => e.kind === 'button' && e.outcome === 'denied' && e.actorId === USERS.viewer)).toBe(true);

    await h.press('stackmedic_confirm', id, { user: USERS.groupOperator, messageTs: tsOf(ask) });
    const result = await h.slack.waitFor('chat.postMessage', (c) => bodyText(c).includes('fake-service restarted on node-10'));
    expect(bodyText(result)).toContain('fake-service: restarted');
    const updates = h.slack.of('chat.update').map(bodyText);
    expect(updates.some((u) => u.includes('Confirmed by <@UGRP>') && u.includes('running'))).toBe(true);
    expect(updates.some((u) => u.includes('step 1/2: restarting fake-service...') || u.includes('step 2/2: verifying fake-service...'))).toBe(true);
    expect(updates.at(-1)).toContain('finished: fake-service restarted on node-10');
    for (const u of h.slack.of('chat.update')) expect(blocksOf(u).some((b) => b.type === 'actions')).toBe(false);

    const trail = await h.stackmedic.services.audit.list(10);
    const ran = trail.find((e) => e.command === '/testops restart node-10' && e.outcome === 'ok' && e.actorId === USERS.groupOperator);
    expect(ran?.remote.map((x) => [x.node, x.command, x.exitCode])).toEqual([['node-10', 'fake-service restart', 0]]);
    expect(trail.some((e) => e.kind === 'button' && e.outcome === 'ok' && e.actorId === USERS.groupOperator)).toBe(true);

    const again = await h.press('stackmedic_confirm', id, { user: USERS.admin, messageTs: tsOf(ask) });
    expect(again.status).toBe(200);
    const already = await h.slack.waitFor('chat.postEphemeral', (c) => c.body.user === USERS.admin);
    expect(bodyText(already)).toContain('already confirmed by <@UGRP>');
  });

  it('lets a permitted user cancel, refuses an unpermitted one, and audits both', async () => {
    await h.slash('/testops', 'restart node-10', { user: USERS.admin });
    const ask = await h.slack.waitFor('chat.postMessage', (c) => bodyText(c).includes('Confirm: /testops restart node-10'));
    const id = confirmationIdOf(ask);
    await h.press('stackmedic_cancel', id, { user: USERS.viewer, messageTs: tsOf(ask) });
    const eph = await h.slack.waitFor('chat.postEphemeral');
    expect(bodyText(eph)).toContain('Only an operator or admin can cancel');
    await h.press('stackmedic_cancel', id, { user: USERS.operator, messageTs: tsOf(ask) });
    const update = await h.slack.waitFor('chat.update', (c) => bodyText(c).includes('Cancelled by <@UOPER>'));
    expect(bodyText(update)).toContain('nothing was run');
    const trail = await h.stackmedic.services.audit.list(10);
    expect(trail.some((e) => e.kind === 'button' && e.outcome === 'denied' && e.actorId === USERS.viewer && e.command.startsWith('Cancel'))).toBe(true);
    expect(trail.some((e) => e.kind === 'button' && e.outcome === 'cancelled' && e.actorId === USERS.operator)).toBe(true);
    expect(trail.some((e) => e.kind === 'command' && e.command === '/testops restart node-10' && e.outcome === 'cancelled')).toBe(true);
    const cancelled = trail.find((e) => e.kind === 'command' && e.command === '/testops restart node-10' && e.outcome === 'cancelled');
    expect(cancelled?.remote).toEqual([]);
    expect(h.slack.of('chat.postMessage').filter((c) => bodyText(c).includes('fake-service restarted'))).toHaveLength(0);
  });

  it('refuses a press after the confirmation expired and says so on the message', async () => {
    await h.slash('/testops', 'restart node-10', { user: USERS.operator });
    const ask = await h.slack.waitFor('chat.postMessage', (c) => bodyText(c).includes('Confirm: /testops restart node-10'));
    const id = confirmationIdOf(ask);
    clockOffsetMs = 11 * 60_000;
    try {
      await h.press('stackmedic_confirm', id, { user: USERS.operator, messageTs: tsOf(ask) });
      const eph = await h.slack.waitFor('chat.postEphemeral');
      expect(bodyText(eph)).toContain('This confirmation expired');
      const update = await h.slack.waitFor('chat.update', (c) => bodyText(c).includes('Expired at'));
      expect(blocksOf(update).some((b) => b.type === 'actions')).toBe(false);
      const trail = await h.stackmedic.services.audit.list(5);
      expect(trail.some((e) => e.kind === 'button' && e.outcome === 'expired')).toBe(true);
      expect(trail.some((e) => e.kind === 'command' && e.command === '/testops restart node-10' && e.outcome === 'expired')).toBe(true);
      expect(h.slack.of('chat.postMessage').filter((c) => bodyText(c).includes('fake-service restarted'))).toHaveLength(0);
    } finally {
      clockOffsetMs = 0;
    }
  });
});

describe('run buttons (recommended commands in incident summaries)', () => {
  it('runs a read-only command as the presser and posts the result', async () => {
    await h.press('stackmedic_run', '/cluster ping', { user: USERS.viewer });
    const post = await h.slack.waitFor('chat.postMessage', (c) => bodyText(c).includes('nodes answer'));
    expect(bodyText(post)).toContain('<@UVIEW>');
    expect((await h.stackmedic.services.audit.list(3)).some((e) => e.kind === 'button' && e.command === 'Run button: /cluster ping')).toBe(true);
  });

  it('asks for confirmation of a dangerous command, and refuses a viewer', async () => {
    await h.press('stackmedic_run', '/testops restart node-10', { user: USERS.viewer });
    const eph = await h.slack.waitFor('chat.postEphemeral');
    expect(bodyText(eph)).toContain('Not allowed: /testops restart needs the operator role; you are a viewer.');
    await h.press('stackmedic_run', '/testops restart node-10', { user: USERS.operator });
    const ask = await h.slack.waitFor('chat.postMessage', (c) => bodyText(c).includes('Confirm: /testops restart node-10'));
    expect(confirmationIdOf(ask)).toMatch(/^[0-9a-f]{24}$/);
  });
});

describe('audit and slow nodes', () => {
  it('/cluster audit lists who ran what, where, the remote commands and exit codes', async () => {
    await h.slash('/cluster', 'audit 50', { user: USERS.viewer });
    const post = await h.slack.waitFor('chat.postMessage', (c) => bodyText(c).includes('audit entries'));
    const text = bodyText(post);
    expect(text).toMatch(/ugrp \(UGRP\) via slack COPS \[command\] \/testops restart node-10 @node-10 -&gt; ok/);
    expect(text).toMatch(/node-10 \$ fake-service restart {2}=&gt; exit 0/);
    expect(text).toMatch(/uview \(UVIEW\) via slack COPS \[command\] \/testops restart node-10 @node-10 -&gt; denied/);
    expect(text).toMatch(/\[button\] Cancel: \/testops restart node-10 @node-10 -&gt; cancelled/);
  });

  it('acks within 3 seconds while a node takes 10 s to answer, then posts the result', async () => {
    cluster.script('node-11', 'hostname', 'sleep 10; echo node-11');
    try {
      const r = await h.slash('/cluster', 'ping', { user: USERS.viewer });
      expect(r.status).toBe(200);
      expect(r.ms).toBeLessThan(3000);
      expect(r.json?.response_type).toBe('ephemeral');
      expect(String(r.json?.text)).toBe('running `/cluster ping`…');
      const post = await h.slack.waitFor('chat.postMessage', () => true, 40_000);
      expect(bodyText(post)).toContain('node-11');
    } finally {
      cluster.script('node-11', 'hostname', 'exec /bin/hostname "$@"');
    }
  }, 60_000);
});
