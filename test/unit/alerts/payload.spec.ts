import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readWebhookPayload } from '../../../src/alerts/payload.js';

const FIXTURES = join(import.meta.dirname, '../../fixtures/alertmanager');
const fixture = (name: string): string => readFileSync(join(FIXTURES, name), 'utf8');

describe('readWebhookPayload', () => {
  it('reads a real Alertmanager 0.25 firing notification', () => {
    const r = readWebhookPayload(fixture('webhook-v4-firing.json'));
    if (!r.ok) throw new Error(r.problem);
    expect(r.payload.status).toBe('firing');
    expect(r.payload.groupKey).toBe('{}:{alertname="RabbitmqDiskAlarm"}');
    expect(r.payload.groupLabels).toEqual({ alertname: 'RabbitmqDiskAlarm' });
    expect(r.payload.alerts).toHaveLength(1);
    expect(r.payload.alerts[0]).toMatchObject({ status: 'firing', fingerprint: '877d848caaa91d73', labels: { instance: 'node-10:15692' } });
  });

  it('reads the resolved notification that follows', () => {
    const r = readWebhookPayload(fixture('webhook-v4-resolved.json'));
    if (!r.ok) throw new Error(r.problem);
    expect(r.payload.alerts[0]?.status).toBe('resolved');
    expect(r.payload.alerts[0]?.endsAt).toBe('2026-12-01T09:58:54.762Z');
  });

  it("gives an alert without a status its group's", () => {
    const r = readWebhookPayload(
      JSON.stringify({ version: '4', groupKey: 'k', status: 'resolved', alerts: [{ labels: { alertname: 'A' }, startsAt: '2026-01-01T00:00:00Z' }] }),
    );
    expect(r.ok && r.payload.alerts[0]?.status).toBe('resolved');
  });

  it.each([
    ['malformed JSON', '{"version": "4", ', /^malformed JSON: /],
    ['an empty body', '', /^malformed JSON: /],
    ['another version', JSON.stringify({ version: '3', groupKey: 'k', status: 'firing', alerts: [] }), /version: /],
    ['no alerts list', JSON.stringify({ version: '4', groupKey: 'k', status: 'firing' }), /alerts: /],
    [
      'a label that is not a string',
      JSON.stringify({ version: '4', groupKey: 'k', status: 'firing', alerts: [{ labels: { a: 1 }, startsAt: 'x' }] }),
      /alerts\.0\.labels\.a: /,
    ],
    ['a JSON array', '[]', /the body: /],
  ])('refuses %s with a problem naming where', (_what, body, problem) => {
    const r = readWebhookPayload(body);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.problem).toMatch(problem);
  });
});
