import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { StoredAlerts } from '../../src/alerts/stored-alerts.js';
import { UnroutedAlertStore, type UnroutedAlert } from '../../src/alerts/unrouted.js';
import { openDatabase } from '../../src/store/database.js';
import { PostgresStore } from '../../src/store/postgres-store.js';
import type { SqlStore } from '../../src/store/sql-store.js';
import { SqliteStore } from '../../src/store/sqlite-store.js';
import { freshDatabaseUrl, startPostgres, type PostgresServer } from '../support/postgres.js';

/**
 * The alerts no cluster could be given, in the store (migration 11), on SQLite and a real
 * PostgreSQL: two stores on one database stand for two replicas. What one keeps the other lists;
 * the same alert received again (by either) is one row counting its notifications, first seen
 * when it was first received; rows past their age or beyond the bound go; labels are redacted.
 */

let server: PostgresServer;
const opened: SqlStore[] = [];
beforeAll(async () => {
  server = await startPostgres();
}, 120_000);
afterAll(async () => {
  for (const s of opened) await s.close().catch(() => undefined);
  await server?.stop();
});

/** Two handles on one fresh database of each back-end (a new PostgreSQL database per call). */
const backends: [string, () => Promise<[SqlStore, SqlStore]>][] = [
  [
    'SQLite',
    async () => {
      const one = new SqliteStore(openDatabase(':memory:'));
      return [one, one];
    },
  ],
  [
    'PostgreSQL',
    async () => {
      const url = await freshDatabaseUrl(server, 'unrouted');
      return [await PostgresStore.open({ url }), await PostgresStore.open({ url })];
    },
  ],
];

function lost(fingerprint: string, at: string, extra: Partial<UnroutedAlert> = {}): UnroutedAlert {
  return {
    fingerprint,
    alertname: 'HostDown',
    status: 'firing',
    kind: 'unknown-cluster',
    reason: 'label cluster="north" names no cluster of the inventory (east, west)',
    fix: 'make the cluster label one of east, west',
    labels: { cluster: 'north', alertname: 'HostDown', instance: 'node-3:9100' },
    group: 'alertname=HostDown, cluster=north',
    at,
    ...extra,
  };
}

