import type { Server } from 'node:http';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startClusterMonitoring, type ClusterMonitoring } from '../../src/app/cluster-monitoring.js';
import { createApp, type StackmedicApp } from '../../src/app/create-app.js';
import { serviceRoutes } from '../../src/app/http-routes.js';
import { readEnvOptions } from '../../src/config/env.js';
import type { MonitorRun } from '../../src/incidents/monitor.js';
import { startHealthServer } from '../../src/lifecycle/health.js';
import { LeaderLease } from '../../src/store/lease.js';
import { PostgresStore } from '../../src/store/postgres-store.js';
import type { SqlStore } from '../../src/store/sql-store.js';
import { startAlertmanager, type PostableAlert, type RealAlertmanager } from '../support/alertmanager.js';
import { startPostgres, type PostgresServer } from '../support/postgres.js';
import { startTwoClusters, type TwoClusters } from '../support/two-clusters.js';
import { until } from '../e2e/alerts/serve-harness.js';

/**
 * Issue 16's Alertmanager part against a REAL Alertmanager (Debian's prometheus-alertmanager on
 * loopback) posting to stackmedic's real HTTP receiver (the server `serve` opens on
 * STACKMEDIC_HTTP_PORT), with two simulated clusters (east healthy, west in the seed outage):
 * each alert goes to the cluster its `cluster` label names; one naming an unknown cluster, and one
 * whose node is in both clusters, go to none and are audited and shown. On SQLite (one process),
 * and on a real PostgreSQL with two replicas where Alertmanager posts to replica B only and
 * replica A, leading the scheduled checks, sees B's alerts in its own check. No timer races:
 * every wait polls a condition with a generous deadline.
 */

const TOKEN = 'am-clusters-token-81f3c2';

let two: TwoClusters;
let pg: PostgresServer;
const dir = mkdtempSync(join(tmpdir(), 'stackmedic-am-clusters-'));
const cleanups: (() => Promise<void>)[] = [];

beforeAll(async () => {
  two = await startTwoClusters({ east: 'healthy', west: 'seed-incident' });
  pg = await startPostgres();
}, 180_000);
afterAll(async () => {
  for (const c of cleanups.reverse()) await c().catch(() => undefined);
  await two?.stop();
  await pg?.stop();
  rmSync(dir, { recursive: true, force: true });
});

/** One stackmedic replica: both clusters, their monitoring (not started), and the HTTP receiver with the webhook. */
interface Replica {
  readonly name: string;
  readonly app: StackmedicApp;
  readonly monitoring: ClusterMonitoring;
  readonly url: string;
  readonly logs: string[];
  /** One pass of a cluster's incident check, as its scheduler runs it. */
  pass(cluster: string): Promise<MonitorRun>;
}

async function replica(name: string, store?: SqlStore, extra: Record<string, string> = {}): Promise<Replica> {
  const env = readEnvOptions({
    ...extra,
    STACKMEDIC_DB: join(dir, `${name}.sqlite`),
    STACKMEDIC_INCIDENT_CHANNEL: 'C-ops',
    STACKMEDIC_SCHEDULE: '0 0 1 1 *',
    STACKMEDIC_ALERTMANAGER_TOKEN: TOKEN,
  });
  const west = two.sims.west!;
  const app = createApp({
    inventory: two.set.clusters[0]!,
    clusters: two.set.clusters,
    env,
    clock: () => new Date(west.state.clock.now()),
    ...(store ? { store, replica: name } : {}),
  });
  const logs: string[] = [];
  const monitoring = startClusterMonitoring({
    stackmedic: app,
    env,
    channelOf: (c) => `C-${c}`,
    start: false,
    log: (l) => logs.push(l),
    // Ten minutes: A keeps the leases however slowly its checks run on a loaded machine; no takeover is tested here.
    ...(store ? { leaseOf: (c: string) => new LeaderLease(store, { name: `scheduler:${c}`, seconds: 600, holder: name }) } : {}),
  });
  if (!monitoring) throw new Error('no cluster monitored');
  const routes = serviceRoutes({ stackmedic: app, env, alerts: () => monitoring.alerts, log: (l) => logs.push(l) });
  const health = { slack: () => ({ ok: true, state: 'not configured' }), store: app.store, scheduler: monitoring.scheduler, stopping: () => false };
  const { server, port } = await startHealthServer(health, 0, '127.0.0.1', routes);
  cleanups.push(async () => {
    await monitoring.stop();
    await close(server);
    await app.close();
  });
  const pass = (cluster: string): Promise<MonitorRun> => {
    const each = monitoring.each.find((e) => e.cluster === cluster);
    if (!each) throw new Error(`no cluster ${cluster}`);
    return each.monitoring.passes.pass();
  };
  return { name, app, monitoring, url: `http://127.0.0.1:${port}`, logs, pass };
}

