import { describe, expect, it } from 'vitest';
import { createApp } from '../../../src/app/create-app.js';
import { serviceRoutes } from '../../../src/app/http-routes.js';
import { readEnvOptions } from '../../../src/config/env.js';
import { ConfigError } from '../../../src/errors.js';
import { parseInventory } from '../../../src/inventory/load.js';
import { startHealthServer } from '../../../src/lifecycle/health.js';
import { parseExposition } from '../metrics/exposition.js';

const inventory = parseInventory(
  'cluster: t\nknown_hosts: /dev/null\nnodes:\n  - { name: node-10, address: 127.0.0.1, roles: [controller] }\n',
  '/tmp/inv.yml',
);

describe('the routes beside Slack', () => {
  it('serve GET /metrics and POST /alertmanager on the Socket Mode server (STACKMEDIC_HTTP_PORT) beside GET /healthz', async () => {
    const env = readEnvOptions({ STACKMEDIC_DB: ':memory:', STACKMEDIC_INCIDENT_CHANNEL: 'CINC', STACKMEDIC_ALERTMANAGER_TOKEN: 'tok-1' });
    const app = createApp({ inventory, env });
    const routes = serviceRoutes({ stackmedic: app, env, alerts: () => undefined, log: () => undefined });
    const { server, port } = await startHealthServer(
      { slack: () => ({ ok: true, state: 'connected' }), store: app.store, stopping: () => false },
      0,
      '127.0.0.1',
      routes,
    );
    try {
      const base = `http://127.0.0.1:${port}`;
      const metrics = await fetch(`${base}/metrics`);
      expect(metrics.status).toBe(200);
      expect(parseExposition(await metrics.text()).has('stackmedic_commands_total')).toBe(true);
      expect((await fetch(`${base}/alertmanager`, { method: 'POST', body: '{}' })).status).toBe(401);
      // Monitoring not running yet: Alertmanager is told to come back.
      expect(
        (
          await fetch(`${base}/alertmanager`, {
            method: 'POST',
            headers: { authorization: 'Bearer tok-1' },
            body: '{"version":"4","groupKey":"k","status":"firing","alerts":[]}',
          })
        ).status,
      ).toBe(503);
      expect((await fetch(`${base}/metrics`, { method: 'POST' })).status).toBe(405);
      expect((await fetch(`${base}/healthz`)).status).toBe(200);
      expect((await fetch(`${base}/nothing`)).status).toBe(404);
      const after = parseExposition(await (await fetch(`${base}/metrics`)).text());
      expect(after.get('stackmedic_alertmanager_webhook_requests_total')?.samples.map((s) => [s.labels.code, s.value])).toEqual([
        ['401', 1],
        ['503', 1],
      ]);
    } finally {
      await new Promise<void>((r) => server.close(() => r()));
      await app.close();
    }
  });

  it('do not serve the webhook without credentials: it is never open', async () => {
    const env = readEnvOptions({ STACKMEDIC_DB: ':memory:', STACKMEDIC_INCIDENT_CHANNEL: 'CINC' });
    const app = createApp({ inventory, env });
    expect(serviceRoutes({ stackmedic: app, env, alerts: () => undefined, log: () => undefined }).map((r) => r.path)).toEqual(['/metrics']);
    void app.close();
  });

  it('refuse a webhook configured without the incident channel its alerts go to', async () => {
    const env = readEnvOptions({ STACKMEDIC_DB: ':memory:', STACKMEDIC_ALERTMANAGER_TOKEN: 'tok' });
    const app = createApp({ inventory, env });
    expect(() => serviceRoutes({ stackmedic: app, env, alerts: () => undefined, log: () => undefined })).toThrow(ConfigError);
    void app.close();
  });
});

describe('STACKMEDIC_ALERTMANAGER_* and STACKMEDIC_ALERT_NODE_LABEL', () => {
  it('are read once, validated', async () => {
    expect(
      readEnvOptions({
        STACKMEDIC_ALERTMANAGER_USER: 'am',
        STACKMEDIC_ALERTMANAGER_PASSWORD: ' p w ',
        STACKMEDIC_ALERTMANAGER_URL: 'http://alertmanager:9093/',
        STACKMEDIC_ALERT_NODE_LABEL: 'host_name',
      }).alertmanager,
    ).toEqual({ token: undefined, user: 'am', password: ' p w ', url: 'http://alertmanager:9093/', nodeLabel: 'host_name' });
  });

  it.each([
    [{ STACKMEDIC_ALERTMANAGER_USER: 'am' }, 'STACKMEDIC_ALERTMANAGER_PASSWORD'],
    [{ STACKMEDIC_ALERTMANAGER_PASSWORD: 'x' }, 'STACKMEDIC_ALERTMANAGER_USER'],
    [{ STACKMEDIC_ALERTMANAGER_USER: 'a:b', STACKMEDIC_ALERTMANAGER_PASSWORD: 'x' }, 'STACKMEDIC_ALERTMANAGER_USER'],
    [{ STACKMEDIC_ALERTMANAGER_URL: 'alertmanager:9093' }, 'STACKMEDIC_ALERTMANAGER_URL'],
    [{ STACKMEDIC_ALERT_NODE_LABEL: 'host-name' }, 'STACKMEDIC_ALERT_NODE_LABEL'],
  ])('refuses %o naming %s', (env, name) => {
    expect(() => readEnvOptions(env)).toThrow(name);
  });
});
