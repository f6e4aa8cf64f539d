import { AlertmanagerApi } from '../alerts/alertmanager-api.js';
import { chooseAlertmanagerUrl } from '../alerts/alertmanager-urls.js';
import { DEFAULT_ALERT_MAX_AGE_HOURS, SharedAlertBook } from '../alerts/shared-book.js';
import { PassQueue } from '../alerts/passes.js';
import { AlertService } from '../alerts/service.js';
import { ALERT_SIGNATURE_PREFIX } from '../alerts/signatures.js';
import type { EnvOptions } from '../config/env.js';
import { IncidentMonitor, type MonitorRun } from '../incidents/monitor.js';
import type { IncidentPublisher } from '../incidents/publisher.js';
import { IncidentScheduler } from '../incidents/scheduler.js';
import type { IncidentStore } from '../incidents/store.js';
import { IncidentThread } from '../incidents/thread.js';
import type { StackmedicApp } from './create-app.js';
import { leaderOnly } from '../store/leader-only.js';
import { acrossReplicas } from './pass-mutex.js';
import { hitsOf } from '../stats/check-stats.js';
import type { LeaderLease } from '../store/lease.js';

/** Running incident monitoring: the scheduled check and what it writes to. */
export interface IncidentMonitoring {
  readonly store: IncidentStore;
  readonly monitor: IncidentMonitor;
  readonly scheduler: IncidentScheduler;
  /** The incident passes, one at a time, shared by the schedule and Alertmanager's notifications. */
  readonly passes: PassQueue<MonitorRun>;
  /** Alertmanager's side: notifications in, silences out. */
  readonly alerts: AlertService;
  /** Stops the schedule and waits for a check in progress. */
  stop(): Promise<void>;
}

/**
 * Wires incident monitoring onto an app: the store (also reachable by `/incident`), the monitor
 * with the Slack thread in `channel` when a publisher is given, the cron schedule
 * (STACKMEDIC_SCHEDULE), started unless `start` is false, and the alert service whose firing
 * alerts every pass reads.
 */
