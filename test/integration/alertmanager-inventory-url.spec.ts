import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { WebhookPayload } from '../../src/alerts/payload.js';
import { startClusterMonitoring, type ClusterMonitoring } from '../../src/app/cluster-monitoring.js';
import { createApp, type StackmedicApp } from '../../src/app/create-app.js';
import { readEnvOptions } from '../../src/config/env.js';
import { loadClusters } from '../../src/inventory/clusters.js';
import { startAlertmanager, type RealAlertmanager } from '../support/alertmanager.js';
import { closedPort } from '../support/real/net.js';

/**
 * A cluster's Alertmanager named in its inventory (`alertmanager_url:`), against REAL
 * Alertmanagers (Debian's prometheus-alertmanager on loopback): a Silence pressed on east's
 * incident is created in the Alertmanager east's inventory names, not in the one a bare
 * STACKMEDIC_ALERTMANAGER_URL names (that one serves west, whose inventory names none); with
 * STACKMEDIC_ALERTMANAGER_URL=east=URL the environment wins, and the log says so. Also
 * STACKMEDIC_ALERT_MAX_AGE_HOURS reaching the shared book: an alert no notification repeated for
 * longer is dropped at the next notification. The nodes refuse connections at once (a closed
 * loopback port), so incident passes end quickly; no Slack.
 */

const TOKEN = 'am-inventory-url-token-3b9e';
const dir = mkdtempSync(join(tmpdir(), 'stackmedic-am-inventory-'));
let fromInventory: RealAlertmanager;
let shared: RealAlertmanager;
let inventoryPath: string;
let now = Date.parse('2026-12-01T10:00:00.000Z');
const cleanups: (() => Promise<void>)[] = [];

beforeAll(async () => {
  // Nothing posts to stackmedic in this file: the webhook URL is never used.
  fromInventory = await startAlertmanager({ webhookUrl: 'http://127.0.0.1:9/unused', token: TOKEN });
  shared = await startAlertmanager({ webhookUrl: 'http://127.0.0.1:9/unused', token: TOKEN });
  const port = await closedPort();
  inventoryPath = join(dir, 'clusters.yml');
  writeFileSync(
    inventoryPath,
    `clusters:
  east:
    alertmanager_url: ${fromInventory.url}
    known_hosts: ./known_hosts
    nodes:
      - { name: node-1, address: 127.0.0.1, port: ${port}, roles: [controller] }
  west:
    known_hosts: ./known_hosts
    nodes:
      - { name: node-9, address: 127.0.0.1, port: ${port}, roles: [controller] }
`,
  );
  writeFileSync(join(dir, 'known_hosts'), '');
}, 120_000);

afterAll(async () => {
  for (const c of cleanups.reverse()) await c().catch(() => undefined);
  await fromInventory?.stop();
  await shared?.stop();
  rmSync(dir, { recursive: true, force: true });
});

/** Both clusters monitored (not scheduled), with `vars` as the environment. */
function start(name: string, vars: Record<string, string>): { app: StackmedicApp; monitoring: ClusterMonitoring; logs: string[] } {
  const set = loadClusters(inventoryPath);
  const env = readEnvOptions({ STACKMEDIC_DB: join(dir, `${name}.sqlite`), STACKMEDIC_SCHEDULE: '0 0 1 1 *', STACKMEDIC_SSH_TIMEOUT_MS: '2000', ...vars });
  const app = createApp({ inventory: set.clusters[0]!, clusters: set.clusters, env, clock: () => new Date(now) });
  const logs: string[] = [];
  const monitoring = startClusterMonitoring({ stackmedic: app, env, channelOf: (c) => `C-${c}`, start: false, log: (l) => logs.push(l) });
  if (!monitoring) throw new Error('no cluster monitored');
  cleanups.push(async () => {
    await monitoring.stop();
    await app.close();
  });
  return { app, monitoring, logs };
}

