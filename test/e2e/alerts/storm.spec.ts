import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSimCluster, type SimCluster } from '../../../src/sim/index.js';
import { shown, startAlertServe, threadReplies, topMessages, until, valueOf, type AlertServe } from './serve-harness.js';

/**
 * Issue 15: a storm of 200 alerts (four groups of 50, posted at once) on a healthy simulated
 * cluster costs two incident passes, not 200, and gives one thread per group, each with one note
 * listing its alerts.
 */

const NODES = ['node-10', 'node-11', 'node-18', 'node-19'];

function group(alertname: string, n: number, g: number): string {
  return JSON.stringify({
    receiver: 'stackmedic',
    status: 'firing',
    alerts: Array.from({ length: n }, (_, i) => ({
      status: 'firing',
      // One inventory node per group, the rest hosts the inventory does not have: groups on
      // different machines (alerts on one node join the incident already about that node).
      labels: { alertname, instance: i === 0 ? `${NODES[g] ?? 'node-10'}:9100` : `10.7.${g}.${i}:9100`, device: `sd${i}`, severity: 'warning' },
      annotations: { summary: `${alertname} on ${i}` },
      startsAt: new Date(Date.now() - 60_000).toISOString(),
      endsAt: '0001-01-01T00:00:00Z',
      generatorURL: '',
    })),
    groupLabels: { alertname },
    commonLabels: { alertname, severity: 'warning' },
    commonAnnotations: {},
    externalURL: 'http://alertmanager:9093',
    version: '4',
    groupKey: `{}:{alertname="${alertname}"}`,
    truncatedAlerts: 0,
  });
}

let sim: SimCluster;
let s: AlertServe;

beforeAll(async () => {
  sim = await startSimCluster({ scenario: 'healthy' });
  s = await startAlertServe(sim);
});

afterAll(async () => {
  await s?.stop();
  await sim?.stop();
});

describe('a storm of 200 alerts', () => {
  it('costs two passes and gives one thread per group', async () => {
    const names = ['StormDiskIO', 'StormLoad', 'StormNtpSkew', 'StormConntrack'];
    const started = performance.now();
    const answers = await Promise.all(names.map((name, g) => s.webhook(group(name, 50, g))));
    const acceptedMs = performance.now() - started;
    expect(answers.map((a) => a.status)).toEqual([200, 200, 200, 200]);
    expect(answers.map((a) => a.json?.firing)).toEqual([50, 50, 50, 50]);
    const notes = await until(
      'a note in each thread',
      () => {
        const tops = topMessages(s.slack);
        if (tops.length < names.length) return undefined;
        const found = tops.map((t) => threadReplies(s.slack, String(t.response?.ts)).find((c) => shown(c).includes('Alertmanager: 50 alerts firing')));
        return found.every(Boolean) ? found : undefined;
      },
      120_000,
    );
    const tops = topMessages(s.slack);
    expect(tops).toHaveLength(4);
    for (const name of names) expect(tops.filter((t) => String(t.body.text).includes(`alertname=${name} `))).toHaveLength(1);
    for (const note of notes) expect(shown(note ?? { method: '', body: {} })).toContain('and 40 more');
    const m = await s.metrics();
    const passes = valueOf(m, 'stackmedic_checks_total', { outcome: 'ok' }) ?? 0;
    // The first notification starts a pass; the three that arrive while it runs share the next one.
    expect(passes).toBeGreaterThanOrEqual(1);
    expect(passes).toBeLessThanOrEqual(2);
    expect(valueOf(m, 'stackmedic_alertmanager_alerts_total', { status: 'firing' })).toBe(200);
    expect(s.query('SELECT id FROM incident')).toHaveLength(4);
    s.logs.push(`storm: 4 notifications accepted in ${Math.round(acceptedMs)} ms, ${passes} passes, ${s.slack.of('chat.postMessage').length} Slack posts`);
    console.log(s.logs.at(-1));
  }, 180_000);
});
