import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { ConfigError } from '../errors.js';
import { parseAlertmanagerUrls } from '../alerts/alertmanager-urls.js';

/** Everything stackmedic reads from the environment, validated once. */
export interface EnvOptions {
  readonly inventoryPath: string | undefined;
  readonly knownHostsPath: string | undefined;
  readonly openrcPath: string | undefined;
  readonly databasePath: string;
  /** Whether STACKMEDIC_DB was set (the simulator keeps its store in its temp dir otherwise). */
  readonly databasePathSet?: boolean;
  /**
   * The PostgreSQL database when STACKMEDIC_DB is a `postgres://` URL (several replicas share it);
   * undefined for the embedded SQLite file, the default.
   */
  readonly databaseUrl?: string | undefined;
  /** Seconds a replica's leader lease on a cluster's scheduled checks lasts (STACKMEDIC_LEASE_SECONDS, default 30). */
  readonly leaseSeconds?: number;
  readonly permissionsPath: string | undefined;
  /** Slack channel ids where commands are accepted; empty means any channel the app is in. */
  readonly channels: readonly string[];
  /** Channel where the scheduler opens incident threads. */
  readonly incidentChannel: string | undefined;
  readonly slack: {
    readonly botToken: string | undefined;
    readonly signingSecret: string | undefined;
    readonly appToken: string | undefined;
    readonly apiUrl: string | undefined;
  };
  readonly port: number;
  /** HTTP mode: ms the app may take to ack a command before the Slack ingress thread acks it (STACKMEDIC_ACK_WAIT_MS, 40; 0 turns the thread off). */
  readonly ackWaitMs?: number;
  /** Cron expression of the health check. */
  readonly schedule: string;
  /** Minutes of green checks before an incident resolves itself. */
  readonly resolveAfterMinutes: number;
  readonly signaturesDir: string | undefined;
  readonly sshTimeoutMs: number;
  readonly concurrency: number;
  /** Time zone assumed for log timestamps that carry none. */
  readonly logTimezone: string;
  /** Minutes a Slack confirmation of a dangerous command stays valid (default 10). */
  readonly confirmTtlMinutes?: number;
  /** Address the Slack HTTP receiver binds (default: every interface, since Slack must reach it). */
  readonly httpHost?: string | undefined;
  /** Minutes after its resolution during which a returning problem reopens an incident (default 60). */
  readonly reopenWithinMinutes?: number;
  /** Hours of logs that count as evidence of a current problem (default 48). */
  readonly evidenceHours?: number;
  /** Socket Mode: port of the GET /healthz server (STACKMEDIC_HTTP_PORT); none when unset. */
  readonly healthPort?: number | undefined;
  /** Alertmanager: who may post to POST /alertmanager, where its API is, and how alerts name nodes. */
  readonly alertmanager?: AlertmanagerOptions;
  /** Hours after which a firing alert no notification repeated leaves the alert book (STACKMEDIC_ALERT_MAX_AGE_HOURS, default 48). */
  readonly alertMaxAgeHours?: number;
}

/** The Alertmanager side of the configuration (STACKMEDIC_ALERTMANAGER_*). */
export interface AlertmanagerOptions {
  /** Bearer token Alertmanager's http_config sends (STACKMEDIC_ALERTMANAGER_TOKEN). */
  readonly token: string | undefined;
  /** Basic auth user and password, both or neither (STACKMEDIC_ALERTMANAGER_USER, _PASSWORD). */
  readonly user: string | undefined;
  readonly password: string | undefined;
  /** Base URL of Alertmanager's API, for silences (STACKMEDIC_ALERTMANAGER_URL). */
  readonly url: string | undefined;
  /** An extra alert label naming the node, tried before `node`, `hostname` and `instance`. */
  readonly nodeLabel: string | undefined;
  /** Each cluster's own Alertmanager (`east=URL,west=URL` in STACKMEDIC_ALERTMANAGER_URL); `url` serves the others. */
  readonly urls?: Readonly<Record<string, string>> | undefined;
  /** The alert label naming the cluster with several clusters (STACKMEDIC_ALERT_CLUSTER_LABEL; `cluster` when unset). */
  readonly clusterLabel?: string | undefined;
}

/** Whether the Alertmanager webhook is served: only with credentials, never open. */
export function alertWebhookEnabled(options: EnvOptions): boolean {
  const am = options.alertmanager;
  return Boolean(am && (am.token || am.user));
}