/** Opens an incident on `cluster` and presses its Silence 1h button for alertname=`alertname`. */
async function silence(m: ClusterMonitoring, cluster: string, alertname: string): Promise<string> {
  const each = m.each.find((e) => e.cluster === cluster);
  if (!each) throw new Error(`no cluster ${cluster}`);
  const id = await each.monitoring.store.open(
    {
      severity: 'critical',
      title: `${alertname} on ${cluster}`,
      root: { signature: 'x', node: 'node-1' },
      chain: null,
      chainText: '',
      impact: [],
      nextSteps: [],
    },
    [],
    new Date(now).toISOString(),
  );
  const outcome = await m.alerts.silence(
    { incidentId: Number(id), groupId: 'alert-g', matchers: [{ name: 'alertname', value: alertname }], duration: '1h' },
    { id: 'U-op', name: 'oper' },
  );
  return outcome.silenceId;
}

function notification(alertname: string, fingerprint: string): WebhookPayload {
  return {
    version: '4',
    groupKey: `{}:{alertname="${alertname}"}`,
    status: 'firing',
    receiver: 'stackmedic',
    groupLabels: { alertname },
    commonLabels: { alertname, cluster: 'east' },
    commonAnnotations: {},
    alerts: [
      {
        status: 'firing',
        labels: { alertname, cluster: 'east', instance: 'node-1:9100', severity: 'critical' },
        annotations: {},
        startsAt: new Date(now).toISOString(),
        fingerprint,
      },
    ],
  };
}

describe("a cluster's Alertmanager from its inventory, with real Alertmanagers", () => {
  it("creates east's silence in the Alertmanager its inventory names, west's in the shared one", async () => {
    const { monitoring, logs } = start('inventory', { STACKMEDIC_ALERTMANAGER_URL: shared.url });
    const east = await silence(monitoring, 'east', 'EastOnly');
    const west = await silence(monitoring, 'west', 'WestOnly');
    expect((await fromInventory.silences()).map((s) => [s.id, s.matchers.map((x) => `${x.name}=${x.value}`).join(','), s.createdBy])).toEqual([
      [east, 'alertname=EastOnly', 'oper (stackmedic)'],
    ]);
    expect((await shared.silences()).map((s) => [s.id, s.matchers.map((x) => `${x.name}=${x.value}`).join(',')])).toEqual([[west, 'alertname=WestOnly']]);
    expect(logs.filter((l) => l.includes('the environment wins'))).toEqual([]);
  }, 60_000);

  it("takes STACKMEDIC_ALERTMANAGER_URL's east=URL over the inventory, and logs which won", async () => {
    const { monitoring, logs } = start('environment', { STACKMEDIC_ALERTMANAGER_URL: `east=${shared.url}` });
    const id = await silence(monitoring, 'east', 'EastFromEnvironment');
    expect((await shared.silences()).map((s) => s.id)).toContain(id);
    expect((await fromInventory.silences()).map((s) => s.id)).not.toContain(id);
    expect(logs).toContain(
      `stackmedic: [east] Alertmanager of cluster east: ${shared.url} from STACKMEDIC_ALERTMANAGER_URL, not ${fromInventory.url} from alertmanager_url: in ${inventoryPath} (the environment wins)`,
    );
    // West has no URL of its own and no shared one: its Silence says where to set one.
    await expect(silence(monitoring, 'west', 'WestNowhere')).rejects.toThrow(
      "Silences need the address of cluster west's Alertmanager, which is not set: alertmanager_url: in its inventory, or STACKMEDIC_ALERTMANAGER_URL.",
    );
  }, 60_000);
});

describe('STACKMEDIC_ALERT_MAX_AGE_HOURS in the shared book', () => {
  it('drops a firing alert no notification repeated for longer, at the next notification', async () => {
    const { app, monitoring } = start('max-age', { STACKMEDIC_ALERT_MAX_AGE_HOURS: '2' });
    const rows = async (): Promise<string[]> =>
      (await app.store.all<{ fingerprint: string }>("SELECT fingerprint FROM alert_firing WHERE cluster = 'east' ORDER BY fingerprint")).map(
        (r) => r.fingerprint,
      );
    await monitoring.alerts.receive(notification('Old', 'a001'));
    now += 90 * 60_000;
    await monitoring.alerts.receive(notification('Younger', 'a002'));
    expect(await rows()).toEqual(['a001', 'a002']);
    // 2 h 10 min after the first: past its age, the second is not.
    now += 40 * 60_000;
    await monitoring.alerts.receive(notification('Third', 'a003'));
    expect(await rows()).toEqual(['a002', 'a003']);
    await monitoring.alerts.idle();
  }, 120_000);
});
