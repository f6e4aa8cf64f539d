import type { Server } from 'node:http';
import { openApp } from '../app/create-app.js';
import { ConfigError } from '../errors.js';
import type { Target } from '../cli/target.js';
import { startClusterMonitoring, type ClusterMonitoring } from '../app/cluster-monitoring.js';
import { serviceRoutes } from '../app/http-routes.js';
import { alertWebhookEnabled } from '../config/env.js';
import { healthRoute, startHealthServer, type ComponentHealth, type HealthSources } from '../lifecycle/health.js';
import { Lifecycle, STOP_DEADLINE_MS } from '../lifecycle/lifecycle.js';
import { RunMessageStore } from '../lifecycle/run-messages.js';
import { Outbox } from '../outbox/outbox.js';
import { OutboxStore } from '../outbox/store.js';
import { OutboxWorker } from '../outbox/worker.js';
import { createSlackApp, SLACK_EVENTS_PATH, type SlackApp } from './app.js';
import { redeliver } from './deliver.js';
import { announceInterrupted } from './interrupted.js';
import type { SlackPoster } from './poster.js';
import { checkSlackToken } from './startup-auth.js';
import { stopGuard } from './stop-guard.js';
import { LeaderLease, replicaName } from '../store/lease.js';
import { ReplicaHeartbeat } from '../store/replica.js';

/** What `stackmedic serve` needs. */
export interface ServeSlackOptions {
  readonly target: Target;
  readonly out: (line: string) => void;
  readonly err: (line: string) => void;
  /** Stops serving when aborted (tests); SIGINT and SIGTERM always do. */
  readonly signal?: AbortSignal;
  /** Time from the stop signal to exit (default 10 s). */
  readonly deadlineMs?: number;
  /** How long a failing auth.test is retried at start-up (default 20 s). */
  readonly startupRetryMs?: number;
  /**
   * Ends the process right after the store is closed (the CLI passes process.exit): work
   * abandoned at the deadline, a Slack call that hangs or a rate-limit timer may still hold the
   * event loop, and nothing may touch the closed store.
   */
  readonly exit?: (code: number) => void;
}

/** The parts of the stop sequence and how much of the deadline each leaves to those after it. */
const LEAVE = { afterWork: 3000, afterAbandon: 1500, afterSlack: 700, afterSsh: 300 } as const;

/** Tracks the Socket Mode connection for /healthz. */
function slackHealth(slack: SlackApp, started: () => boolean): () => ComponentHealth {
  let state: 'connecting' | 'connected' | 'reconnecting' | 'disconnected' = 'connecting';
  const client = slack.socketClient;
  if (client) {
    client.on('connected', () => (state = 'connected'));
    client.on('reconnecting', () => (state = 'reconnecting'));
    client.on('disconnected', () => (state = 'disconnected'));
  }
  return () => {
    if (!started()) return { ok: false, state: 'starting' };
    if (!client) return { ok: true, state: 'listening', detail: `HTTP receiver on ${SLACK_EVENTS_PATH}` };
    return { ok: state === 'connected', state, detail: 'Socket Mode' };
  };
}

/**
 * `stackmedic serve`: the Slack adapter in front of the target cluster until SIGINT or SIGTERM,
 * then a shutdown within the deadline: new commands are refused, running ones finish or are
 * marked interrupted, undelivered answers stay in the outbox, and the store is closed last.
 * Returns the exit code. Configuration problems surface as ConfigError before anything listens.
 */
