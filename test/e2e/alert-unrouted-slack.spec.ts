import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadClusters } from '../../src/inventory/clusters.js';
import { bodyText, OPS_CHANNEL, startHarness, USERS, type Harness } from './slack/harness.js';

/**
 * `/cluster alerts --unrouted` from Slack (signed slash command, fake Web API), on an inventory of
 * three clusters and no channel bound: a viewer gets the alerts no cluster could be given, with
 * the labels that decided, why and the fix, posted in the channel like every answer, redacted.
 */

let h: Harness;

beforeAll(async () => {
  const set = loadClusters(join(import.meta.dirname, '../fixtures/inventory/clusters.yml'));
  h = await startHarness({ inventory: set.clusters[0]!, clusters: set.clusters, clock: () => new Date('2026-12-01T10:05:00.000Z') });
  const alerts = h.stackmedic.services.alerts;
  if (!alerts) throw new Error('the app keeps no alerts');
  // As the alert router keeps them (src/alerts/router.ts); a scrape URL with its password in a label.
  await alerts.unrouted.keep([
    {
      fingerprint: '5a1e0c2f9d3b4e71',
      alertname: 'HostDown',
      status: 'firing',
      kind: 'several-clusters',
      reason: 'no cluster label, and node-1 is a node of several clusters (east, west)',
      fix: 'add a cluster label (Prometheus external_labels: {cluster: east}): node names repeat across clusters, or have its Alertmanager receiver post to /alertmanager/CLUSTER (e.g. /alertmanager/east)',
      labels: { alertname: 'HostDown', instance: 'https://scrape:Pr0metheusScrapePw@node-1:9100/metrics', job: 'node' },
      group: 'alertname=HostDown',
      at: '2026-12-01T10:00:00.000Z',
    },
  ]);
});

afterAll(async () => {
  await h?.close();
});

describe('/cluster alerts --unrouted in Slack', () => {
  it('answers a viewer in the channel, without --cluster, each alert with its labels, why and fix, redacted', async () => {
    const r = await h.slash('/cluster', 'alerts --unrouted', { user: USERS.viewer });
    expect(r.status).toBe(200);
    const post = await h.slack.waitFor('chat.postMessage');
    expect(post.body.channel).toBe(OPS_CHANNEL);
    const shown = bodyText(post);
    expect(shown).toContain('1 alert given to no cluster in the last 7 days');
    expect(shown).toContain('2026-12-01 10:00:00 HostDown (firing; once) in group alertname=HostDown');
    expect(shown).toContain('why: no cluster label, and node-1 is a node of several clusters (east, west)');
    expect(shown).toContain('fix: add a cluster label (Prometheus external_labels: {cluster: east})');
    expect(shown).toMatch(/labels: instance=https:\/\/scrape:\*+@node-1:9100\/metrics job=node/);
    expect(JSON.stringify(h.slack.calls)).not.toContain('Pr0metheusScrapePw');
  });
});
