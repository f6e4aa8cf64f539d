import type { AddressInfo } from 'node:net';
import { App, HTTPModuleFunctions, HTTPReceiver, LogLevel, SocketModeReceiver, type CustomRoute, type Logger, type webApi } from '@slack/bolt';
import type { StackmedicApp } from '../app/create-app.js';
import { DEFAULT_ACK_WAIT_MS, type EnvOptions } from '../config/env.js';
import { ConfigError } from '../errors.js';
import { handleSlashCommand } from './commands.js';
import { ConfirmationStore } from './confirm-store.js';
import { CANCEL_ACTION, CONFIRM_ACTION, ConfirmationFlow } from './confirm.js';
import type { SlackDeps } from './context.js';
import { checkClusterNames, loadPermissions, PermissionResolver, type PermissionsConfig } from './permissions.js';
import { SlackPoster, type ChannelPublisher, type PosterOptions } from './poster.js';
import { guardSlackRequests, REQUEST_WINDOW_SECONDS } from './request-guard.js';
import { RUN_ACTION } from '../render/run-button.js';
import { SILENCE_ACTION_PREFIX } from '../alerts/silence-button.js';
import { meteredSlackFetch } from '../metrics/slack-fetch.js';
import { handleRunButton } from './run-button.js';
import { handleSilenceButton, type Silencer } from './silence-button.js';
import { SeenRequests } from './seen-requests.js';
import { warmUp } from './warm-up.js';
import { startIngress, type SlackIngress } from './ingress/index.js';

/** The slash commands stackmedic answers even before their command family exists (the manifest declares them). */
export const SLASH_COMMANDS: readonly string[] = ['cluster', 'rabbit', 'compute', 'incident', 'pacemaker', 'trace'];

/** The HTTP path Slack posts slash commands and interactions to. */
export const SLACK_EVENTS_PATH = '/slack/events';

/** Options of `createSlackApp`. */
export interface CreateSlackAppOptions {
  readonly stackmedic: StackmedicApp;
  readonly env: EnvOptions;
  /** Defaults to the file at STACKMEDIC_PERMISSIONS (or everyone a viewer), plus STACKMEDIC_CHANNELS. */
  readonly permissions?: PermissionsConfig;
  readonly logger?: Logger;
  /** How long a confirmation stays valid (default STACKMEDIC_CONFIRM_TTL_MINUTES, 10 min). */
  readonly confirmationTtlMs?: number;
  /** How often expired confirmations are swept and their messages updated (default 30 s). */
  readonly sweepIntervalMs?: number;
  /** How long the role lookup (user groups) may hold the ack (default 1000 ms); nothing else waits before it. */
  readonly quickAnswerMs?: number;
  /** Minimum time between progress updates of one message (default 1000 ms). */
  readonly progressIntervalMs?: number;
  /** How long user group member lists are cached (default 5 min). */
  readonly groupCacheTtlMs?: number;
  /** Web API retry policy (rate limits and network errors); defaults to five retries with backoff. */
  readonly retryConfig?: webApi.RetryOptions;
  /** The poster at shutdown and under rate limits, and where it keeps what Slack refused. */
  readonly poster?: PosterOptions;
  /** Extra routes on the HTTP receiver's port (HTTP mode): GET /healthz, GET /metrics, POST /alertmanager. */
  readonly customRoutes?: CustomRoute[];
  /** Creates Alertmanager silences for the Silence buttons; absent (or undefined) while incident monitoring is off. */
  readonly silencer?: () => Silencer | undefined;
  /**
   * HTTP mode: how long the app may take to ack a slash command or button press before the Slack
   * ingress thread acks it (default STACKMEDIC_ACK_WAIT_MS, 40 ms); 0 serves Bolt's receiver
   * directly, on the main thread, as before.
   */
  readonly ackWaitMs?: number;
}