function int(env: NodeJS.ProcessEnv, name: string, fallback: number, min: number, max: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  if (!/^\d+$/.test(raw) || Number(raw) < min || Number(raw) > max) {
    throw new ConfigError('environment', name, `a whole number from ${min} to ${max} (got "${raw}")`);
  }
  return Number(raw);
}

function path(env: NodeJS.ProcessEnv, name: string): string | undefined {
  const raw = env[name];
  if (raw === undefined || raw.trim() === '') return undefined;
  // SQLite's in-memory database is a name, not a file.
  if (raw === ':memory:') return raw;
  return raw.startsWith('~/') ? join(homedir(), raw.slice(2)) : resolve(raw);
}

/** STACKMEDIC_DB: a `postgres://` URL selects PostgreSQL, anything else is the SQLite file. */
function database(env: NodeJS.ProcessEnv): Pick<EnvOptions, 'databasePath' | 'databasePathSet' | 'databaseUrl'> {
  const raw = env.STACKMEDIC_DB?.trim() ?? '';
  if (/^postgres(ql)?:/i.test(raw)) {
    let url: URL | undefined;
    try {
      url = new URL(raw);
    } catch {
      url = undefined;
    }
    // The message never repeats the value: it may hold the database password.
    if (!url || !url.hostname || !/^postgres(ql)?:$/i.test(url.protocol)) {
      throw new ConfigError('environment', 'STACKMEDIC_DB', 'a PostgreSQL URL postgres://user:password@host:5432/database, or the path of the SQLite file');
    }
    // databasePath carries the URL too (without its password, as it gets printed), so that opening
    // it as a SQLite file is refused rather than silently done on a local file.
    url.password = '';
    return { databasePath: url.toString(), databasePathSet: true, databaseUrl: raw };
  }
  return { databasePath: path(env, 'STACKMEDIC_DB') ?? resolve('stackmedic.sqlite'), databasePathSet: path(env, 'STACKMEDIC_DB') !== undefined };
}

/** HTTP mode: how long the app may take to ack before the Slack ingress thread acks for it (ms). */
export const DEFAULT_ACK_WAIT_MS = 40;

/** Reads the configuration from `env` (pure: pass any object in tests). */
export function readEnvOptions(env: NodeJS.ProcessEnv = process.env): EnvOptions {
  const schedule = env.STACKMEDIC_SCHEDULE?.trim() || '*/2 * * * *';
  if (schedule.split(/\s+/).length < 5 || schedule.split(/\s+/).length > 6) {
    throw new ConfigError('environment', 'STACKMEDIC_SCHEDULE', `a cron expression with 5 or 6 fields (got "${schedule}")`);
  }
  const signingSecret = env.SLACK_SIGNING_SECRET?.trim() || undefined;
  const botToken = env.SLACK_BOT_TOKEN?.trim() || undefined;
  if (botToken && !botToken.startsWith('xoxb-')) throw new ConfigError('environment', 'SLACK_BOT_TOKEN', 'a bot token starting with xoxb-');
  const appToken = env.SLACK_APP_TOKEN?.trim() || undefined;
  if (appToken && !appToken.startsWith('xapp-')) throw new ConfigError('environment', 'SLACK_APP_TOKEN', 'an app-level token starting with xapp-');
  const apiUrl = env.SLACK_API_URL?.trim() || undefined;
  if (apiUrl && !/^https?:\/\/[^\s]+\/$/.test(apiUrl))
    throw new ConfigError('environment', 'SLACK_API_URL', 'an http(s) URL ending with "/" (e.g. https://slack.com/api/)');
  return {
    inventoryPath: path(env, 'STACKMEDIC_INVENTORY'),
    knownHostsPath: path(env, 'STACKMEDIC_KNOWN_HOSTS'),
    openrcPath: env.STACKMEDIC_OPENRC?.trim() || undefined,
    ...database(env),
    leaseSeconds: int(env, 'STACKMEDIC_LEASE_SECONDS', 30, 1, 3600),
    permissionsPath: path(env, 'STACKMEDIC_PERMISSIONS'),
    channels: (env.STACKMEDIC_CHANNELS ?? '')
      .split(',')
      .map((c) => c.trim())
      .filter(Boolean),
    incidentChannel: env.STACKMEDIC_INCIDENT_CHANNEL?.trim() || undefined,
    slack: { botToken, signingSecret, appToken, apiUrl },
    port: int(env, 'PORT', 3000, 1, 65535),
    // HTTP mode: how long the app may take to ack before the Slack ingress thread acks for it (0: no ingress thread).
    ackWaitMs: int(env, 'STACKMEDIC_ACK_WAIT_MS', DEFAULT_ACK_WAIT_MS, 0, 2500),
    schedule,
    resolveAfterMinutes: int(env, 'STACKMEDIC_RESOLVE_AFTER_MINUTES', 10, 0, 10080),
    signaturesDir: path(env, 'SIGNATURES_DIR'),
    sshTimeoutMs: int(env, 'STACKMEDIC_SSH_TIMEOUT_MS', 30000, 100, 3600000),
    concurrency: int(env, 'STACKMEDIC_CONCURRENCY', 64, 1, 1024),
    logTimezone: env.STACKMEDIC_LOG_TIMEZONE?.trim() || 'UTC',
    confirmTtlMinutes: int(env, 'STACKMEDIC_CONFIRM_TTL_MINUTES', 10, 1, 1440),
    httpHost: env.STACKMEDIC_HTTP_HOST?.trim() || undefined,
    reopenWithinMinutes: int(env, 'STACKMEDIC_REOPEN_WITHIN_MINUTES', 60, 0, 10080),
    evidenceHours: int(env, 'STACKMEDIC_EVIDENCE_HOURS', 48, 1, 8760),
    healthPort: env.STACKMEDIC_HTTP_PORT?.trim() ? int(env, 'STACKMEDIC_HTTP_PORT', 0, 0, 65535) : undefined,
    alertmanager: readAlertmanager(env),
    // At least an hour: Alertmanager repeats a firing group every repeat_interval (4 h by default); an age below it drops alerts still firing.
    alertMaxAgeHours: int(env, 'STACKMEDIC_ALERT_MAX_AGE_HOURS', 48, 1, 8760),
  };
}

