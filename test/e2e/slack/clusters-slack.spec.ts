import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startClusterMonitoring } from '../../../src/app/cluster-monitoring.js';
import { readEnvOptions } from '../../../src/config/env.js';
import { startTwoClusters, type TwoClusters } from '../../support/two-clusters.js';
import { bodyText, OPS_CHANNEL, startHarness, USERS, type Harness, type SlackCall } from './harness.js';

const EAST_CHANNEL = 'CEAST';
const WEST_CHANNEL = 'CWEST';
/** A viewer everywhere, an operator on west only. */
const WEST_OPERATOR = 'UWESTOP';

const PERMISSIONS = `users:
  UADMIN: admin
  UOPER: operator
clusters:
  west:
    users:
      ${WEST_OPERATOR}: operator
channels:
  - ${OPS_CHANNEL}
  - ${EAST_CHANNEL}=east
  - ${WEST_CHANNEL}=west
`;

/** Every text Slack would show for a message: its text, sections and context. */
function shownText(call: SlackCall): string {
  const blocks = (call.body.blocks ?? []) as { text?: { text?: string }; fields?: { text?: string }[]; elements?: { text?: string }[] }[];
  return [
    String(call.body.text ?? ''),
    ...blocks.flatMap((b) => [b.text?.text, ...(b.fields ?? []).map((f) => f.text), ...(b.elements ?? []).map((e) => e.text)]),
  ]
    .filter((t): t is string => typeof t === 'string')
    .join('\n');
}

let two: TwoClusters;
let h: Harness;

/** The final message of a command run in `channel` (its progress message replaced by the result). */
async function resultIn(channel: string, pattern: RegExp): Promise<string> {
  const isResult = (c: SlackCall): boolean => c.body.channel === channel && c.body.thread_ts === undefined && pattern.test(shownText(c));
  const post = await Promise.race([h.slack.waitFor('chat.update', isResult, 60_000), h.slack.waitFor('chat.postMessage', isResult, 60_000)]);
  return shownText(post);
}