/** Where the app listens, once started. */
export interface SlackListening {
  readonly mode: 'socket' | 'http';
  /** The HTTP port (HTTP mode). */
  readonly port?: number;
}

/** A running (or startable) Slack adapter. */
export interface SlackApp {
  readonly mode: 'socket' | 'http';
  /** The underlying Bolt app (for adding listeners in tests or extensions). */
  readonly bolt: App;
  /** Posts and updates messages, redacted, with overflow to threads and files. */
  readonly poster: SlackPoster;
  /** The same, as the narrow interface incidents and schedulers should depend on. */
  readonly publisher: ChannelPublisher;
  readonly confirmations: ConfirmationFlow;
  readonly permissions: PermissionResolver;
  /** Socket Mode's client (connected and disconnected events); absent in HTTP mode. */
  readonly socketClient?: SocketModeReceiver['client'] | undefined;
  /** Verifies the token (auth.test), loads the catalog and templates (see warmUp), and starts listening: HTTP on `listen` (default PORT) or Socket Mode. */
  start(listen?: { port?: number; host?: string }): Promise<SlackListening>;
  stop(): Promise<void>;
}

/** Retry policy for Slack calls: a command's answer should not wait half an hour (the client's default). */
const DEFAULT_RETRY: webApi.RetryOptions = { retries: 5, factor: 2, minTimeout: 1000, maxTimeout: 15_000, randomize: true };

function defaultLogger(): Logger {
  const logger: Logger = {
    debug: () => undefined,
    info: (...msg) => console.log(...msg),
    warn: (...msg) => console.warn(...msg),
    error: (...msg) => console.error(...msg),
    setLevel: () => undefined,
    getLevel: () => LogLevel.INFO,
    setName: () => undefined,
  };
  return logger;
}

/**
 * The Slack adapter: slash commands and Confirm/Cancel buttons on Bolt, served through the same
 * router as the console. Socket Mode when SLACK_APP_TOKEN is set (no public URL needed), else an
 * HTTP receiver on `/slack/events` that verifies Slack's request signatures and timestamps.
 * Throws ConfigError when credentials or the permissions file are missing or invalid.
 */
