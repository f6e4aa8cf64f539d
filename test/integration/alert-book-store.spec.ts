import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { WebhookPayload } from '../../src/alerts/payload.js';
import { SharedAlertBook } from '../../src/alerts/shared-book.js';
import type { Inventory, NodeSpec } from '../../src/inventory/types.js';
import { openDatabase } from '../../src/store/database.js';
import { PostgresStore } from '../../src/store/postgres-store.js';
import type { SqlStore } from '../../src/store/sql-store.js';
import { SqliteStore } from '../../src/store/sqlite-store.js';
import { freshDatabaseUrl, startPostgres, type PostgresServer } from '../support/postgres.js';

/**
 * The alert book in the store (migration 10), on SQLite and a real PostgreSQL: two books on one
 * store stand for two replicas; what one takes the other reads, with the in-memory book's rules
 * (one alert per fingerprint, resolved ones gone, the bound, and an age past which a firing alert
 * whose resolution was lost is dropped), each cluster's rows apart.
 */

const node = (name: string, address: string): NodeSpec => ({ name, address, port: 22, user: 'root', roles: ['controller'], become: false });
const inventory: Inventory = { cluster: 'east', knownHostsPath: '/dev/null', source: 'test', jumpHosts: [], nodes: [node('node-10', '10.1.0.10')] };
const known = new Set(['rabbit-disk-alarm']);

function group(alertname: string, alerts: { instance: string; status?: 'firing' | 'resolved'; fingerprint?: string }[]): WebhookPayload {
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
      labels: { alertname, instance: a.instance, severity: 'critical' },
      annotations: { summary: `${alertname} on ${a.instance}` },
      startsAt: '2026-12-01T09:58:54Z',
      ...(a.fingerprint ? { fingerprint: a.fingerprint } : {}),
    })),
  };
}

let server: PostgresServer;
const opened: SqlStore[] = [];
beforeAll(async () => {
  server = await startPostgres();
}, 120_000);
afterAll(async () => {
  for (const s of opened) await s.close().catch(() => undefined);
  await server?.stop();
});

/** A fresh store of each back-end (a new PostgreSQL database per call, so the cases never share rows). */
const backends: [string, () => Promise<SqlStore>][] = [
  ['SQLite', async () => new SqliteStore(openDatabase(':memory:'))],
  [
    'PostgreSQL',
    async () => {
      return PostgresStore.open({ url: await freshDatabaseUrl(server, 'book') });
    },
  ],
];

describe.each(backends)('the shared alert book on %s', (_name, open) => {
  let now = new Date('2026-12-01T10:00:00Z');
  const clock = (): Date => now;
  const ctx = (): { inventory: Inventory; known: ReadonlySet<string>; now: Date } => ({ inventory, known, now });
  let store: SqlStore;

  beforeAll(async () => {
    store = await open();
    opened.push(store);
  }, 60_000);

  it("gives one replica's alerts to the other, once per fingerprint, and forgets resolved ones for both", async () => {
    const a = new SharedAlertBook({ store, cluster: 'east', clock });
    const b = new SharedAlertBook({ store, cluster: 'east', clock });
    const first = await b.apply(group('RabbitmqDiskAlarm', [{ instance: 'node-10:15692', fingerprint: 'aa01' }]), ctx());
    expect(first.started.map((x) => x.fingerprint)).toEqual(['aa01']);
    expect(a.size).toBe(0);
    await a.refresh();
    expect(a.firing().map((x) => `${x.fingerprint} ${x.alertname} ${x.place.node} ${x.severity}`)).toEqual(['aa01 RabbitmqDiskAlarm node-10 critical']);
    const evidence = a.external();
    expect(evidence.nodes).toEqual(['node-10']);
    expect(evidence.evidence.map((e) => e.signature)).toEqual(['rabbit-disk-alarm']);
    expect(evidence.signatures.map((s) => s.title)).toEqual(['Alertmanager alert alertname=RabbitmqDiskAlarm']);
    // Alertmanager repeats the group to the other replica: the same alert continues, first seen when B took it.
    const firstSeen = a.firing()[0]?.firstSeenAt;
    now = new Date(now.getTime() + 60_000);
    const again = await a.apply(group('RabbitmqDiskAlarm', [{ instance: 'node-10:15692', fingerprint: 'aa01' }]), ctx());
    expect(again.started).toEqual([]);
    expect(again.continuing.map((x) => [x.fingerprint, x.firstSeenAt])).toEqual([['aa01', firstSeen]]);
    // Resolved on B: gone from A's next read too.
    const resolved = await b.apply(group('RabbitmqDiskAlarm', [{ instance: 'node-10:15692', fingerprint: 'aa01', status: 'resolved' }]), ctx());
    expect(resolved.resolved.map((x) => x.fingerprint)).toEqual(['aa01']);
    await a.refresh();
    expect(a.firing()).toEqual([]);
  });

  it("keeps each cluster's alerts apart", async () => {
    const east = new SharedAlertBook({ store, cluster: 'east', clock });
    const west = new SharedAlertBook({ store, cluster: 'west', clock });
    await east.apply(group('HostDown', [{ instance: 'node-10:9100', fingerprint: 'bb01' }]), ctx());
    await west.refresh();
    expect(west.firing()).toEqual([]);
    await east.refresh();
    expect(east.firing().map((x) => x.fingerprint)).toEqual(['bb01']);
    await east.apply(group('HostDown', [{ instance: 'node-10:9100', fingerprint: 'bb01', status: 'resolved' }]), ctx());
  });

  it('holds the bound in the store: the alerts heard of first go', async () => {
    const book = new SharedAlertBook({ store, cluster: 'bounded', clock, maxAlerts: 2 });
    await book.apply(group('A', [{ instance: 'n1', fingerprint: 'cc01' }]), ctx());
    now = new Date(now.getTime() + 1000);
    await book.apply(group('A', [{ instance: 'n2', fingerprint: 'cc02' }]), ctx());
    now = new Date(now.getTime() + 1000);
    const third = await book.apply(group('A', [{ instance: 'n3', fingerprint: 'cc03' }]), ctx());
    expect(third.evicted).toBe(1);
    const other = new SharedAlertBook({ store, cluster: 'bounded', clock, maxAlerts: 2 });
    await other.refresh();
    expect(other.firing().map((x) => x.fingerprint)).toEqual(['cc02', 'cc03']);
  });

  it('drops a firing alert no notification repeated within its age (its resolution was lost), and only that one', async () => {
    const book = new SharedAlertBook({ store, cluster: 'aging', clock, maxAgeMs: 3_600_000 });
    await book.apply(group('Old', [{ instance: 'n1', fingerprint: 'dd01' }]), ctx());
    now = new Date(now.getTime() + 50 * 60_000);
    await book.apply(group('Young', [{ instance: 'n2', fingerprint: 'dd02' }]), ctx());
    now = new Date(now.getTime() + 20 * 60_000);
    await book.refresh();
    expect(book.firing().map((x) => x.fingerprint)).toEqual(['dd02']);
    const rows = await store.all('SELECT fingerprint FROM alert_firing WHERE cluster = ?', ['aging']);
    expect(rows).toEqual([{ fingerprint: 'dd02' }]);
  });
});
