import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp, type StackmedicApp } from '../../src/app/create-app.js';
import { serviceRoutes } from '../../src/app/http-routes.js';
import { startIncidentMonitoring, type IncidentMonitoring } from '../../src/app/incident-monitoring.js';
import { readEnvOptions } from '../../src/config/env.js';
import { startSimCluster, type SimCluster } from '../../src/sim/index.js';
import { createSlackApp, type SlackApp } from '../../src/slack/app.js';
import { startAlertmanager, type RealAlertmanager } from '../support/alertmanager.js';
import { serverPort } from '../support/real/net.js';
import { buttons, shown, threadReplies, topMessages, until } from '../e2e/alerts/serve-harness.js';
import { capturingLogger, FakeSlack, OPS_CHANNEL, PERMISSIONS_YAML, signatureHeaders, SIGNING_SECRET, USERS } from '../e2e/slack/harness.js';

/**
 * Issue 15 against a REAL Alertmanager (Debian's prometheus-alertmanager, on loopback, its own
 * config and data dir, gossip off): alerts posted to its API are routed by it to stackmedic's
 * webhook with its bearer token; stackmedic, on the simulated seed outage (and on the simulator's
 * clock, so that the outage's logs are evidence), opens one enriched incident thread; the Silence
 * button creates a silence that Alertmanager then lists and applies; an alert resolved in
 * Alertmanager is noted in the thread. Slack's Web API is faked with nock.
 */

const TOKEN = 'am-integration-token-5e1d7c';

let sim: SimCluster;
let am: RealAlertmanager;
let slack: FakeSlack;
let stackmedic: StackmedicApp;
let slackApp: SlackApp;
let monitoring: IncidentMonitoring;
let dir: string;
let port: number;
const logs: string[] = [];

beforeAll(async () => {
  sim = await startSimCluster({ scenario: 'seed-incident' });
  dir = mkdtempSync(join(tmpdir(), 'stackmedic-am-it-'));
  writeFileSync(join(dir, 'permissions.yml'), PERMISSIONS_YAML);
  port = await serverPort();
  am = await startAlertmanager({ webhookUrl: `http://127.0.0.1:${port}/alertmanager`, token: TOKEN, groupWait: '1s', groupInterval: '2s' });
  slack = new FakeSlack();
  slack.install();
  const env = readEnvOptions({
    SLACK_BOT_TOKEN: 'xoxb-it-token',
    SLACK_SIGNING_SECRET: SIGNING_SECRET,
    // These tests read answers in the ack: the ingress thread waits for the app as long as Slack
    // would (its own early ack under load is tested in test/e2e/slack/ingress.spec.ts).
    STACKMEDIC_ACK_WAIT_MS: '2500',
    STACKMEDIC_DB: join(dir, 'stackmedic.sqlite'),
    STACKMEDIC_PERMISSIONS: join(dir, 'permissions.yml'),
    STACKMEDIC_INCIDENT_CHANNEL: OPS_CHANNEL,
    STACKMEDIC_SCHEDULE: '0 0 1 1 *',
    STACKMEDIC_ALERTMANAGER_TOKEN: TOKEN,
    STACKMEDIC_ALERTMANAGER_URL: am.url,
  });
  // As serve wires it, but on the simulator's clock: its logs are from February 2017.
  stackmedic = createApp({ inventory: sim.inventory, env, clock: () => new Date(sim.state.clock.now()) });
  const routes = serviceRoutes({ stackmedic, env, alerts: () => monitoring?.alerts, log: (l) => logs.push(l) });
  slackApp = createSlackApp({
    stackmedic,
    env,
    logger: capturingLogger(logs),
    customRoutes: routes,
    silencer: () => monitoring?.alerts,
    retryConfig: { retries: 2, factor: 1, minTimeout: 20, maxTimeout: 50 },
  });
  await slackApp.start({ port, host: '127.0.0.1' });
  monitoring = startIncidentMonitoring({ stackmedic, env, publisher: slackApp.publisher, log: (l) => logs.push(l), start: false });
}, 120_000);