export function createSlackApp(options: CreateSlackAppOptions): SlackApp {
  const { stackmedic, env } = options;
  const { botToken, appToken, signingSecret, apiUrl } = env.slack;
  if (!botToken) throw new ConfigError('environment', 'SLACK_BOT_TOKEN', 'the bot token (xoxb-...) of the Slack app, to serve Slack');
  if (!appToken && !signingSecret) {
    throw new ConfigError(
      'environment',
      'SLACK_APP_TOKEN or SLACK_SIGNING_SECRET',
      'an app-level token (xapp-..., Socket Mode) or the signing secret (HTTP mode)',
    );
  }
  const logger = options.logger ?? defaultLogger();
  const permissionsConfig = options.permissions ?? loadPermissions(env.permissionsPath, env.channels);
  checkClusterNames(
    permissionsConfig,
    stackmedic.clusters.map((c) => c.inventory.cluster),
  );
  const clientOptions: webApi.WebClientOptions = {
    ...(apiUrl ? { slackApiUrl: apiUrl } : {}),
    retryConfig: options.retryConfig ?? DEFAULT_RETRY,
    rejectRateLimitedCalls: false,
    timeout: 30_000,
    fetch: meteredSlackFetch(stackmedic.metrics),
  };
  // The app's store (SQLite, or the PostgreSQL every replica shares) for replays and confirmations.
  const { store } = stackmedic;
  const mode = appToken ? 'socket' : 'http';
  // The Socket Mode receiver is built here (as Bolt would) to keep its client: Bolt's stop() does
  // not wait for the WebSocket to close, and stop() must, before the store is closed behind it.
  const socketReceiver = appToken ? new SocketModeReceiver({ appToken, logger, installerOptions: { clientOptions } }) : undefined;
  const httpReceiver =
    !socketReceiver && signingSecret
      ? new HTTPReceiver({ signingSecret, endpoints: SLACK_EVENTS_PATH, logger, customRoutes: options.customRoutes ?? [] })
      : undefined;
  if (httpReceiver && signingSecret) {
    // Checks Bolt lacks (future timestamps, replays, the body encoding) run before its own.
    httpReceiver.requestListener = guardSlackRequests(httpReceiver.requestListener, {
      signingSecret,
      path: SLACK_EVENTS_PATH,
      seen: new SeenRequests(store, REQUEST_WINDOW_SECONDS),
      logger,
    });
  }
  const receiver = socketReceiver ?? httpReceiver;
  const bolt = new App({ token: botToken, receiver, logger, clientOptions, deferInitialization: true });

  const poster = SlackPoster.forToken(botToken, clientOptions, logger, options.poster);
  const permissions = new PermissionResolver(
    permissionsConfig,
    async (group) => {
      const res = await bolt.client.usergroups.users.list({ usergroup: group });
      return res.users ?? [];
    },
    { groupTtlMs: options.groupCacheTtlMs ?? 5 * 60_000, warn: (m) => logger.warn(`[stackmedic] ${m}`) },
  );
  const deps: SlackDeps = {
    router: stackmedic.router,
    audit: stackmedic.services.audit,
    poster,
    permissions,
    logger,
    progressIntervalMs: options.progressIntervalMs ?? 1000,
    clock: stackmedic.services.clock,
  };
  const ttlMs = options.confirmationTtlMs ?? (env.confirmTtlMinutes ?? 10) * 60_000;
  const confirmations = new ConfirmationFlow(deps, new ConfirmationStore(store, stackmedic.services.clock), ttlMs);
  const slash = { quickAnswerMs: options.quickAnswerMs ?? 1000 };

  const names = [...new Set([...stackmedic.router.commandFamilies.map((f) => f.name), ...SLASH_COMMANDS])];
  for (const name of names) {
    bolt.command(`/${name}`, async ({ command, ack, respond }) => {
      const received = performance.now();
      const timedAck: typeof ack = async (answer) => {
        try {
          await ack(answer);
        } finally {
          stackmedic.metrics.ackLatency.observe({ kind: 'command' }, (performance.now() - received) / 1000);
        }
      };
      await handleSlashCommand(deps, confirmations, slash, command, timedAck, respond);
    });
  }
  for (const [actionId, action] of [
    [CONFIRM_ACTION, 'confirm'],
    [CANCEL_ACTION, 'cancel'],
  ] as const) {
    bolt.action({ action_id: actionId, type: 'block_actions' }, async ({ ack, body, action: pressed, respond }) => {
      const received = performance.now();
      await ack();
      stackmedic.metrics.ackLatency.observe({ kind: 'button' }, (performance.now() - received) / 1000);
      const value = 'value' in pressed && typeof pressed.value === 'string' ? pressed.value : '';
      await confirmations.press({
        action,
        confirmationId: value,
        user: { id: body.user.id, name: body.user.username ?? body.user.name ?? body.user.id },
        channel: body.channel?.id ?? body.container.channel_id ?? '',
        channelName: body.channel?.name,
        messageTs: body.message?.ts ?? body.container.message_ts,
        respond,
      });
    });
  }
  bolt.action({ action_id: RUN_ACTION, type: 'block_actions' }, async ({ ack, body, action: pressed, respond }) => {
    const received = performance.now();
    await ack();
    stackmedic.metrics.ackLatency.observe({ kind: 'button' }, (performance.now() - received) / 1000);
    const command = 'value' in pressed && typeof pressed.value === 'string' ? pressed.value : '';
    await handleRunButton(deps, confirmations, {
      command,
      user: { id: body.user.id, name: body.user.username ?? body.user.name ?? body.user.id },
      channel: body.channel?.id ?? body.container.channel_id ?? '',
      channelName: body.channel?.name,
      respond,
    });
  });
  bolt.action({ action_id: new RegExp(`^${SILENCE_ACTION_PREFIX}`), type: 'block_actions' }, async ({ ack, body, action: pressed, respond }) => {
    const received = performance.now();
    await ack();
    stackmedic.metrics.ackLatency.observe({ kind: 'button' }, (performance.now() - received) / 1000);
    await handleSilenceButton(deps, options.silencer?.(), {
      value: 'value' in pressed && typeof pressed.value === 'string' ? pressed.value : '',
      user: { id: body.user.id, name: body.user.username ?? body.user.name ?? body.user.id },
      channel: body.channel?.id ?? body.container.channel_id ?? '',
      channelName: body.channel?.name,
      respond,
    });
  });
  bolt.error(async (error) => {
    // Last line of defence: listeners handle their own failures; anything reaching here is a bug.
    logger.error('[stackmedic] unhandled error in a Slack listener:', error);
  });

  let sweeper: NodeJS.Timeout | undefined;
  let ingress: SlackIngress | undefined;
  const ackWaitMs = options.ackWaitMs ?? env.ackWaitMs ?? DEFAULT_ACK_WAIT_MS;
  // The app's own ack came after the ingress thread had acked, and says more (help, a refusal):
  // the asker gets it through the command's response_url, redacted and limited like the ack was.
  const lateAnswer = async ({ responseUrl, body }: { responseUrl: string; body: string }): Promise<void> => {
    const answer = { ...(JSON.parse(body) as Record<string, unknown>), replace_original: false };
    const res = await fetch(responseUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(answer),
      signal: AbortSignal.timeout(30_000),
    });
    if (!res.ok) throw new Error(`HTTP ${res.status}`);
  };
  return {
    mode,
    bolt,
    poster,
    publisher: poster,
    confirmations,
    permissions,
    socketClient: socketReceiver?.client,
    async start(listen = {}) {
      await bolt.init();
      await confirmations.sweep();
      await warmUp(stackmedic.services);
      sweeper = setInterval(() => void confirmations.sweep(), options.sweepIntervalMs ?? 30_000);
      sweeper.unref();
      if (mode === 'socket') {
        await bolt.start();
        return { mode };
      }
      const host = listen.host ?? env.httpHost;
      const port = listen.port ?? env.port;
      if (ackWaitMs === 0 || !signingSecret) {
        const server = await bolt.start({ port, ...(host ? { host } : {}) });
        return { mode, port: (server.address() as AddressInfo).port };
      }
      // Bolt's receiver on a loopback port; the ingress thread on the public one, in front of it,
      // so that a busy main thread never makes Slack wait past ackWaitMs (src/slack/ingress/).
      const inner = await bolt.start({ port: 0, host: '127.0.0.1' });
      try {
        ingress = await startIngress(
          {
            host,
            port,
            upstreamPort: (inner.address() as AddressInfo).port,
            eventsPath: SLACK_EVENTS_PATH,
            signingSecret,
            ackWaitMs,
            bodyLimit: HTTPModuleFunctions.defaultBodyLimit,
            forwardTimeoutMs: 120_000,
          },
          { logger, lateAnswer, earlyAck: (kind) => stackmedic.metrics.earlyAcks.inc({ kind }) },
        );
      } catch (error) {
        await bolt.stop();
        throw error;
      }
      return { mode, port: ingress.port };
    },
    async stop() {
      if (sweeper) clearInterval(sweeper);
      sweeper = undefined;
      // First the door: requests in flight still reach Bolt, new ones are refused by the closed port.
      await ingress?.stop();
      ingress = undefined;
      const disconnected = socketReceiver ? new Promise<void>((resolve) => socketReceiver.client.once('disconnected', () => resolve())) : undefined;
      await bolt.stop();
      await disconnected;
    },
  };
}
