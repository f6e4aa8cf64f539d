import { spawnSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSimCluster, type SimCluster } from '../../../src/sim/index.js';
import { bodyText, signatureHeaders, slashForm, startHarness, USERS, type Harness } from './harness.js';

/**
 * The Slack ingress thread acks for a busy app. The app runs in this test's own thread, so the
 * test makes it busy for real: `spawnSync` blocks this thread (and with it the app, Bolt's
 * receiver and the simulator) until a child process has its answer. Whatever the child gets while
 * this thread is blocked came from the ingress thread alone.
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

/**
 * The child that posts one request (Node's own fetch, nothing to install) and prints what came
 * back, or that nothing did within `maxMs`.
 */
const POSTER = `
const { url, headers, body, maxMs } = JSON.parse(process.argv[1]);
const started = performance.now();
fetch(url, { method: 'POST', headers, body, signal: AbortSignal.timeout(maxMs) })
  .then(async (res) => ({ status: res.status, body: await res.text() }))
  .then((r) => console.log(JSON.stringify({ ...r, seconds: (performance.now() - started) / 1000 })))
  .catch(() => console.log(JSON.stringify({ timedOut: true, status: 0, body: '', seconds: (performance.now() - started) / 1000 })));
`;

/** Posts `body` from a child process while this thread (the app's) stays blocked; the child gives up after `maxSeconds`. */
function postWhileBusy(body: string, headers: Record<string, string>, maxSeconds = 10): { timedOut: boolean; status: number; body: string; seconds: number } {
  const job = JSON.stringify({ url: h.url, headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers }, body, maxMs: maxSeconds * 1000 });
  const r = spawnSync(process.execPath, ['-e', POSTER, job], { encoding: 'utf8', timeout: (maxSeconds + 10) * 1000 });
  const answer = JSON.parse(r.stdout || '{"timedOut":true,"status":0,"body":"","seconds":0}') as {
    timedOut?: boolean;
    status: number;
    body: string;
    seconds: number;
  };
  return { timedOut: answer.timedOut === true, status: answer.status, body: answer.body, seconds: answer.seconds };
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
    expect(r.timedOut).toBe(false);
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
    // The poster gave up with nothing: no ack was made up for an unsigned request.
    expect(r.timedOut).toBe(true);
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