afterAll(async () => {
  await monitoring?.stop();
  await slackApp?.stop();
  await stackmedic?.close();
  slack?.uninstall();
  await am?.stop();
  await sim?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

/** A signed press of a button in the incident thread, as Slack posts it. */
async function press(actionId: string, value: string, user: string, messageTs: string, threadTs: string): Promise<number> {
  const payload = {
    type: 'block_actions',
    user: { id: user, username: user.toLowerCase(), name: user.toLowerCase(), team_id: 'T1' },
    api_app_id: 'A1',
    token: 'deprecated-verification-token',
    container: { type: 'message', message_ts: messageTs, thread_ts: threadTs, channel_id: OPS_CHANNEL, is_ephemeral: false },
    trigger_id: '1.2.it',
    team: { id: 'T1', domain: 'ops' },
    channel: { id: OPS_CHANNEL, name: 'ops' },
    message: { type: 'message', ts: messageTs, thread_ts: threadTs, text: 'Note' },
    response_url: 'https://hooks.slack.com/actions/T1/1/it',
    actions: [
      { action_id: actionId, block_id: 'b', text: { type: 'plain_text', text: 'Silence' }, value, type: 'button', action_ts: String(Date.now() / 1000) },
    ],
  };
  const body = `payload=${encodeURIComponent(JSON.stringify(payload))}`;
  const res = await fetch(`http://127.0.0.1:${port}/slack/events`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', ...signatureHeaders(body) },
    body,
  });
  await res.text();
  return res.status;
}

const disk = {
  labels: { alertname: 'RabbitmqDiskAlarm', instance: 'node-10:15692', severity: 'critical', stackmedic_signature: 'rabbit-disk-alarm' },
  annotations: { summary: 'RabbitMQ disk alarm in force on node-10' },
};
// openstack-exporter's shape: the agent's host in `hostname`, the exporter in `instance`.
const nova = {
  labels: { alertname: 'NovaComputeDown', hostname: 'node-18', instance: 'node-10:9180', service: 'nova-compute', severity: 'warning' },
  annotations: { summary: 'nova-compute on node-18 is down' },
};

describe('a real Alertmanager in front of stackmedic', () => {
  let top: { ts: string } | undefined;

  it("routes two alert groups to stackmedic's webhook with its token, which opens ONE enriched incident thread for the seed outage", async () => {
    await am.postAlerts([disk, nova]);
    const message = await until('the incident message', () => topMessages(slack)[0], 90_000);
    top = { ts: String(message.response?.ts) };
    expect(String(message.body.text)).toMatch(/^Incident #1 \(critical\): Root disk full .* on node-10$/);
    expect(buttons(message).map((b) => b.value)).toEqual(expect.arrayContaining(['/cluster free-disk node-10', '/rabbit heal node-10']));
    const notes = await until(
      'a note per alert group',
      () => {
        const r = threadReplies(slack, top?.ts ?? '').filter((c) => /Alertmanager: 1 alert firing in group/.test(shown(c)));
        return r.length === 2 ? r : undefined;
      },
      90_000,
    );
    expect(notes.map((n) => shown(n)).join('\n')).toMatch(/RabbitmqDiskAlarm on node-10 \(critical/);
    expect(notes.map((n) => shown(n)).join('\n')).toMatch(/NovaComputeDown on node-18 \(major/);
    // Everything went into the one incident: the alerts, the probes, and the logs fetched from the nodes.
    const evidence = await stackmedic.services.incidents.evidence(1);
    expect(await stackmedic.services.incidents.list()).toHaveLength(1);
    expect(
      evidence
        .filter((e) => e.key.startsWith('alert|'))
        .map((e) => `${e.signature}@${e.node}`)
        .sort(),
    ).toEqual(['nova-compute-down@node-18', 'rabbit-disk-alarm@node-10']);
    expect(
      evidence.some((e) => e.kind === 'log' && e.signature === 'rabbit-disk-alarm' && e.node === 'node-10' && e.file?.startsWith('/var/log/rabbitmq/')),
    ).toBe(true);
    expect(evidence.some((e) => e.kind === 'probe' && e.key === 'probe|disk-full-now|node-10')).toBe(true);
    const incident = await stackmedic.services.incidents.get(1);
    expect(incident?.chainText).toMatch(/RabbitMQ disk alarm on node-10/);
    // Alertmanager sent the token stackmedic expects: nothing was refused.
    const audit = await stackmedic.services.audit.list(100);
    expect(audit.filter((e) => e.command === 'POST /alertmanager')).toEqual([]);
    expect(audit.filter((e) => e.command.startsWith('Alertmanager webhook: firing')).map((e) => e.outcome)).toEqual(['ok', 'ok']);
  }, 120_000);

  it('silences the RabbitMQ group from the Silence button: Alertmanager lists the silence and applies it, and the thread says so', async () => {
    const note = threadReplies(slack, top?.ts ?? '').find((c) => shown(c).includes('group alertname=RabbitmqDiskAlarm'));
    const button = buttons(note ?? { method: '', body: {} }).find((b) => b.action_id === 'stackmedic_silence_4h');
    expect(button).toBeDefined();
    const startedAt = Date.now();
    expect(await press('stackmedic_silence_4h', button?.value ?? '', USERS.operator, String(note?.response?.ts), top?.ts ?? '')).toBe(200);
    const said = await until(
      'the silence in the thread',
      () => threadReplies(slack, top?.ts ?? '').find((c) => /Alertmanager silence \S+ created by/.test(shown(c))),
      30_000,
    );
    const silenceId = /Alertmanager silence (\S+) created by/.exec(shown(said))?.[1] ?? '';
    expect(shown(said)).toContain('for 4h');
    const listed = (await am.silences()).find((x) => x.id === silenceId);
    expect(listed).toMatchObject({ status: { state: 'active' }, matchers: [{ name: 'alertname', value: 'RabbitmqDiskAlarm', isRegex: false }] });
    expect(listed?.createdBy).toBe(`${USERS.operator.toLowerCase()} (stackmedic)`);
    const hours = (Date.parse(listed?.endsAt ?? '') - startedAt) / 3_600_000;
    expect(hours).toBeGreaterThan(3.9);
    expect(hours).toBeLessThan(4.1);
    const silenced = await until('Alertmanager to apply it', async () =>
      (await am.alerts()).find((a) => a.labels.alertname === 'RabbitmqDiskAlarm' && a.status.silencedBy.includes(silenceId)),
    );
    expect(silenced.status.state).toBe('suppressed');
    expect((await am.alerts()).find((a) => a.labels.alertname === 'NovaComputeDown')?.status.state).toBe('active');
    expect((await stackmedic.services.audit.list(100)).find((e) => e.command === 'Silence button: 4h for incident #1')).toMatchObject({
      outcome: 'ok',
      actorId: USERS.operator,
    });
  }, 60_000);

  it('notes in the thread the alert resolved in Alertmanager; the incident stays open by its own rules', async () => {
    await am.postAlerts([{ ...nova, endsAt: new Date(Date.now() - 1000).toISOString() }]);
    const note = await until(
      'the resolved note',
      () => threadReplies(slack, top?.ts ?? '').find((c) => shown(c).includes('Alertmanager: 1 alert resolved in group alertname=NovaComputeDown')),
      60_000,
    );
    expect(shown(note)).toContain('NovaComputeDown on node-18');
    await monitoring.alerts.idle();
    expect((await stackmedic.services.incidents.get(1))?.status).toBe('open');
    expect(monitoring.passes.passes).toBeLessThanOrEqual(4);
  }, 90_000);
});