function close(server: Server): Promise<void> {
  return new Promise((resolve) => server.close(() => resolve()));
}

async function amTo(url: string): Promise<RealAlertmanager> {
  const am = await startAlertmanager({
    webhookUrl: `${url}/alertmanager`,
    token: TOKEN,
    groupBy: ['alertname', 'cluster'],
    groupWait: '1s',
    groupInterval: '2s',
  });
  cleanups.push(() => am.stop());
  return am;
}

const westDisk: PostableAlert = {
  labels: { alertname: 'RabbitmqDiskAlarm', cluster: 'west', instance: 'node-10:15692', severity: 'critical', stackmedic_signature: 'rabbit-disk-alarm' },
  annotations: { summary: 'RabbitMQ disk alarm in force on node-10' },
};
const eastLoad: PostableAlert = {
  labels: { alertname: 'HostHighLoad', cluster: 'east', instance: 'node-18:9100', severity: 'warning' },
  annotations: { summary: 'load above 20 on node-18' },
};
const northDown: PostableAlert = { labels: { alertname: 'HostDown', cluster: 'north', instance: 'node-3:9100', severity: 'critical' } };
// node-10 is a node of both simulated clusters: its node alone cannot say which.
const noCluster: PostableAlert = { labels: { alertname: 'NodeClockSkew', instance: 'node-10:9100', severity: 'warning' } };

type AuditRow = { command: string; outcome: string; cluster: string | null; detail: string | null };
const webhookAudit = (store: SqlStore): Promise<AuditRow[]> =>
  store.all<AuditRow>("SELECT command, outcome, cluster, detail FROM audit_invocation WHERE command LIKE 'Alertmanager webhook:%' ORDER BY id");

function alertKeys(run: MonitorRun): string[] {
  return run.check.evidence
    .filter((e) => e.key.startsWith('alert|'))
    .map((e) => `${e.fields.alertname}@${e.node}`)
    .sort();
}

/** Waits until Alertmanager's notifications of the four groups have all been taken (audited). */
async function allTaken(store: SqlStore): Promise<AuditRow[]> {
  return until(
    'the four groups taken',
    async () => {
      const rows = await webhookAudit(store);
      const firing = rows.filter((r) => r.command.startsWith('Alertmanager webhook: firing'));
      return firing.length >= 4 ? firing : undefined;
    },
    90_000,
  );
}

