import { spawnSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSimCluster, type SimCluster } from '../../../src/sim/index.js';
import { bodyText, signatureHeaders, slashForm, startHarness, USERS, type Harness } from './harness.js';

/**
 * The Slack ingress thread acks for a busy app. The app runs in this test's own thread, so the
 * test makes it busy for real: `spawnSync` blocks this thread (and with it the app, Bolt's
 * receiver and the simulator) until curl has its answer. Whatever curl gets while this thread is
 * blocked came from the ingress thread alone.
 */
const ACK_WAIT_MS = 100;

let sim: SimCluster;
let h: Harness;
beforeAll(async () => {
  sim = await startSimCluster({ scenario: 'healthy' });
  h = await startHarness({ inventory: sim.inventory, ackWaitMs: ACK_WAIT_MS });
}, 60_000);
afterAll(async () => {
  await h?.close();
  await sim?.stop();
});

/** Posts `body` with curl while this thread (the app's) stays blocked; curl gives up after `maxSeconds`. */
function postWhileBusy(body: string, headers: Record<string, string>, maxSeconds = 10): { exit: number | null; status: number; body: string; seconds: number } {
  const args = ['-s', '-m', String(maxSeconds), '-o', '-', '-w', '\n%{http_code} %{time_total}', '-H', 'content-type: application/x-www-form-urlencoded'];
  for (const [k, v] of Object.entries(headers)) args.push('-H', `${k}: ${v}`);
  args.push('--data-binary', body, h.url);
  const r = spawnSync('curl', args, { encoding: 'utf8', timeout: (maxSeconds + 5) * 1000 });
  const out = r.stdout ?? '';
  const cut = out.lastIndexOf('\n');
  const [code, time] = out.slice(cut + 1).split(' ');
  return { exit: r.status, status: Number(code), body: out.slice(0, cut), seconds: Number(time) };
}

const earlyAcks = async (kind: string): Promise<number> => {
  const text = await h.stackmedic.metrics.text();
  const m = new RegExp(`^stackmedic_slack_early_acks_total\\{kind="${kind}"\\} (\\d+)$`, 'm').exec(text);
  return m ? Number(m[1]) : 0;
};

describe('the Slack ingress thread, in front of a busy app', () => {
  it('acks a slash command itself within Slack’s 3 s, in the app’s words, then the app’s fuller answer goes to the response_url', async () => {
    const before = await earlyAcks('command');
    const body = slashForm('/cluster', 'help', { user: USERS.viewer });
    const r = postWhileBusy(body, signatureHeaders(body));
    expect(r.exit).toBe(0);
    expect(r.status).toBe(200);
    expect(JSON.parse(r.body)).toEqual({ response_type: 'ephemeral', text: 'running `/cluster help`…' });
    expect(r.seconds).toBeLessThan(3);
    // Unblocked, the app reads the same request and acks it with the help text: too late for
    // the HTTP answer, so it is posted to the command's response_url instead.
    const url = new URL(new URLSearchParams(body).get('response_url') ?? '');
    const late = await h.slack.waitFor(`response_url:${url.pathname}`, (c) => JSON.stringify(c.body).includes('/cluster status [--all]'));
    expect(late.body).toMatchObject({ response_type: 'ephemeral', replace_original: false });
    expect(await earlyAcks('command')).toBe(before + 1);
  }, 60_000);

  it('drops the app’s late "running…" ack (the asker already has it) and the result is posted as usual', async () => {
    const body = slashForm('/cluster', 'ping', { user: USERS.operator });
    const r = postWhileBusy(body, signatureHeaders(body));
    expect(JSON.parse(r.body)).toEqual({ response_type: 'ephemeral', text: 'running `/cluster ping`…' });
    const posted = await h.slack.waitFor('chat.postMessage', (c) => bodyText(c).includes('ping'));
    expect(bodyText(posted)).toMatch(/node-10/);
    const n = /commands\/T1\/(\d+)\//.exec(new URLSearchParams(body).get('response_url') ?? '')?.[1];
    const answers = h.slack.calls.filter((c) => c.method === `response_url:/commands/T1/${n}/secret`);
    expect(answers.map((c) => bodyText(c)).filter((t) => t.includes('running'))).toEqual([]);
  }, 60_000);

  it('never answers a request it cannot verify: a bad signature waits for the app, which refuses it', async () => {
    const body = slashForm('/cluster', 'help');
    const r = postWhileBusy(body, signatureHeaders(body, undefined, 'not-the-secret'), 2);
    // curl gave up (exit 28) with nothing: no ack was made up for an unsigned request.
    expect(r.exit).toBe(28);
    expect(r.status).toBe(0);
    await expect.poll(() => h.logs.some((l) => l.includes('refused a Slack request (401): a bad signature')), { timeout: 20_000 }).toBe(true);
  }, 60_000);

  it('answers in the ack when the app is quick (nothing blocks it), through the same thread', async () => {
    // Generous wait: on a loaded machine the app may be slow; what is checked is that the answer
    // the app makes is the one Slack gets, help text and all.
    const quick = await startHarness({ inventory: sim.inventory, ackWaitMs: 2500 });
    try {
      const r = await quick.slash('/cluster', 'help', { user: USERS.viewer });
      expect(r.status).toBe(200);
      expect(r.json).toMatchObject({ response_type: 'ephemeral' });
      expect(r.text).toContain('/cluster status');
    } finally {
      await quick.close();
    }
  }, 60_000);
});
