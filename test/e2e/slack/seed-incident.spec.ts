import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startSimCluster, type SimCluster } from '../../../src/sim/index.js';
import { bodyText, OPS_CHANNEL, startHarness, USERS, type Harness, type SlackCall } from './harness.js';

/** Every text Slack would show for a message: header, sections, context. */
function shownText(call: SlackCall): string {
  const blocks = (call.body.blocks ?? []) as { type: string; text?: { text?: string }; fields?: { text?: string }[]; elements?: { text?: string }[] }[];
  return blocks
    .flatMap((b) => [b.text?.text, ...(b.fields ?? []).map((f) => f.text), ...(b.elements ?? []).map((e) => e.text)])
    .filter((t): t is string => typeof t === 'string')
    .join('\n');
}

/** Runs a dangerous command the way an operator does in Slack: type it, read the plan, press Confirm. */
async function confirmThroughSlack(command: string): Promise<string> {
  h.slack.reset();
  const r = await h.slash(command.split(' ')[0] ?? '', command.split(' ').slice(1).join(' '), { user: USERS.operator });
  expect(r.status).toBe(200);
  const ask = await h.slack.waitFor('chat.postMessage', (c) => bodyText(c).includes(`Confirm: ${command}`), 60_000);
  const actions = (ask.body.blocks as { type: string; elements?: { action_id: string; value: string }[] }[]).find((b) => b.type === 'actions');
  const id = actions?.elements?.find((e) => e.action_id === 'stackmedic_confirm')?.value ?? '';
  await h.press('stackmedic_confirm', id, { user: USERS.operator, messageTs: String(ask.response?.ts) });
  const done = await h.slack.waitFor('chat.update', (c) => c.body.ts === ask.response?.ts && /(finished|failed): /.test(shownText(c)), 120_000);
  return shownText(done);
}

let sim: SimCluster;
let h: Harness;

beforeAll(async () => {
  sim = await startSimCluster({ scenario: 'seed-incident' });
  h = await startHarness({ inventory: sim.inventory });
});

afterAll(async () => {
  await h?.close();
  await sim?.stop();
});

beforeEach(() => {
  h.slack.reset();
});

describe('Slack against the simulated seed-incident cluster', () => {
  it('answers a signed /cluster ping with every simulated node', async () => {
    const r = await h.slash('/cluster', 'ping', { user: USERS.viewer });
    expect(r.status).toBe(200);
    const post = await h.slack.waitFor('chat.postMessage', (c) => c.body.channel === OPS_CHANNEL);
    for (const node of sim.inventory.nodes) expect(shownText(post)).toContain(node.name);
  });

  it("posts /cluster status naming node-10's full disk and the down services", async () => {
    const r = await h.slash('/cluster', 'status', { user: USERS.viewer });
    expect(r.status).toBe(200);
    expect(r.ms).toBeLessThan(3000);
    // The status reports its progress in a message, then replaces it with the result.
    const isResult = (c: SlackCall): boolean =>
      c.body.channel === OPS_CHANNEL && c.body.thread_ts === undefined && !shownText(c).includes(':hourglass_flowing_sand:');
    const post = await Promise.race([h.slack.waitFor('chat.update', isResult, 60_000), h.slack.waitFor('chat.postMessage', isResult, 60_000)]);
    const text = shownText(post);
    const blocks = post.body.blocks as { type: string }[];
    expect(blocks[0]?.type).toBe('header');
    expect(blocks.filter((b) => b.type === 'header')).toHaveLength(1);
    // node-10's root disk, full of cinder's image conversion leftovers: the root cause.
    expect(text).toMatch(/node-10 \/ 100% full, 0 B free/);
    expect(text).toMatch(/Likely cause:\* Disk full \(df\) on node-10/);
    // The services it took down.
    expect(text).toMatch(/RabbitMQ not running on node-10/);
    expect(text).toMatch(/MySQL\/Galera not running on node-10/);
    expect(text).toMatch(/nova-compute DOWN on node-18, node-19, node-20/);
    expect(text).toMatch(/agents DOWN on node-10/);
    expect(text).toMatch(/resources stopped on node-10/);
  }, 90_000);

  it('refuses /compute fix-libvirt node-18 from a viewer', async () => {
    const viewer = await h.slash('/compute', 'fix-libvirt node-18', { user: USERS.viewer });
    expect(viewer.json?.response_type).toBe('ephemeral');
    expect(JSON.stringify(viewer.json)).toContain('Not allowed: /compute fix-libvirt needs the operator role; you are a viewer.');
    expect(h.slack.of('chat.postMessage')).toHaveLength(0);
  });

  it('asks an operator to confirm /compute fix-libvirt node-18 once the seed is healed in order through Slack', async () => {
    // Before RabbitMQ is healed the runbook refuses, saying why and what to run first.
    // The ack comes first ("running…"); the refusal follows, to the asker only.
    const early = await h.slash('/compute', 'fix-libvirt node-18', { user: USERS.operator });
    expect(JSON.stringify(early.json ?? '')).toMatch(/running `\/compute fix-libvirt node-18`/);
    const refusal = await h.slack.waitFor('*', (c) => /Refused: .*RabbitMQ.*\/rabbit heal node-10/.test(bodyText(c)), 60_000);
    expect(refusal.method === 'chat.postEphemeral' || refusal.method.startsWith('response_url:')).toBe(true);

    for (const command of ['/cluster free-disk node-10', '/rabbit heal node-10']) {
      const outcome = await confirmThroughSlack(command);
      expect(outcome, command).toMatch(/finished: /);
    }

    h.slack.reset();
    const operator = await h.slash('/compute', 'fix-libvirt node-18', { user: USERS.operator });
    expect(operator.status).toBe(200);
    const ask = await h.slack.waitFor('chat.postMessage', (c) => bodyText(c).includes('Confirm: /compute fix-libvirt node-18'), 60_000);
    const text = shownText(ask);
    expect(text).toMatch(/\[node-18\]/);
    expect(text).toMatch(/libvirtd/);
    expect(text).toMatch(/nova-compute/);
    const buttons = (ask.body.blocks as { type: string; elements?: { action_id?: string }[] }[]).find((b) => b.type === 'actions');
    expect(buttons?.elements?.map((e) => e.action_id)).toEqual(['stackmedic_confirm', 'stackmedic_cancel']);
  }, 180_000);
});