export async function serveSlack(options: ServeSlackOptions): Promise<number> {
  const { target } = options;
  const deadlineMs = options.deadlineMs ?? STOP_DEADLINE_MS;
  const replica = replicaName();
  const stackmedic = await openApp({ inventory: target.inventory, ...(target.clusters ? { clusters: target.clusters } : {}), env: target.env, replica });
  const life = new Lifecycle({ deadlineMs, abort: options.signal, log: options.err });
  const { store, services } = stackmedic;
  const clock = services.clock;
  // Several replicas share a PostgreSQL store: each says it is alive, and one at a time leads the
  // scheduled checks. The embedded SQLite file is one process's: no lease, as before.
  const shared = store.dialect === 'postgres';
  const leaseSeconds = target.env.leaseSeconds ?? 30;
  const heartbeat = shared ? new ReplicaHeartbeat(store, { name: replica, seconds: leaseSeconds, log: options.err }) : undefined;
  // One lease per cluster: each cluster's checks have their own leader, spread over the live replicas.
  const share = { prefix: 'scheduler:', total: stackmedic.clusters.length };
  const leaseOf = (cluster: string): LeaderLease | undefined =>
    shared ? new LeaderLease(store, { name: `scheduler:${cluster}`, seconds: leaseSeconds, holder: replica, log: options.out, share }) : undefined;
  heartbeat?.start();
  let slack: SlackApp | undefined;
  let healthServer: Server | undefined;
  let incidents: ClusterMonitoring | undefined;
  let worker: OutboxWorker | undefined;
  let storeClosed = false;
  let started = false;
  const closeStore = async (): Promise<void> => {
    storeClosed = true;
    await heartbeat?.stop();
    await services.audit.flush().catch(() => false);
    await store.close().catch(() => undefined);
  };
  try {
    const runs = new RunMessageStore(store, clock);
    const outboxStore = new OutboxStore(store, clock);
    // The worker is made before the Slack app whose poster it delivers with.
    const delivery: { poster?: SlackPoster } = {};
    worker = new OutboxWorker({
      store: outboxStore,
      deliver: (entry) => (delivery.poster ? redeliver(delivery.poster, entry) : Promise.reject(new Error('Slack is not started yet'))),
      log: options.err,
      clock,
    });
    const outbox = new Outbox({ store: outboxStore, worker, clock });
    const health: HealthSources = {
      slack: () => slackState(),
      store,
      get scheduler() {
        return incidents?.scheduler;
      },
      stopping: () => life.stopping.aborted,
      undelivered: async () => (await outboxStore.undelivered(1000)).filter((e) => e.state === 'pending').length,
    };
    let slackState: () => ComponentHealth = () => ({ ok: false, state: 'starting' });
    const http = !target.env.slack.appToken;
    const routes = serviceRoutes({ stackmedic, env: target.env, alerts: () => incidents?.alerts, log: options.err });
    slack = createSlackApp({
      stackmedic,
      env: target.env,
      poster: { abandon: life.abandon, runs, outbox },
      ...(http ? { customRoutes: [healthRoute(health), ...routes] } : {}),
      silencer: () => incidents?.alerts,
    });
    delivery.poster = slack.poster;
    slackState = slackHealth(slack, () => started);
    slack.bolt.use(stopGuard(life));

    const botToken = target.env.slack.botToken ?? '';
    const tokenOk = await checkSlackToken({
      token: botToken,
      apiUrl: target.env.slack.apiUrl,
      signal: life.stopping,
      ...(options.startupRetryMs !== undefined ? { retryForMs: options.startupRetryMs } : {}),
    });
    if (!tokenOk) return stop(0);
    const listening = await slack.start();
    started = true;
    if (!http && target.env.healthPort !== undefined) {
      const h = await startHealthServer(health, target.env.healthPort, target.env.httpHost, routes).catch((error: unknown) => {
        const code = (error as NodeJS.ErrnoException).code;
        if (code === 'EADDRINUSE' || code === 'EACCES' || code === 'EADDRNOTAVAIL') {
          throw new ConfigError('environment', 'STACKMEDIC_HTTP_PORT', `a port GET /healthz can listen on (${target.env.healthPort}: ${code})`);
        }
        throw error;
      });
      healthServer = h.server;
      options.out(`stackmedic: GET /healthz${routes.map((r) => `, ${r.method[0]} ${r.path}`).join('')} on port ${h.port}`);
    } else if (!http && alertWebhookEnabled(target.env)) {
      options.err('stackmedic: Socket Mode without STACKMEDIC_HTTP_PORT: POST /alertmanager is not served, so Alertmanager cannot reach stackmedic.');
    }
    // The scheduled check posts incident threads, so it runs only when it has a channel to post in.
    // Each cluster's threads go to the channel bound to it, else to STACKMEDIC_INCIDENT_CHANNEL.
    const permissions = slack.permissions;
    incidents = startClusterMonitoring({
      stackmedic,
      env: target.env,
      publisher: slack.publisher,
      channelOf: (cluster) => permissions.channelsOf(cluster)[0] ?? target.env.incidentChannel,
      log: options.out,
      leaseOf,
    });
    options.out(
      `stackmedic: serving Slack (${listening.mode === 'socket' ? 'Socket Mode' : `HTTP on port ${listening.port ?? target.env.port}, ${SLACK_EVENTS_PATH}`}) for ${target.description}. Ctrl-C stops.`,
    );
    const interruptedOnStart = await stackmedic.interruptedOnStart.catch(() => 0);
    if (interruptedOnStart > 0) {
      options.err(`stackmedic: ${interruptedOnStart} command(s) left unfinished by the previous run are marked interrupted in the audit log (/cluster audit).`);
    }
    worker.start();
    void life.track(announceInterrupted({ runs, outbox: outboxStore, poster: slack.poster, log: options.err, clock }));
    const reason = await life.stopped;
    return await stop(0, reason);
  } finally {
    life.dispose();
    if (!storeClosed) {
      // A start that failed part-way: whatever began must end, or it would hold the process.
      await incidents?.stop().catch(() => undefined);
      await worker?.stop().catch(() => undefined);
      const s = started ? slack : undefined;
      if (s) await Promise.race([s.stop().catch(() => undefined), new Promise((r) => setTimeout(r, 3000).unref())]);
      const hs = healthServer;
      if (hs) await new Promise<void>((resolve) => hs.close(() => resolve()));
      await Promise.all(stackmedic.clusters.map((c) => c.pool.close())).catch(() => undefined);
      await target.close().catch(() => undefined);
      await closeStore();
    }
  }

  /** The stop sequence, each part bounded by what is left of the deadline; the store closes last. */
  async function stop(code: number, reason?: string): Promise<number> {
    const { audit } = services;
    const busy = (): boolean =>
      life.inFlight > 0 ||
      audit.runningCount > 0 ||
      (incidents?.scheduler.busy ?? false) ||
      (incidents?.passes.busy ?? false) ||
      (incidents?.alerts.busy ?? false);
    options.out(
      `stackmedic: stopping.${reason ? ` (${reason})` : ''} No new commands; running ones get up to ${Math.round((deadlineMs - LEAVE.afterWork) / 1000)} s to finish.`,
    );
    const schedulerStopped = incidents?.stop();
    const outboxStopped = worker?.stop();
    if (!(await life.until(() => !busy(), LEAVE.afterWork, { whileWaited: true }))) {
      options.err(`stackmedic: ${Math.max(life.inFlight, audit.runningCount)} command(s) still running; not waiting for Slack any longer.`);
      life.abandonWork();
      await life.until(() => life.inFlight === 0, LEAVE.afterAbandon);
    }
    life.abandonWork();
    await life.bounded('the health check in progress', async () => schedulerStopped, LEAVE.afterAbandon);
    await life.bounded('the outbox retry in progress', async () => outboxStopped, LEAVE.afterAbandon);
    const why = `stackmedic was stopped${reason ? ` (${reason})` : ''}`;
    const interrupted = await audit.interruptRunning(`${why} before this finished`).catch(() => []);
    await audit
      .interruptAwaiting(`${why} while this waited for its confirmation or ran it; a confirmation still valid can be pressed after the restart`)
      .catch(() => []);
    if (interrupted.length > 0) {
      options.err(
        `stackmedic: marked ${interrupted.length} running command(s) interrupted in the audit (${interrupted.map((id) => `#${id}`).join(', ')}); their Slack messages are updated at the next start.`,
      );
    }
    const s = slack;
    // A WebSocket already lost never reports its close: waiting for it longer is pointless.
    if (s) await life.bounded('closing the Slack connection', () => s.stop(), LEAVE.afterSlack, 3000);
    const hs = healthServer;
    if (hs) await life.bounded('closing the health server', () => new Promise<void>((resolve) => hs.close(() => resolve())), LEAVE.afterSlack);
    await life.bounded('closing SSH connections', () => Promise.all(stackmedic.clusters.map((c) => c.pool.close())), LEAVE.afterSsh);
    await life.bounded('stopping the target', () => target.close(), 100);
    // Last: nothing may write after this, and with `exit` nothing runs after it.
    await closeStore();
    options.out('stackmedic: stopped.');
    options.exit?.(code);
    return code;
  }
}
