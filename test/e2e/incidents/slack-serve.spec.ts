import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { IncidentMonitoring } from '../../../src/app/incident-monitoring.js';
import { startSlackIncidents, type SlackIncidents } from '../../support/slack-incidents.js';
import { OPS_CHANNEL, USERS, type Harness, type SlackCall } from '../slack/harness.js';

/** Every text Slack would show for a message. */
function shown(call: SlackCall): string {
  const blocks = (call.body.blocks ?? []) as { text?: { text?: string }; elements?: { text?: string | { text?: string } }[] }[];
  return blocks
    .flatMap((b) => [b.text?.text, ...(b.elements ?? []).map((e) => (typeof e.text === 'string' ? e.text : e.text?.text))])
    .filter(Boolean)
    .join('\n');
}

let rig: SlackIncidents;
let h: Harness;
let monitoring: IncidentMonitoring;

beforeAll(async () => {
  rig = await startSlackIncidents('seed-incident');
  ({ h, monitoring } = rig);
});

afterAll(async () => {
  await rig?.close();
});

describe('incidents through the Slack adapter', () => {
  it('posts the incident thread with the adapter publisher, and answers a signed /incident list and show', async () => {
    h.slack.reset();
    const pass = await monitoring.monitor.run();
    expect(pass.opened).toHaveLength(1);
    const top = await h.slack.waitFor('chat.postMessage', (c) => c.body.channel === OPS_CHANNEL && c.body.thread_ts === undefined);
    expect(top.body.text).toMatch(/^Incident #1 \(critical\): .* on node-10$/);
    const buttons = (top.body.blocks as { type: string; elements?: { action_id?: string; value?: string }[] }[])
      .filter((b) => b.type === 'actions')
      .flatMap((b) => b.elements ?? []);
    expect(buttons.map((b) => b.action_id)).toEqual(buttons.map(() => 'stackmedic_run'));
    expect(buttons.map((b) => b.value)).toContain('/cluster free-disk node-10');
    await h.slack.waitFor('chat.postMessage', (c) => c.body.thread_ts === top.response?.ts);

    h.slack.reset();
    await monitoring.monitor.run();
    expect(h.slack.of('chat.postMessage')).toEqual([]);
    expect(h.slack.of('chat.update')).toEqual([]);

    const list = await h.slash('/incident', 'list', { user: USERS.viewer });
    expect(list.status).toBe(200);
    const listed = await h.slack.waitFor('chat.postMessage', (c) => c.body.channel === OPS_CHANNEL && /1 open incident/.test(String(c.body.text)));
    expect(shown(listed)).toMatch(/#1\s+open\s+critical/);

    const show = await h.slash('/incident', 'show 1', { user: USERS.viewer });
    expect(show.status).toBe(200);
    const shownSummary = await h.slack.waitFor(
      'chat.postMessage',
      (c) => String(c.body.text).startsWith('Incident #1') && c.body.thread_ts === undefined && c !== top,
    );
    expect(shown(shownSummary)).toContain('*Root cause and chain*');
  }, 120_000);
});
