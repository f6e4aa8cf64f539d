import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { AlertBook } from '../../../src/alerts/book.js';
import { readWebhookPayload, type WebhookPayload } from '../../../src/alerts/payload.js';
import type { Inventory, NodeSpec } from '../../../src/inventory/types.js';

const node = (name: string, address: string): NodeSpec => ({ name, address, port: 22, user: 'root', roles: ['controller'], become: false });
const inventory: Inventory = {
  cluster: 'prod',
  knownHostsPath: '/dev/null',
  source: 'test',
  jumpHosts: [],
  nodes: [node('node-10', '192.168.0.6'), node('node-11', '192.168.0.7')],
};
const known = new Set(['rabbit-disk-alarm', 'nova-compute-down']);
const now = new Date('2026-12-01T10:00:00Z');

function payload(name: string): WebhookPayload {
  const r = readWebhookPayload(readFileSync(join(import.meta.dirname, '../../fixtures/alertmanager', name), 'utf8'));
  if (!r.ok) throw new Error(r.problem);
  return r.payload;
}

function group(alertname: string, alerts: { instance: string; status?: 'firing' | 'resolved'; severity?: string }[]): WebhookPayload {
  return {
    version: '4',
    groupKey: `{}:{alertname="${alertname}"}`,
    status: alerts.every((a) => a.status === 'resolved') ? 'resolved' : 'firing',
    receiver: 'stackmedic',
    groupLabels: { alertname },
    commonLabels: { alertname },
    commonAnnotations: { description: `${alertname} fires` },
    alerts: alerts.map((a) => ({
      status: a.status ?? 'firing',
      labels: { alertname, instance: a.instance, severity: a.severity ?? 'warning' },
      annotations: { summary: `${alertname} on ${a.instance}` },
      startsAt: '2026-12-01T09:58:54Z',
    })),
  };
}

describe('AlertBook', () => {
  it("makes the real RabbitMQ disk alarm notification evidence of the catalog's rabbit-disk-alarm on node-10", () => {
    const book = new AlertBook();
    const change = book.apply(payload('webhook-v4-firing.json'), { inventory, known, now });
    expect(change.started).toHaveLength(1);
    const ext = book.external();
    expect(ext.evidence).toEqual([
      expect.objectContaining({
        key: 'alert|877d848caaa91d73|node-10',
        kind: 'probe',
        signature: 'rabbit-disk-alarm',
        node: 'node-10',
        time: now.toISOString(),
        text: 'Alertmanager: RabbitmqDiskAlarm firing since 2026-12-01 09:58:54: RabbitMQ disk alarm in force on node-10',
      }),
    ]);
    expect(ext.nodes).toEqual(['node-10']);
  });

  it('forgets an alert once Alertmanager says it resolved, and reports it resolved', () => {
    const book = new AlertBook();
    book.apply(payload('webhook-v4-firing.json'), { inventory, known, now });
    const change = book.apply(payload('webhook-v4-resolved.json'), { inventory, known, now });
    expect(change.resolved.map((a) => a.fingerprint)).toEqual(['877d848caaa91d73']);
    expect(book.external().evidence).toEqual([]);
    expect(book.size).toBe(0);
  });

  it('counts a group sent twice once, keeping when it first heard of each alert', () => {
    const book = new AlertBook();
    const g = group('HighLoad', [{ instance: 'node-10:9100' }, { instance: 'node-11:9100' }]);
    book.apply(g, { inventory, known, now });
    const again = book.apply(g, { inventory, known, now: new Date(now.getTime() + 60_000) });
    expect(again.started).toEqual([]);
    expect(again.continuing).toHaveLength(2);
    expect(book.external().evidence.map((e) => e.time)).toEqual([now.toISOString(), now.toISOString()]);
  });

  it('gives alerts nothing maps their group signature, with the group as title and the worst severity', () => {
    const book = new AlertBook();
    const change = book.apply(group('HighLoad', [{ instance: 'node-10:9100' }, { instance: '10.9.9.9:9100', severity: 'critical' }]), {
      inventory,
      known,
      now,
    });
    const ext = book.external();
    expect(new Set(ext.evidence.map((e) => e.signature))).toEqual(new Set([change.group.id]));
    expect(ext.signatures).toEqual([
      expect.objectContaining({ id: change.group.id, title: 'Alertmanager alert alertname=HighLoad', severity: 'critical', remediation: 'HighLoad fires' }),
    ]);
    // The unknown host is kept, named, and its evidence says why it is not a node.
    const unknown = ext.evidence.find((e) => e.node === '10.9.9.9');
    expect(unknown?.text).toContain('[10.9.9.9 is not in the inventory]');
    expect(ext.nodes).toEqual(['node-10']);
  });

  it('relearns a group signature from stored evidence after a restart', () => {
    const before = new AlertBook();
    const change = before.apply(group('HighLoad', [{ instance: 'node-10:9100', severity: 'critical' }]), { inventory, known, now });
    const stored = before.external().evidence;
    const after = new AlertBook();
    after.relearn(stored);
    expect(after.external().signatures).toEqual([
      expect.objectContaining({ id: change.group.id, title: 'Alertmanager alert alertname=HighLoad', severity: 'critical' }),
    ]);
  });

  it('stays within its bound, dropping the alerts heard of longest ago', () => {
    const book = new AlertBook(50);
    const storm = group(
      'NodeDown',
      Array.from({ length: 200 }, (_, i) => ({ instance: `10.0.${Math.floor(i / 250)}.${i % 250}:9100` })),
    );
    const change = book.apply(storm, { inventory, known, now });
    expect(change.started).toHaveLength(200);
    expect(change.evicted).toBe(150);
    expect(book.size).toBe(50);
    expect(book.external().evidence.map((e) => e.node)).toContain('10.0.0.199');
  });
});
