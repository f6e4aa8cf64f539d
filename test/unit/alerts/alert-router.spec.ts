import { describe, expect, it } from 'vitest';
import type { AlertmanagerApi } from '../../../src/alerts/alertmanager-api.js';
import { AlertBook } from '../../../src/alerts/book.js';
import { PassQueue } from '../../../src/alerts/passes.js';
import type { WebhookPayload } from '../../../src/alerts/payload.js';
import { AlertRouter } from '../../../src/alerts/router.js';
import { AlertService } from '../../../src/alerts/service.js';
import { UnroutedAlertStore } from '../../../src/alerts/unrouted.js';
import { silenceButtons, readSilencePress } from '../../../src/alerts/silence-button.js';
import { AuditLog } from '../../../src/audit/audit-log.js';
import { IncidentStore } from '../../../src/incidents/store.js';
import type { Inventory, NodeSpec } from '../../../src/inventory/types.js';
import { loadCatalog } from '../../../src/signatures/index.js';
import { openDatabase } from '../../../src/store/database.js';
import { SqliteStore } from '../../../src/store/sqlite-store.js';

const node = (name: string, address: string): NodeSpec => ({ name, address, port: 22, user: 'root', roles: ['controller'], become: false });
const inv = (cluster: string, nodes: NodeSpec[]): Inventory => ({ cluster, knownHostsPath: '/dev/null', source: 'test', jumpHosts: [], nodes });
const at = '2026-12-01T10:00:00.000Z';

function notification(alerts: Record<string, string>[], groupLabels: Record<string, string> = { alertname: 'HostDown' }): WebhookPayload {
  return {
    version: '4',
    groupKey: `{}:${JSON.stringify(groupLabels)}`,
    status: 'firing',
    receiver: 'stackmedic',
    groupLabels,
    commonLabels: groupLabels,
    commonAnnotations: {},
    alerts: alerts.map((labels) => ({
      status: 'firing' as const,
      labels: { alertname: 'HostDown', severity: 'critical', ...labels },
      annotations: {},
      startsAt: at,
    })),
  };
}

async function setup() {
  const db = new SqliteStore(openDatabase(':memory:'));
  const audit = new AuditLog(db);
  const created: { matchers: unknown }[] = [];
  const api = {
    url: 'http://am/',
    async createSilence(s: { matchers: unknown }) {
      created.push(s);
      return `sil-${created.length}`;
    },
    async silence() {
      return undefined;
    },
  } as unknown as AlertmanagerApi;
  const logs: string[] = [];
  const clusters = [inv('east', [node('ctl-1', '10.1.0.1')]), inv('west', [node('ctl-9', '10.2.0.9')])].map((inventory) => {
    const book = new AlertBook();
    const incidents = new IncidentStore(db, inventory.cluster);
    const service = new AlertService({
      inventory,
      store: incidents,
      audit: audit.forCluster(inventory.cluster),
      book,
      queue: new PassQueue(async () => undefined),
      catalog: () => loadCatalog(),
      api,
      clock: () => new Date(at),
      log: (l) => logs.push(l),
    });
    return { inventory, service, incidents, book };
  });
  const router = new AlertRouter({
    clusters,
    audit,
    log: (l) => logs.push(l),
    clock: () => new Date(at),
    unrouted: new UnroutedAlertStore(db, { clock: () => new Date(at) }),
  });
  return { db, router, clusters, created, logs };
}

