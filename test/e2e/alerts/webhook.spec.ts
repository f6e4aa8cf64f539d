import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSimCluster, type SimCluster } from '../../../src/sim/index.js';
import { USERS } from '../slack/harness.js';
import { ALERTMANAGER_TOKEN, buttons, shown, startAlertServe, threadReplies, topMessages, until, valueOf, type AlertServe } from './serve-harness.js';

/**
 * Issue 15: Alertmanager's webhook on `stackmedic serve` (HTTP mode) in front of the simulated seed
 * outage: refusals, the RabbitMQ disk alarm alert joining the outage's incident, an alert on a host
 * the inventory lacks, a group sent twice, a resolved alert, the Silence button's refusals, and
 * GET /metrics on the same port.
 */

const fixture = (name: string): string => readFileSync(join(import.meta.dirname, '../../fixtures/alertmanager', name), 'utf8');

/** A notification as Alertmanager 0.25 shapes it (group by alertname). */
function notification(alertname: string, alerts: readonly Record<string, string>[], status: 'firing' | 'resolved' = 'firing'): string {
  return JSON.stringify({
    receiver: 'stackmedic',
    status,
    alerts: alerts.map((labels) => ({
      status,
      labels: { alertname, ...labels },
      annotations: { summary: `${alertname} on ${labels.instance ?? 'the cluster'}` },
      startsAt: '2026-12-01T09:58:54.730262021Z',
      endsAt: status === 'resolved' ? '2026-12-01T10:10:00Z' : '0001-01-01T00:00:00Z',
      generatorURL: 'http://prometheus:9090/graph',
    })),
    groupLabels: { alertname },
    commonLabels: { alertname },
    commonAnnotations: {},
    externalURL: 'http://alertmanager:9093',
    version: '4',
    groupKey: `{}:{alertname="${alertname}"}`,
    truncatedAlerts: 0,
  });
}

interface EvidenceRow {
  incident_id: number;
  key: string;
  kind: string;
  signature: string;
  node: string;
}

let sim: SimCluster;
let s: AlertServe;

beforeAll(async () => {
  sim = await startSimCluster({ scenario: 'seed-incident' });
  s = await startAlertServe(sim);
});

afterAll(async () => {
  await s?.stop();
  await sim?.stop();
});

const passes = async (): Promise<number> => valueOf(await s.metrics(), 'stackmedic_checks_total', { outcome: 'ok' }) ?? 0;