/** The audit rows whose command matches the SQL LIKE `pattern`, once `count` of them are in (polled, generous deadline). */
async function auditRows(pattern: string, count: number): Promise<{ command: string; cluster: string | null; outcome: string }[]> {
  const deadline = Date.now() + 60_000;
  for (;;) {
    const rows = await h.stackmedic.store.all<{ command: string; cluster: string | null; outcome: string }>(
      `SELECT command, cluster, outcome FROM audit_invocation WHERE command LIKE ? ORDER BY id`,
      [pattern],
    );
    if (rows.length >= count || Date.now() > deadline) return rows;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

beforeAll(async () => {
  two = await startTwoClusters({ east: 'healthy', west: 'seed-incident' });
  h = await startHarness({ inventory: two.set.clusters[0]!, clusters: two.set.clusters, permissionsYaml: PERMISSIONS });
});
afterAll(async () => {
  await h?.close();
  await two?.stop();
});
beforeEach(() => h.slack.reset());

describe('Slack with two clusters, a channel bound to each', () => {
  it('/cluster status in the channel bound to west means west, in the one bound to east means east', async () => {
    const west = await h.slash('/cluster', 'status', { user: USERS.viewer, channel: WEST_CHANNEL, channelName: 'ops-west' });
    expect(west.status).toBe(200);
    expect(await resultIn(WEST_CHANNEL, /CRITICAL: /)).toMatch(/node-10/);
    const east = await h.slash('/cluster', 'status', { user: USERS.viewer, channel: EAST_CHANNEL, channelName: 'ops-east' });
    expect(east.status).toBe(200);
    expect(await resultIn(EAST_CHANNEL, /HEALTHY: 6 nodes answer/)).not.toMatch(/CRITICAL/);
  });

  it('in an unbound channel, refuses a command without --cluster in the ack, listing the clusters', async () => {
    const r = await h.slash('/cluster', 'status', { user: USERS.viewer });
    expect(r.status).toBe(200);
    expect(r.json?.response_type).toBe('ephemeral');
    expect(bodyText({ method: 'ack', body: r.json ?? {} })).toMatch(/there are 2 clusters here \(east, west\): name one with --cluster NAME/);
    const unknown = await h.slash('/cluster', 'ping --cluster north', { user: USERS.viewer });
    expect(String(unknown.json?.text)).toMatch(/unknown cluster .*north.*the clusters are east, west/);
  });

  it('takes --cluster in an unbound channel, and over a binding', async () => {
    await h.slash('/cluster', 'status --cluster east', { user: USERS.viewer });
    expect(await resultIn(OPS_CHANNEL, /HEALTHY: 6 nodes answer/)).toBeTruthy();
    await h.slash('/cluster', 'status --cluster west', { user: USERS.viewer, channel: EAST_CHANNEL, channelName: 'ops-east' });
    expect(await resultIn(EAST_CHANNEL, /CRITICAL: /)).toMatch(/node-10/);
  });

  it('/cluster status --all: one line per cluster, then what is wrong where', async () => {
    await h.slash('/cluster', 'status --all', { user: USERS.viewer });
    const text = await resultIn(OPS_CHANNEL, /1 of 2 clusters not healthy/);
    expect(text).toMatch(/east\s+HEALTHY/);
    expect(text).toMatch(/west\s+CRITICAL/);
  });

  it("posts each cluster's incident thread in the channel bound to it; /incident list there is that cluster's", async () => {
    // As `stackmedic serve` wires it: the channel bound to each cluster, the adapter's publisher.
    const monitoring = startClusterMonitoring({
      stackmedic: h.stackmedic,
      env: readEnvOptions({}),
      publisher: h.slackApp.publisher,
      channelOf: (cluster) => h.slackApp.permissions.channelsOf(cluster)[0],
      log: () => undefined,
      start: false,
    });
    try {
      expect(monitoring?.each.map((e) => [e.cluster, e.channel])).toEqual([
        ['east', EAST_CHANNEL],
        ['west', WEST_CHANNEL],
      ]);
      for (const e of monitoring?.each ?? []) await e.monitoring.monitor.run();
      const top = await h.slack.waitFor('chat.postMessage', (c) => /^Incident #\d+ \(critical\)/.test(String(c.body.text)) && c.body.thread_ts === undefined);
      expect(top.body.channel).toBe(WEST_CHANNEL);
      expect(h.slack.of('chat.postMessage').filter((c) => c.body.channel === EAST_CHANNEL)).toEqual([]);
      // Its run buttons name the cluster: pressed in a channel bound to nothing, they still run on west.
      const buttons = (top.body.blocks as { type: string; elements?: { action_id?: string; value?: string }[] }[])
        .filter((b) => b.type === 'actions')
        .flatMap((b) => b.elements ?? []);
      expect(buttons.map((b) => b.value)).toContain('/cluster free-disk node-10 --cluster west');
      await h.press('stackmedic_run', '/cluster free-disk node-10 --cluster west', { user: USERS.admin });
      await h.slack.waitFor(
        'chat.postMessage',
        (c) => c.body.channel === OPS_CHANNEL && bodyText(c).includes('Confirm: /cluster free-disk node-10 --cluster west'),
      );
      await h.slash('/incident', 'list', { user: USERS.viewer, channel: WEST_CHANNEL, channelName: 'ops-west' });
      expect(await resultIn(WEST_CHANNEL, /1 open incident/)).toMatch(/critical/);
      await h.slash('/incident', 'list', { user: USERS.viewer, channel: EAST_CHANNEL, channelName: 'ops-east' });
      expect(await resultIn(EAST_CHANNEL, /No open incidents\./)).toBeTruthy();
    } finally {
      await monitoring?.stop();
    }
  }, 120_000);

  it('grants a role on one cluster only: operator on west, viewer on east', async () => {
    const onEast = await h.slash('/cluster', 'free-disk node-10', { user: WEST_OPERATOR, channel: EAST_CHANNEL, channelName: 'ops-east' });
    expect(String(onEast.json?.text)).toMatch(/Not allowed: \/cluster free-disk needs the operator role; you are a viewer/);
    await h.slash('/cluster', 'free-disk node-10', { user: WEST_OPERATOR, channel: WEST_CHANNEL, channelName: 'ops-west' });
    const ask = await h.slack.waitFor('chat.postMessage', (c) => bodyText(c).includes('Confirm: /cluster free-disk node-10 --cluster west'), 60_000);
    expect(ask.body.channel).toBe(WEST_CHANNEL);
    const actions = (ask.body.blocks as { type: string; elements?: { action_id: string; value: string }[] }[]).find((b) => b.type === 'actions');
    const id = actions?.elements?.find((e) => e.action_id === 'stackmedic_confirm')?.value ?? '';
    const eastLog = two.sims.east!.commandLog;
    const eastBefore = eastLog.length;
    const westBefore = two.sims.west!.commandLog.length;
    // Pressed by the west operator: it runs on west, and east's nodes see nothing of it.
    await h.press('stackmedic_confirm', id, { user: WEST_OPERATOR, channel: WEST_CHANNEL, messageTs: String(ask.response?.ts) });
    const done = await h.slack.waitFor('chat.update', (c) => c.body.ts === ask.response?.ts && /(finished|failed): /.test(shownText(c)), 120_000);
    expect(shownText(done)).toMatch(/finished: /);
    expect(two.sims.west!.commandLog.length).toBeGreaterThan(westBefore);
    expect(eastLog.length).toBe(eastBefore);
    // The press is audited by the Slack adapter, outside west's own log: it still says west.
    const presses = await auditRows('Confirm: /cluster free-disk node-10 --cluster west', 1);
    expect(presses.map((r) => [r.cluster, r.outcome])).toEqual([['west', 'ok']]);
    const denied = await auditRows('/cluster free-disk node-10', 1);
    expect(denied.filter((r) => r.outcome === 'denied').map((r) => r.cluster)).toEqual(['east']);
  });

  it('marks the audit rows the Slack adapter writes with the cluster they concern: run buttons, refusals', async () => {
    // A run button naming west, pressed in a channel bound to nothing.
    await h.press('stackmedic_run', '/cluster ping --cluster west', { user: USERS.viewer });
    await resultIn(OPS_CHANNEL, /answer/);
    // A run button naming east, pressed in a channel stackmedic does not take commands in.
    await h.press('stackmedic_run', '/cluster ping --cluster east', { user: USERS.viewer, channel: 'CNOTOURS' });
    const west = await auditRows('Run button: /cluster ping --cluster west', 1);
    expect(west.map((r) => [r.cluster, r.outcome])).toEqual([['west', 'ok']]);
    const east = await auditRows('Run button: /cluster ping --cluster east', 1);
    expect(east.map((r) => [r.cluster, r.outcome])).toEqual([['east', 'refused']]);
    // The command the west button ran is in west's own log.
    const ran = await auditRows('/cluster ping', 1);
    expect(ran.map((r) => r.cluster)).toEqual(['west']);
  });
});