describe('the alert router', () => {
  it("splits one notification by cluster, and answers each cluster's share and the alerts it gave to none", async () => {
    const { router, clusters, logs, db } = await setup();
    const receipt = await router.receive(
      notification([{ cluster: 'west', instance: 'ctl-9:9100' }, { instance: 'ctl-1:9100' }, { cluster: 'north', instance: 'x:1' }, { instance: '10.9.9.9' }]),
    );
    expect(receipt).toMatchObject({
      firing: 2,
      resolved: 0,
      clusters: { east: { firing: 1, resolved: 0 }, west: { firing: 1, resolved: 0 } },
      unroutedCount: 2,
      unrouted: [
        { alertname: 'HostDown', status: 'firing', reason: 'label cluster="north" names no cluster of the inventory (east, west)' },
        { alertname: 'HostDown', status: 'firing', reason: 'no cluster label, and 10.9.9.9 is a node of no cluster' },
      ],
    });
    const [east, west] = clusters;
    expect(east?.book.firing().map((a) => a.place.node)).toEqual(['ctl-1']);
    expect(west?.book.firing().map((a) => a.place.node)).toEqual(['ctl-9']);
    // Kept in the store (both received at the same time: in fingerprint order), each with why and what to do.
    const kept = [...(await router.unrouted())].sort((x, y) => (x.labels.instance ?? '').localeCompare(y.labels.instance ?? ''));
    expect(kept.map((u) => [u.labels, u.kind, u.group, u.times, u.firstSeenAt])).toEqual([
      [{ alertname: 'HostDown', instance: '10.9.9.9' }, 'unknown-node', 'alertname=HostDown', 1, at],
      [{ cluster: 'north', alertname: 'HostDown', instance: 'x:1' }, 'unknown-cluster', 'alertname=HostDown', 1, at],
    ]);
    expect(kept.map((u) => u.fix)).toEqual([
      "add a cluster label naming one of east, west, or have its Alertmanager receiver post to /alertmanager/CLUSTER (e.g. /alertmanager/east); or add the node to its cluster's inventory",
      'make the cluster label one of east, west where Prometheus sets it (external_labels or a relabelling rule), or have its Alertmanager receiver post to /alertmanager/CLUSTER (e.g. /alertmanager/east)',
    ]);
    expect(logs.filter((l) => l.includes('2 alerts of group alertname=HostDown given to no cluster'))).toHaveLength(1);
    const audit = await db.all<{ command: string; outcome: string; cluster: string | null }>(
      'SELECT command, outcome, cluster FROM audit_invocation ORDER BY id',
    );
    expect(audit).toEqual([
      { command: 'Alertmanager webhook: firing alertname=HostDown, cluster=west', outcome: 'ok', cluster: 'west' },
      { command: 'Alertmanager webhook: firing alertname=HostDown', outcome: 'ok', cluster: 'east' },
      { command: 'Alertmanager webhook: firing alertname=HostDown (no cluster)', outcome: 'refused', cluster: null },
    ]);
    await router.idle();
  });

  it("scopes a group's silence to its cluster when its alerts carry the label, and creates it through the incident's cluster", async () => {
    const { router, clusters, created } = await setup();
    await router.receive(notification([{ cluster: 'west', instance: 'ctl-9:9100' }]));
    const west = clusters[1];
    const group = west?.book.group(west.book.firing()[0]?.groupId ?? '');
    expect(group?.labels).toEqual({ alertname: 'HostDown', cluster: 'west' });
    const id = await west?.incidents.open(
      { severity: 'critical', title: 'HostDown on ctl-9', root: { signature: 'x', node: 'ctl-9' }, chain: null, chainText: '', impact: [], nextSteps: [] },
      [],
      at,
    );
    const block = silenceButtons(Number(id), group!);
    const value = (block?.elements as { value: string }[])[0]?.value ?? '';
    const press = readSilencePress(value);
    expect(press?.matchers).toEqual([
      { name: 'alertname', value: 'HostDown' },
      { name: 'cluster', value: 'west' },
    ]);
    const outcome = await router.silence(press!, { id: 'U1', name: 'oper' });
    expect(outcome.matchers).toBe('alertname="HostDown", cluster="west"');
    expect(created).toHaveLength(1);
    expect((await west?.incidents.events(Number(id)))?.map((e) => e.text)).toContainEqual(
      expect.stringContaining('Alertmanager silence sil-1 created by oper'),
    );
    await expect(router.silence({ ...press!, incidentId: 999 }, { id: 'U1', name: 'oper' })).rejects.toThrow('There is no incident #999.');
    await router.idle();
  });
});