describe.each(backends)('the alerts no cluster could be given, on %s', (_name, open) => {
  let now = new Date('2026-12-01T10:00:00.000Z');
  const clock = (): Date => now;
  let a: UnroutedAlertStore;
  let b: UnroutedAlertStore;
  let dbA: SqlStore;

  beforeAll(async () => {
    const [one, two] = await open();
    opened.push(one, two);
    dbA = one;
    a = new UnroutedAlertStore(one, { clock, maxRows: 3, maxAgeMs: 24 * 3_600_000 });
    b = new UnroutedAlertStore(two, { clock, maxRows: 3, maxAgeMs: 24 * 3_600_000 });
  }, 60_000);

  it("lists on one replica what the other kept, one row per alert counting its notifications, the first one's time kept", async () => {
    expect(await a.list()).toEqual({ alerts: [], total: 0 });
    await b.keep([lost('f001', now.toISOString())]);
    const first = now.toISOString();
    now = new Date(now.getTime() + 4 * 3_600_000);
    // Alertmanager repeats the group after repeat_interval, to the other replica this time.
    await a.keep([lost('f001', now.toISOString(), { status: 'resolved' })]);
    const { alerts, total } = await a.list();
    expect(total).toBe(1);
    expect(alerts).toEqual([
      {
        fingerprint: 'f001',
        alertname: 'HostDown',
        status: 'resolved',
        kind: 'unknown-cluster',
        reason: 'label cluster="north" names no cluster of the inventory (east, west)',
        fix: 'make the cluster label one of east, west',
        labels: { cluster: 'north', alertname: 'HostDown', instance: 'node-3:9100' },
        group: 'alertname=HostDown, cluster=north',
        firstSeenAt: first,
        lastSeenAt: now.toISOString(),
        times: 2,
      },
    ]);
    expect(await b.list()).toEqual({ alerts, total });
  });

  it('keeps the bound: past it the rows received longest ago go, newest listed first', async () => {
    for (const fp of ['f002', 'f003', 'f004']) {
      now = new Date(now.getTime() + 60_000);
      await (fp === 'f003' ? b : a).keep([lost(fp, now.toISOString(), { kind: 'several-clusters', alertname: `Alert-${fp}` })]);
    }
    const { alerts, total } = await b.list(10);
    expect(total).toBe(3);
    expect(alerts.map((x) => x.fingerprint)).toEqual(['f004', 'f003', 'f002']);
    expect((await b.list(2)).alerts.map((x) => x.fingerprint)).toEqual(['f004', 'f003']);
  });

  it('drops the rows no notification repeated within their age, and shows none past it meanwhile', async () => {
    now = new Date(now.getTime() + 23 * 3_600_000);
    await a.keep([lost('f005', now.toISOString())]);
    now = new Date(now.getTime() + 2 * 3_600_000);
    // Past the age, not shown even before a write deletes them.
    expect((await b.list()).alerts.map((x) => x.fingerprint)).toEqual(['f005']);
    await b.keep([lost('f006', now.toISOString())]);
    const rows = await dbA.all<{ fingerprint: string }>('SELECT fingerprint FROM alert_unrouted ORDER BY fingerprint');
    expect(rows).toEqual([{ fingerprint: 'f005' }, { fingerprint: 'f006' }]);
  });

  it('keeps labels redacted: a scrape URL with credentials never reaches the store', async () => {
    await a.keep([lost('f007', now.toISOString(), { labels: { alertname: 'HostDown', instance: 'https://scraper:Sup3rS3cretPw@10.0.0.9:9100/metrics' } })]);
    const raw = await dbA.all<{ labels: string }>("SELECT labels FROM alert_unrouted WHERE fingerprint = 'f007'");
    expect(raw[0]?.labels).not.toContain('Sup3rS3cretPw');
    expect((await b.list()).alerts.find((x) => x.fingerprint === 'f007')?.labels.instance).toMatch(/^https:\/\/scraper:\*+@10\.0\.0\.9:9100\/metrics$/);
  });

  it("reads a cluster's firing alerts from the alert book's rows, that cluster's only, within the book's age", async () => {
    const alert = (node: string, alertname: string) =>
      JSON.stringify({
        fingerprint: 'x',
        groupId: 'alert-g',
        alertname,
        severity: 'critical',
        startsAt: '2026-12-01T09:58:54Z',
        summary: `${alertname} on ${node}`,
        place: { node, known: true, label: 'instance' },
        signature: 'alert-g',
        firstSeenAt: 'x',
      });
    const seen = now.getTime();
    const rows: [string, string, string, string, number][] = [
      ['east', 'e1', alert('node-1', 'HostDown'), '2026-12-02T10:00:00.000Z', seen],
      ['east', 'e2', alert('node-2', 'RabbitmqDiskAlarm'), '2026-12-02T11:00:00.000Z', seen],
      ['east', 'e3', '{not json', '2026-12-02T12:00:00.000Z', seen],
      ['east', 'e4', alert('node-4', 'Stale'), '2026-12-01T00:00:00.000Z', seen - 49 * 3_600_000],
      ['west', 'w1', alert('node-1', 'HostDown'), '2026-12-02T10:00:00.000Z', seen],
    ];
    for (const r of rows) {
      await dbA.run('INSERT INTO alert_firing (cluster, fingerprint, group_id, alert, first_seen_at, last_seen_ms) VALUES (?, ?, ?, ?, ?, ?)', [
        r[0],
        r[1],
        'alert-g',
        r[2],
        r[3],
        r[4],
      ]);
    }
    const east = new StoredAlerts({ store: dbA, cluster: 'east', unrouted: a, clock });
    const firing = await east.firing();
    // The unreadable row is counted but not shown; the one past 48 h is neither.
    expect(firing.total).toBe(3);
    expect(firing.alerts.map((x) => `${x.fingerprint} ${x.alertname} ${x.place.node} ${x.firstSeenAt}`)).toEqual([
      'e2 RabbitmqDiskAlarm node-2 2026-12-02T11:00:00.000Z',
      'e1 HostDown node-1 2026-12-02T10:00:00.000Z',
    ]);
    expect(east.unrouted).toBe(a);
  });
});