describe('Alertmanager with two clusters, one process on SQLite', () => {
  let r: Replica;
  let am: RealAlertmanager;

  // Each cluster's own Alertmanager for silences (STACKMEDIC_ALERTMANAGER_URL=east=URL,west=URL).
  const own: Record<string, RealAlertmanager> = {};

  beforeAll(async () => {
    for (const c of ['east', 'west']) {
      own[c] = await startAlertmanager({ webhookUrl: 'http://127.0.0.1:9/unused', token: TOKEN });
      const started = own[c];
      cleanups.push(() => started.stop());
    }
    r = await replica('solo', undefined, { STACKMEDIC_ALERTMANAGER_URL: `east=${own.east!.url},west=${own.west!.url}` });
    am = await amTo(r.url);
  }, 120_000);

  it("gives each alert to the cluster its label names, and an unknown cluster's or an ambiguous node's to none, audited and logged", async () => {
    await am.postAlerts([westDisk, eastLoad, northDown, noCluster]);
    const rows = await allTaken(r.app.store);
    expect(
      rows
        .filter((x) => x.outcome === 'ok')
        .map((x) => `${x.cluster} ${x.command}`)
        .sort(),
    ).toEqual([
      'east Alertmanager webhook: firing alertname=HostHighLoad, cluster=east',
      'west Alertmanager webhook: firing alertname=RabbitmqDiskAlarm, cluster=west',
    ]);
    const refused = rows.filter((x) => x.outcome === 'refused');
    expect(refused.map((x) => `${x.cluster} ${x.command}`).sort()).toEqual([
      'null Alertmanager webhook: firing alertname=HostDown, cluster=north (no cluster)',
      'null Alertmanager webhook: firing alertname=NodeClockSkew (no cluster)',
    ]);
    expect(refused.map((x) => x.detail).join('\n')).toContain('label cluster="north" names no cluster of the inventory (east, west)');
    expect(refused.map((x) => x.detail).join('\n')).toContain('node-10 is a node of several clusters (east, west)');
    expect(r.logs.filter((l) => /Alertmanager: 1 alert of group .* given to no cluster/.test(l))).toHaveLength(2);
    expect((await r.monitoring.alerts.unrouted()).map((u) => `${u.alertname} ${u.kind}`).sort()).toEqual([
      'HostDown unknown-cluster',
      'NodeClockSkew several-clusters',
    ]);
    await r.monitoring.alerts.idle();
    expect(alertKeys(await r.pass('west'))).toEqual(['RabbitmqDiskAlarm@node-10']);
    expect(alertKeys(await r.pass('east'))).toEqual(['HostHighLoad@node-18']);
    // West's incident holds west's alert; east's incidents never hold it.
    const westAlerts = await r.app.store.all<{ cluster: string; key: string }>(
      "SELECT i.cluster AS cluster, e.key AS key FROM incident_evidence e JOIN incident i ON i.id = e.incident_id WHERE e.key LIKE 'alert|%'",
    );
    expect(westAlerts.filter((x) => x.cluster === 'west').length).toBeGreaterThan(0);
    expect(westAlerts.filter((x) => x.cluster !== 'west').every((x) => x.cluster === 'east')).toBe(true);
    const eastRows = await r.app.store.all<{ alert: string }>("SELECT alert FROM alert_firing WHERE cluster = 'east'");
    expect(eastRows.map((x) => (JSON.parse(x.alert) as { alertname: string }).alertname)).toEqual(['HostHighLoad']);
  }, 150_000);

  it("answers the webhook with each cluster's share and what went nowhere; /alertmanager/CLUSTER takes the path's cluster", async () => {
    const payload = (alerts: PostableAlert[]) => ({
      version: '4',
      groupKey: '{}:{alertname="Mixed"}',
      status: 'firing',
      receiver: 'stackmedic',
      groupLabels: { alertname: 'Mixed' },
      commonLabels: { alertname: 'Mixed' },
      commonAnnotations: {},
      alerts: alerts.map((a) => ({ status: 'firing', labels: { ...a.labels, alertname: 'Mixed' }, annotations: {}, startsAt: '2026-12-01T10:00:00Z' })),
    });
    const post = async (path: string, body: unknown): Promise<{ status: number; json: Record<string, unknown> }> => {
      const res = await fetch(`${r.url}${path}`, {
        method: 'POST',
        headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
      return { status: res.status, json: (await res.json()) as Record<string, unknown> };
    };
    const mixed = await post('/alertmanager', payload([westDisk, northDown]));
    expect(mixed.status).toBe(200);
    expect(mixed.json).toMatchObject({
      status: 'accepted',
      firing: 1,
      clusters: { west: { firing: 1, resolved: 0 } },
      unroutedCount: 1,
      unrouted: [{ alertname: 'Mixed', status: 'firing', reason: 'label cluster="north" names no cluster of the inventory (east, west)' }],
    });
    // An Alertmanager receiver per cluster: the path decides, even over a label naming another.
    const byPath = await post('/alertmanager/east', payload([northDown, westDisk]));
    expect(byPath.json).toMatchObject({ firing: 2, clusters: { east: { firing: 2, resolved: 0 } }, unroutedCount: 0 });
    expect((await fetch(`${r.url}/alertmanager/north`, { method: 'POST', body: '{}' })).status).toBe(404);
    await r.monitoring.alerts.idle();
  }, 60_000);

  it("creates a Silence in the Alertmanager of the incident's cluster, with the cluster among its matchers", async () => {
    const west = r.monitoring.each.find((e) => e.cluster === 'west');
    const [incident] = (await west!.monitoring.store.list({ status: 'open' })).filter((i) => i.root.node === 'node-10');
    expect(incident).toBeDefined();
    const matchers = [
      { name: 'alertname', value: 'RabbitmqDiskAlarm' },
      { name: 'cluster', value: 'west' },
    ];
    const outcome = await r.monitoring.alerts.silence(
      { incidentId: incident!.id, groupId: 'alert-0123456789ab', matchers, duration: '1h' },
      { id: 'U1', name: 'oper' },
    );
    expect(outcome.matchers).toBe('alertname="RabbitmqDiskAlarm", cluster="west"');
    expect((await own.west!.silences()).map((x) => x.id)).toEqual([outcome.silenceId]);
    expect(await own.east!.silences()).toEqual([]);
    expect(await am.silences()).toEqual([]);
  }, 60_000);
});

describe('Alertmanager with two clusters and two replicas on one real PostgreSQL', () => {
  let a: Replica;
  let b: Replica;
  let am: RealAlertmanager;

  beforeAll(async () => {
    a = await replica('replica-a', await PostgresStore.open({ url: pg.url, log: () => {} }));
    b = await replica('replica-b', await PostgresStore.open({ url: pg.url, log: () => {} }));
    // Alertmanager reaches replica B only, as a load balancer may send every notification there.
    am = await amTo(b.url);
  }, 120_000);

  it('replica A, leading the scheduled checks, sees in its own check the alerts Alertmanager sent to replica B, each in its cluster', async () => {
    // A takes both clusters' leases first; B stands by.
    for (const e of a.monitoring.each) expect(await e.monitoring.scheduler.tick()).toBe('ran');
    for (const e of b.monitoring.each) await e.monitoring.scheduler.tick();
    expect(b.logs.filter((l) => l.includes('stands by this tick: replica-a runs the scheduled checks'))).toHaveLength(2);
    await am.postAlerts([westDisk, eastLoad, northDown, noCluster]);
    await allTaken(a.app.store);
    // A received nothing itself, and lists what B could give no cluster: the list is in the store they share.
    expect(a.logs.filter((l) => l.includes('given to no cluster'))).toEqual([]);
    for (const x of [a, b]) expect((await x.monitoring.alerts.unrouted()).map((u) => u.alertname).sort()).toEqual(['HostDown', 'NodeClockSkew']);
    const listed = await a.app.router.dispatch({
      text: '/cluster alerts --unrouted',
      actor: { id: 'U-viewer', name: 'viewer', via: 'console' },
      role: 'viewer',
    });
    if (listed.kind !== 'reply') throw new Error(`not a reply: ${listed.kind}`);
    expect(listed.reply.title).toBe('2 alerts given to no cluster in the last 7 days (received last first): they open or join no incident.');
    expect(listed.reply.text).toContain('HostDown (firing; once) in group alertname=HostDown, cluster=north');
    expect(listed.reply.text).toContain('    labels: cluster=north instance=node-3:9100');
    expect(listed.reply.text).toContain('    why: no cluster label, and node-10 is a node of several clusters (east, west)');
    expect(listed.reply.text).toContain('    fix: add a cluster label (Prometheus external_labels: {cluster: east})');
    expect(alertKeys(await a.pass('west'))).toEqual(['RabbitmqDiskAlarm@node-10']);
    expect(alertKeys(await a.pass('east'))).toEqual(['HostHighLoad@node-18']);
    // One incident per problem on west, whichever replica's pass opened it.
    await b.monitoring.alerts.idle();
    const incidents = await a.app.store.all<{ cluster: string; n: number }>(
      "SELECT cluster, COUNT(*) AS n FROM incident WHERE status = 'open' GROUP BY cluster",
    );
    expect(incidents.find((x) => x.cluster === 'west')?.n).toBe(1);
  }, 150_000);

  it("an alert resolved through replica B is gone from replica A's next check", async () => {
    await am.postAlerts([{ ...westDisk, endsAt: new Date(Date.now() - 1000).toISOString() }]);
    await until(
      'the resolution taken by B',
      async () => (await webhookAudit(a.app.store)).find((x) => x.command === 'Alertmanager webhook: resolved alertname=RabbitmqDiskAlarm, cluster=west'),
      90_000,
    );
    expect(alertKeys(await a.pass('west'))).toEqual([]);
    expect(alertKeys(await a.pass('east'))).toEqual(['HostHighLoad@node-18']);
    await b.monitoring.alerts.idle();
  }, 120_000);
});