export function startIncidentMonitoring(options: {
  readonly stackmedic: StackmedicApp;
  readonly env: EnvOptions;
  readonly publisher?: IncidentPublisher;
  readonly channel?: string;
  readonly log?: (line: string) => void;
  readonly start?: boolean;
  /** Several replicas: the cluster's leader lease; only its holder runs the scheduled checks. */
  readonly lease?: LeaderLease;
}): IncidentMonitoring {
  const { stackmedic, env } = options;
  const log = options.log ?? ((line: string) => console.log(line));
  const store = stackmedic.services.incidents;
  const channel = options.channel ?? env.incidentChannel;
  const clock = stackmedic.services.clock;
  const { metrics } = stackmedic;
  // In the store: every replica's notifications land in one book per cluster, read by every pass.
  const book = new SharedAlertBook({
    store: stackmedic.store,
    cluster: stackmedic.inventory.cluster,
    clock,
    maxAgeMs: (env.alertMaxAgeHours ?? DEFAULT_ALERT_MAX_AGE_HOURS) * 3_600_000,
  });
  // Incidents alerts opened before a restart keep the titles of their alert-derived signatures.
  // Read in the background; the first pass waits for it.
  const relearned = (async () => {
    const open = await store.list({ status: 'open', limit: 1000 });
    const evidence = (await Promise.all(open.map((i) => store.evidence(i.id)))).flat();
    book.relearn(evidence.filter((e) => e.signature.startsWith(ALERT_SIGNATURE_PREFIX)));
  })().catch((error: unknown) =>
    log(`stackmedic: could not read the open incidents' alert signatures: ${error instanceof Error ? error.message : String(error)}`),
  );
  // Its own Alertmanager: STACKMEDIC_ALERTMANAGER_URL's CLUSTER=URL, else the inventory's alertmanager_url:, else the shared URL.
  const am = chooseAlertmanagerUrl(env.alertmanager, stackmedic.inventory.cluster, stackmedic.inventory.alertmanagerUrl);
  if (am.overridden !== undefined) {
    log(
      `stackmedic: Alertmanager of cluster ${stackmedic.inventory.cluster}: ${am.url ?? ''} from STACKMEDIC_ALERTMANAGER_URL, not ${am.overridden} from alertmanager_url: in ${stackmedic.inventory.source} (the environment wins)`,
    );
  }
  const amUrl = am.url;
  const holder: { alerts?: AlertService } = {};
  const thread =
    options.publisher && channel
      ? new IncidentThread({
          publisher: options.publisher,
          store,
          channel,
          clock,
          resolveAfterMinutes: env.resolveAfterMinutes,
          eventBlocks: (incident, event) => holder.alerts?.eventBlocks(incident, event) ?? [],
        })
      : undefined;
  const monitor = new IncidentMonitor({
    inventory: stackmedic.inventory,
    executor: stackmedic.executor,
    catalog: stackmedic.services.catalog,
    store,
    audit: stackmedic.services.audit,
    clock,
    policy: { resolveAfterMs: env.resolveAfterMinutes * 60_000, reopenWithinMs: (env.reopenWithinMinutes ?? 60) * 60_000 },
    check: {
      concurrency: env.concurrency,
      logTimezone: env.logTimezone,
      evidenceHours: env.evidenceHours ?? 48,
      ...(stackmedic.services.probeCache ? { probeCache: stackmedic.services.probeCache } : {}),
    },
    ...(thread ? { thread } : {}),
    log,
    external: () => book.external(),
  });
  const catalogIds = async (): Promise<ReadonlySet<string>> => new Set((await stackmedic.services.catalog()).signatures.map((s) => s.id));
  const passes = new PassQueue(async () => {
    await relearned;
    const started = performance.now();
    try {
      // Held in the store: another replica's pass (the leader's schedule, or alerts it received)
      // runs before or after this one, never beside it, so one problem opens one incident.
      const run = await acrossReplicas(stackmedic.services.locks, 'incident pass', async () => {
        // The alerts any replica received, as they are now.
        await book.refresh();
        return monitor.run();
      });
      const known = await catalogIds();
      const fired = run.check.evidence.map((e) => (known.has(e.signature) ? e.signature : 'alert'));
      metrics.pass('ok', (performance.now() - started) / 1000, fired, clock());
      return run;
    } catch (error) {
      metrics.pass('failed', (performance.now() - started) / 1000);
      throw error;
    }
  });
  const syncThread = thread
    ? (incidentId: number): Promise<void> =>
        passes.exclusive(async () => {
          const incident = await store.get(incidentId);
          if (!incident) return;
          const catalog = await stackmedic.services.catalog();
          await thread.sync(incident, [...catalog.signatures, ...book.external().signatures]);
        })
    : undefined;
  const alerts = new AlertService({
    inventory: stackmedic.inventory,
    store,
    audit: stackmedic.services.audit,
    book,
    queue: passes,
    catalog: stackmedic.services.catalog,
    syncThread,
    api: amUrl ? new AlertmanagerApi(amUrl) : undefined,
    clock,
    nodeLabel: env.alertmanager?.nodeLabel,
    log,
    counters: {
      notification: (status, n) => {
        metrics.alertNotifications.inc({ status });
        metrics.alertsReceived.inc({ status }, n);
      },
      silence: (outcome) => metrics.silences.inc({ outcome }),
    },
  });
  holder.alerts = alerts;
  const lease = options.lease;
  // Only scheduled passes count in the hit statistics: alert-driven ones would skew the rate per day.
  const checkStats = stackmedic.services.checkStats;
  const scheduledPass = async (): Promise<MonitorRun> => {
    const run = await passes.pass();
    await checkStats?.record(hitsOf(run.check, stackmedic.inventory.cluster)).catch((error: unknown) => {
      log(`stackmedic: could not record the check's signature hits: ${error instanceof Error ? error.message : String(error)}`);
    });
    return run;
  };
  const scheduled = lease ? leaderOnly(lease, scheduledPass, log) : scheduledPass;
  const scheduler = new IncidentScheduler(scheduled, { schedule: env.schedule, log, clock });
  if (options.start !== false) {
    lease?.start();
    scheduler.start();
  }
  return {
    store,
    monitor,
    scheduler,
    passes,
    alerts,
    async stop() {
      await scheduler.stop();
      await lease?.stop();
      await alerts.stop();
      await passes.idle();
    },
  };
}
