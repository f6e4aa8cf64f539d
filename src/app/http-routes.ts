import { ALERTMANAGER_PATH, alertmanagerWebhook, clusterWebhookPath, type AlertReceiver } from '../alerts/webhook.js';
import { alertWebhookEnabled, type EnvOptions } from '../config/env.js';
import { ConfigError } from '../errors.js';
import type { HttpRoute } from '../lifecycle/health.js';
import { METRICS_PATH, metricsHandler } from '../metrics/route.js';
import type { StackmedicApp } from './create-app.js';

/**
 * The routes served beside Slack's (on the receiver's port in HTTP mode, on STACKMEDIC_HTTP_PORT
 * in Socket Mode): GET /metrics always, POST /alertmanager only when its credentials are set
 * (the webhook is never open). Throws ConfigError when the webhook is configured without the
 * incident channel its alerts are posted to.
 */
export function serviceRoutes(options: {
  readonly stackmedic: StackmedicApp;
  readonly env: EnvOptions;
  /** The alert service, once incident monitoring runs. */
  readonly alerts: () => AlertReceiver | undefined;
  readonly log: (line: string) => void;
}): HttpRoute[] {
  const { stackmedic, env } = options;
  const routes: HttpRoute[] = [{ path: METRICS_PATH, method: ['GET', 'HEAD'], handler: metricsHandler(stackmedic.metrics) }];
  if (!alertWebhookEnabled(env)) return routes;
  if (!env.incidentChannel) {
    throw new ConfigError(
      'environment',
      'STACKMEDIC_INCIDENT_CHANNEL',
      'the channel where alerts open incident threads (the Alertmanager webhook is configured)',
    );
  }
  const am = env.alertmanager;
  const names = new Set(stackmedic.clusters.map((c) => c.inventory.cluster));
  const stray = Object.keys(am?.urls ?? {}).filter((c) => !names.has(c));
  if (stray.length > 0) {
    throw new ConfigError(
      'environment',
      'STACKMEDIC_ALERTMANAGER_URL',
      `CLUSTER=URL entries naming clusters of the inventory (${[...names].join(', ')}; not ${stray.join(', ')})`,
    );
  }
  const webhook = (cluster?: string): ReturnType<typeof alertmanagerWebhook> =>
    alertmanagerWebhook({
      credentials: { token: am?.token, user: am?.user, password: am?.password },
      receive: () => {
        const alerts = options.alerts();
        return alerts ? (payload, c) => alerts.receive(payload, c) : undefined;
      },
      cluster,
      audit: stackmedic.services.audit,
      log: options.log,
      answered: (status) => stackmedic.metrics.webhookRequests.inc({ code: String(status) }),
    });
  // Every method reaches the handler, which answers 405 itself (Alertmanager only POSTs).
  const methods: HttpRoute['method'] = ['POST', 'GET', 'PUT', 'DELETE', 'PATCH', 'HEAD'];
  routes.push({ path: ALERTMANAGER_PATH, method: methods, handler: webhook() });
  // With several clusters, one path per cluster too: a receiver per cluster in Alertmanager needs no label.
  if (stackmedic.clusters.length > 1) {
    for (const c of stackmedic.clusters) routes.push({ path: clusterWebhookPath(c.inventory.cluster), method: methods, handler: webhook(c.inventory.cluster) });
  }
  return routes;
}
