import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startClusterMonitoring, type ClusterMonitoring } from '../../../src/app/cluster-monitoring.js';
import { createApp, type StackmedicApp } from '../../../src/app/create-app.js';
import type { WebhookPayload } from '../../../src/alerts/payload.js';
import { SharedAlertBook } from '../../../src/alerts/shared-book.js';
import { readEnvOptions } from '../../../src/config/env.js';
import { loadClusters } from '../../../src/inventory/clusters.js';
import type { PermissionRole, Reply } from '../../../src/router/types.js';

/**
 * `/cluster alerts [--unrouted]` on two clusters (east, west, lab of test/fixtures/inventory/clusters.yml):
 * the alerts the router gave no cluster are listed from the store with the labels that decided,
 * why and the fix, on any cluster or none named; a cluster's firing alerts come from its book.
 */

const at = '2026-12-01T10:00:00.000Z';
let now = at;
let app: StackmedicApp;
let monitoring: ClusterMonitoring;

function notification(alerts: Record<string, string>[]): WebhookPayload {
  return {
    version: '4',
    groupKey: '{}:{alertname="HostDown"}',
    status: 'firing',
    receiver: 'stackmedic',
    groupLabels: { alertname: 'HostDown' },
    commonLabels: { alertname: 'HostDown' },
    commonAnnotations: {},
    alerts: alerts.map((labels, i) => ({
      status: 'firing' as const,
      labels: { alertname: 'HostDown', severity: 'critical', ...labels },
      annotations: { summary: `host down ${i}` },
      startsAt: '2026-12-01T09:58:54Z',
    })),
  };
}

async function run(text: string, role: PermissionRole = 'viewer'): Promise<{ reply: Reply; ephemeral: boolean }> {
  const result = await app.router.dispatch({ text, actor: { id: 'U-viv', name: 'viv', via: 'console' }, role });
  if (result.kind !== 'reply') throw new Error(`expected a reply, got ${result.kind}`);
  return { reply: result.reply, ephemeral: result.ephemeral };
}

beforeAll(async () => {
  const set = loadClusters(join(import.meta.dirname, '../../fixtures/inventory/clusters.yml'));
  const env = readEnvOptions({ STACKMEDIC_DB: ':memory:', STACKMEDIC_SCHEDULE: '0 0 1 1 *' });
  app = createApp({ inventory: set.clusters[0]!, clusters: set.clusters, env, clock: () => new Date(now) });
  // Only east and west are monitored: lab's alerts have no incident channel to go to.
  const started = startClusterMonitoring({ stackmedic: app, env, channelOf: (c) => (c === 'lab' ? undefined : `C-${c}`), start: false, log: () => {} });
  if (!started) throw new Error('no cluster monitored');
  monitoring = started;
});

afterAll(async () => {
  await monitoring?.stop();
  await app?.close();
});