function readAlertmanager(env: NodeJS.ProcessEnv): AlertmanagerOptions {
  const token = env.STACKMEDIC_ALERTMANAGER_TOKEN?.trim() || undefined;
  const user = env.STACKMEDIC_ALERTMANAGER_USER?.trim() || undefined;
  // A password is taken as written: spaces may be part of it.
  const password = env.STACKMEDIC_ALERTMANAGER_PASSWORD || undefined;
  if (Boolean(user) !== Boolean(password)) {
    throw new ConfigError(
      'environment',
      user ? 'STACKMEDIC_ALERTMANAGER_PASSWORD' : 'STACKMEDIC_ALERTMANAGER_USER',
      'both STACKMEDIC_ALERTMANAGER_USER and STACKMEDIC_ALERTMANAGER_PASSWORD (basic auth), or neither',
    );
  }
  if (user?.includes(':')) throw new ConfigError('environment', 'STACKMEDIC_ALERTMANAGER_USER', 'a user name without ":" (basic auth splits on it)');
  const urls = parseAlertmanagerUrls(env.STACKMEDIC_ALERTMANAGER_URL);
  if (typeof urls === 'string') throw new ConfigError('environment', 'STACKMEDIC_ALERTMANAGER_URL', urls);
  const url = urls.url;
  const nodeLabel = env.STACKMEDIC_ALERT_NODE_LABEL?.trim() || undefined;
  if (nodeLabel && !/^[A-Za-z_][A-Za-z0-9_]*$/.test(nodeLabel)) {
    throw new ConfigError('environment', 'STACKMEDIC_ALERT_NODE_LABEL', `a Prometheus label name (letters, digits, _; got "${nodeLabel}")`);
  }
  const clusterLabel = env.STACKMEDIC_ALERT_CLUSTER_LABEL?.trim() || undefined;
  if (clusterLabel && !/^[A-Za-z_][A-Za-z0-9_]*$/.test(clusterLabel)) {
    throw new ConfigError('environment', 'STACKMEDIC_ALERT_CLUSTER_LABEL', `a Prometheus label name (letters, digits, _; got "${clusterLabel}")`);
  }
  const byCluster = Object.keys(urls.byCluster).length > 0 ? { urls: urls.byCluster } : {};
  return { token, user, password, url, nodeLabel, ...(clusterLabel ? { clusterLabel } : {}), ...byCluster };
}

/** Whether Slack credentials are complete enough to serve Slack. */
export function hasSlackCredentials(options: EnvOptions): boolean {
  return Boolean(options.slack.botToken && (options.slack.appToken || options.slack.signingSecret));
}