describe('POST /alertmanager on stackmedic serve', () => {
  it('refuses a wrong token, no token, an oversized body and malformed JSON, audits the refusals, and posts nothing', async () => {
    expect((await s.webhook(fixture('webhook-v4-firing.json'), { authorization: 'Bearer wrong-token' })).status).toBe(401);
    expect((await s.webhook(fixture('webhook-v4-firing.json'), {})).status).toBe(401);
    expect((await s.webhook(JSON.stringify({ pad: 'x'.repeat(1024 * 1024) }))).status).toBe(413);
    const malformed = await s.webhook('{"version":"4","alerts":[');
    expect(malformed.status).toBe(400);
    expect(String(malformed.json?.error)).toMatch(/^malformed JSON/);
    const refusals = s.query<{ outcome: string; detail: string }>(
      `SELECT outcome, detail FROM audit_invocation WHERE command = 'POST /alertmanager' ORDER BY id`,
    );
    expect(refusals).toEqual([
      { outcome: 'denied', detail: 'wrong credentials from 127.0.0.1' },
      { outcome: 'denied', detail: 'no credentials from 127.0.0.1' },
    ]);
    expect(s.slack.of('chat.postMessage')).toEqual([]);
    expect(await passes()).toBe(0);
  });

  it('opens ONE incident for the RabbitMQ disk alarm alert on node-10 and the outage the same pass finds, enriched at once', async () => {
    const r = await s.webhook(fixture('webhook-v4-firing.json'));
    expect(r).toEqual({ status: 200, json: { status: 'accepted', group: 'alertname=RabbitmqDiskAlarm', firing: 1, resolved: 0, unknownHosts: [] } });
    const top = await until('the incident message', () => topMessages(s.slack)[0], 90_000);
    expect(String(top.body.text)).toMatch(/^Incident #1 \(critical\): .* on node-10$/);
    // The chain from the probes and logs of node-10, and the runbooks' run buttons.
    expect(shown(top)).toMatch(/node-10/);
    expect(buttons(top).map((b) => b.value)).toContain('/cluster free-disk node-10');
    const ts = String(top.response?.ts);
    const note = await until('the alert note', () =>
      threadReplies(s.slack, ts).find((c) => shown(c).includes('Alertmanager: 1 alert firing in group alertname=RabbitmqDiskAlarm')),
    );
    expect(shown(note)).toMatch(/RabbitmqDiskAlarm on node-10 \(critical, since 2026-12-01 09:58 UTC\): RabbitMQ disk alarm in force on node-10/);
    expect(buttons(note).map((b) => b.action_id)).toEqual(['stackmedic_silence_1h', 'stackmedic_silence_4h', 'stackmedic_silence_24h']);
    const evidence = threadReplies(s.slack, ts).find((c) => /^Evidence \(\d+ records\)/.test(String(c.body.text)));
    expect(evidence && shown(evidence)).toMatch(/Alertmanager: RabbitmqDiskAlarm firing since/);
    // One incident holds the alert and what the scheduler's own check saw of the same alarm.
    const rows = s.query<EvidenceRow>('SELECT incident_id, key, kind, signature, node FROM incident_evidence');
    expect(new Set(rows.map((e) => e.incident_id))).toEqual(new Set([1]));
    expect(rows).toContainEqual({ incident_id: 1, key: 'alert|877d848caaa91d73|node-10', kind: 'probe', signature: 'rabbit-disk-alarm', node: 'node-10' });
    // (The simulator's logs are dated February 2017, outside a real-clock serve's evidence window:
    // the check's own evidence here is what its probes see; the integration test runs on the
    // simulator's clock and gets the logs too.)
    expect(rows).toContainEqual({ incident_id: 1, key: 'probe|rabbit-node-down|node-10', kind: 'probe', signature: 'rabbit-node-down', node: 'node-10' });
    expect(rows).toContainEqual({ incident_id: 1, key: 'probe|disk-full-now|node-10', kind: 'probe', signature: 'disk-full-now', node: 'node-10' });
    expect(s.query('SELECT id FROM incident')).toHaveLength(1);
  }, 120_000);

  it('takes the same group again as the same incident: a second pass, no new message, no new note', async () => {
    const before = await passes();
    const posts = s.slack.of('chat.postMessage').length;
    expect((await s.webhook(fixture('webhook-v4-firing.json'))).status).toBe(200);
    await until('the second pass', async () => (await passes()) > before, 90_000);
    await new Promise((r) => setTimeout(r, 1000));
    expect(s.slack.of('chat.postMessage')).toHaveLength(posts);
    expect(s.query('SELECT id FROM incident')).toHaveLength(1);
  }, 120_000);

  it('keeps and shows an alert for a host the inventory does not have', async () => {
    const r = await s.webhook(notification('HostHighLoad', [{ instance: '10.99.0.7:9100', severity: 'critical' }]));
    expect(r.json?.unknownHosts).toEqual(['10.99.0.7']);
    const top = await until('the alert incident', () => topMessages(s.slack).find((c) => String(c.body.text).includes('HostHighLoad')), 90_000);
    expect(String(top.body.text)).toBe('Incident #2 (critical): Alertmanager alert alertname=HostHighLoad on 10.99.0.7');
    const note = await until('its note', () => threadReplies(s.slack, String(top.response?.ts)).find((c) => shown(c).includes('Alertmanager: 1 alert firing')));
    expect(shown(note)).toContain('HostHighLoad on 10.99.0.7 (10.99.0.7 is not in the inventory)');
  }, 120_000);

  it('notes a resolved alert in the thread of the incident that holds it', async () => {
    const ts = String(topMessages(s.slack)[0]?.response?.ts);
    expect((await s.webhook(fixture('webhook-v4-resolved.json'))).json).toMatchObject({ status: 'accepted', firing: 0, resolved: 1 });
    const note = await until(
      'the resolved note',
      () => threadReplies(s.slack, ts).find((c) => shown(c).includes('Alertmanager: 1 alert resolved in group alertname=RabbitmqDiskAlarm')),
      90_000,
    );
    expect(shown(note)).toContain('RabbitmqDiskAlarm on node-10');
    // The outage itself is not over: the incident resolves by its usual rules, not by the alert.
    expect(s.query<{ status: string }>('SELECT status FROM incident WHERE id = 1')).toEqual([{ status: 'open' }]);
  }, 120_000);

  it("refuses the Silence button to a viewer, and says what is missing to an operator when Alertmanager's URL is not set", async () => {
    const top = topMessages(s.slack)[0];
    const note = threadReplies(s.slack, String(top?.response?.ts)).find((c) => buttons(c).length > 0 && shown(c).includes('firing'));
    const press = buttons(note ?? { method: '', body: {} }).find((b) => b.action_id === 'stackmedic_silence_1h');
    expect(press).toBeDefined();
    s.slack.reset();
    expect(await s.press('stackmedic_silence_1h', press?.value ?? '', { user: USERS.viewer })).toBe(200);
    await until('the refusal', () =>
      s.slack.of('chat.postEphemeral').find((c) => JSON.stringify(c.body).includes('silencing alerts needs the operator role; you are a viewer')),
    );
    expect(await s.press('stackmedic_silence_1h', press?.value ?? '', { user: USERS.operator })).toBe(200);
    await until('the explanation', () => s.slack.of('chat.postEphemeral').find((c) => JSON.stringify(c.body).includes('STACKMEDIC_ALERTMANAGER_URL')));
    const audited = s.query<{ actor_id: string; outcome: string }>(
      `SELECT actor_id, outcome FROM audit_invocation WHERE command LIKE 'Silence button%' ORDER BY id`,
    );
    expect(audited).toEqual([
      { actor_id: USERS.viewer, outcome: 'denied' },
      { actor_id: USERS.operator, outcome: 'failed' },
    ]);
  }, 60_000);
});

describe('GET /metrics on the same port', () => {
  it('is Prometheus text format whose values follow what happened, and change as commands run', async () => {
    const m = await s.metrics();
    expect(valueOf(m, 'stackmedic_alertmanager_webhook_requests_total', { code: '401' })).toBe(2);
    expect(valueOf(m, 'stackmedic_alertmanager_webhook_requests_total', { code: '413' })).toBe(1);
    expect(valueOf(m, 'stackmedic_alertmanager_webhook_requests_total', { code: '400' })).toBe(1);
    expect(valueOf(m, 'stackmedic_alertmanager_webhook_requests_total', { code: '200' })).toBe(4);
    expect(valueOf(m, 'stackmedic_alertmanager_alerts_total', { status: 'firing' })).toBe(3);
    expect(valueOf(m, 'stackmedic_incidents_open', { severity: 'critical' })).toBe(2);
    expect(valueOf(m, 'stackmedic_node_reachable', { node: 'node-10' })).toBe(1);
    expect(valueOf(m, 'stackmedic_signatures_fired_total', { signature: 'rabbit-disk-alarm' })).toBeGreaterThanOrEqual(2);
    expect(valueOf(m, 'stackmedic_signatures_fired_total', { signature: 'alert' })).toBeGreaterThanOrEqual(1);
    expect(valueOf(m, 'stackmedic_check_last_success_timestamp_seconds')).toBeGreaterThan(Date.now() / 1000 - 600);
    expect(valueOf(m, 'stackmedic_slack_api_requests_total', { method: 'chat.postMessage', result: 'ok' })).toBeGreaterThan(0);
    expect(valueOf(m, 'stackmedic_slack_ack_seconds_count', { kind: 'button' })).toBe(2);
    expect(valueOf(m, 'stackmedic_ssh_connections')).toBeGreaterThan(0);
    const remoteBefore = valueOf(m, 'stackmedic_remote_commands_total', { exit: 'ok' }) ?? 0;
    expect(valueOf(m, 'stackmedic_commands_total', { family: 'cluster', outcome: 'ok', role: 'viewer' })).toBeUndefined();

    expect(await s.slash('/cluster', 'ping', USERS.viewer)).toBe(200);
    const after = await until('the command to be counted', async () => {
      const now = await s.metrics();
      return valueOf(now, 'stackmedic_commands_total', { family: 'cluster', outcome: 'ok', role: 'viewer' }) === 1 ? now : undefined;
    });
    expect(valueOf(after, 'stackmedic_command_duration_seconds_count', { family: 'cluster' })).toBe(1);
    expect(valueOf(after, 'stackmedic_remote_commands_total', { exit: 'ok' })).toBeGreaterThanOrEqual(remoteBefore + sim.inventory.nodes.length);
    expect(valueOf(after, 'stackmedic_slack_ack_seconds_count', { kind: 'command' })).toBe(1);
    // No label carries the token, nor any text from the alerts.
    const text = await (await fetch(`${s.base}/metrics`)).text();
    expect(text).not.toContain(ALERTMANAGER_TOKEN);
    expect(text).not.toContain('HostHighLoad');
    expect(text).not.toContain('10.99.0.7');
  }, 60_000);
});