describe('/cluster alerts --unrouted', () => {
  it('says when no alert went unrouted, on any cluster, without --cluster', async () => {
    const { reply } = await run('/cluster alerts --unrouted');
    expect(reply).toMatchObject({ ok: true, title: 'No alert was given to no cluster in the last 7 days.', data: { unrouted: [], total: 0 } });
  });

  it('lists each alert no cluster was given: when, what, the labels that decided, why and the fix', async () => {
    const receipt = await monitoring.alerts.receive(
      notification([
        { cluster: 'north', instance: 'node-3:9100' },
        // node-1 is a node of east and of west.
        { instance: '10.1.0.1:9100', hostname: 'node-1' },
        {},
        { cluster: 'lab', instance: 'node-1:9100' },
      ]),
    );
    expect(receipt).toMatchObject({ unroutedCount: 4, firing: 0 });
    const { reply } = await run('/cluster alerts --unrouted');
    expect(reply.ok).toBe(false);
    expect(reply.title).toBe('4 alerts given to no cluster in the last 7 days (received last first): they open or join no incident.');
    const blocks = reply.text.split(/\n(?=\S)/);
    expect(blocks).toHaveLength(4);
    const block = (why: string): string => blocks.find((b) => b.includes(why)) ?? `(no block with ${why})`;
    expect(block('north')).toBe(
      [
        '2026-12-01 10:00:00 HostDown (firing; once) in group alertname=HostDown',
        '    labels: cluster=north instance=node-3:9100',
        '    why: label cluster="north" names no cluster of the inventory (east, west, lab)',
        '    fix: make the cluster label one of east, west, lab where Prometheus sets it (external_labels or a relabelling rule), or have its Alertmanager receiver post to /alertmanager/CLUSTER (e.g. /alertmanager/east)',
      ].join('\n'),
    );
    expect(block('several clusters')).toContain('    labels: instance=10.1.0.1:9100 hostname=node-1\n');
    expect(block('several clusters')).toContain('fix: add a cluster label (Prometheus external_labels: {cluster: east}): node names repeat across clusters');
    expect(block('no node label')).toContain('    labels: (no cluster or node label)\n');
    expect(block('not monitored')).toContain(
      'fix: bind a channel to lab (channels: in the permissions file, or STACKMEDIC_CHANNELS) or set STACKMEDIC_INCIDENT_CHANNEL',
    );
    const data = reply.data as { total: number; unrouted: { kind: string }[] };
    expect(data.total).toBe(4);
    expect(data.unrouted.map((u) => u.kind).sort()).toEqual(['no-node', 'several-clusters', 'unknown-cluster', 'unmonitored']);
    // Bound to a cluster or named, the list is the same: those alerts are nobody's.
    expect((await run('/cluster alerts --unrouted --cluster west')).reply.text).toBe(reply.text);
  });

  it('counts a repeated notification on the same row, and shows at most N', async () => {
    now = '2026-12-01T14:00:00.000Z';
    await monitoring.alerts.receive(notification([{ cluster: 'north', instance: 'node-3:9100' }]));
    const { reply } = await run('/cluster alerts 1 --unrouted');
    expect(reply.title).toBe(
      '4 alerts given to no cluster in the last 7 days (received last first; the 1 received last are shown): they open or join no incident.',
    );
    expect(reply.text.split('\n')[0]).toBe('2026-12-01 14:00:00 HostDown (firing; 2 notifications since 2026-12-01 10:00:00) in group alertname=HostDown');
  });
});

describe('/cluster alerts', () => {
  it('needs a cluster with several, as every cluster command does', async () => {
    const { reply, ephemeral } = await run('/cluster alerts');
    expect(ephemeral).toBe(true);
    expect(reply.title).toContain('there are 3 clusters here (east, west, lab): name one with --cluster NAME');
  });

  it("lists the cluster's firing alerts from its book, and points to the unrouted ones", async () => {
    const east = app.clusters.find((c) => c.inventory.cluster === 'east')!;
    const book = new SharedAlertBook({ store: app.store, cluster: 'east', clock: () => new Date(now) });
    await book.apply(notification([{ instance: 'node-2:9100' }]), { inventory: east.inventory, known: new Set(), now: new Date(now) });
    const { reply } = await run('/cluster alerts --cluster east');
    expect(reply.ok).toBe(true);
    expect(reply.title).toBe('1 Alertmanager alert firing on east (started last first).');
    expect(reply.text).toBe(
      '• HostDown on node-2 (critical, since 2026-12-01 09:58:54, last notified 2026-12-01 14:00:00): host down 0\n\n4 alerts went to no cluster: /cluster alerts --unrouted',
    );
    const west = await run('/cluster alerts --cluster west');
    expect(west.reply.title).toBe('No Alertmanager alert fires on west as far as stackmedic heard.');
  });

  it('says the store cannot be read when it is down, pointing to what still answers', async () => {
    const set = loadClusters(join(import.meta.dirname, '../../fixtures/inventory/clusters.yml'));
    const down = createApp({ inventory: set.clusters[0]!, clusters: set.clusters, env: readEnvOptions({ STACKMEDIC_DB: ':memory:' }) });
    await down.store.close();
    const result = await down.router.dispatch({ text: '/cluster alerts --unrouted', actor: { id: 'U-viv', name: 'viv', via: 'console' }, role: 'viewer' });
    if (result.kind !== 'reply') throw new Error(`expected a reply, got ${result.kind}`);
    expect(result.reply.ok).toBe(false);
    expect(result.reply.title).toMatch(/^The alerts are kept in the store, which cannot be read now \(.+\); \/cluster status still answers\.$/);
    expect(result.reply.text).toContain('the audit and incidents are unavailable');
  });

  it('is listed in /cluster help', async () => {
    const { reply } = await run('/cluster help');
    expect(`${reply.title}\n${reply.text}`).toContain('/cluster alerts [N] [--unrouted]');
  });
});
