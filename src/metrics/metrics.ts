import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { PermissionRole } from '../router/types.js';

/**
 * stackmedic's own metrics, in one registry per app (never prom-client's global one: two apps in
 * one process, as in the tests, must not count into each other). Label values are only ever
 * words from fixed sets or names from the configuration (command families, inventory nodes,
 * catalog signature ids): never text a user typed, an alert label or a secret.
 */

/** How a remote command ended, as counted: its exit, or why it did not run to one. */
export type ExitClass = 'ok' | 'nonzero' | 'signal' | 'unreachable' | 'auth' | 'host-key' | 'timeout' | 'connection-lost' | 'error';

/** How a command ended, as counted (the audit outcomes, plus help and usage errors, which are not audited). */
export type CommandOutcome = 'ok' | 'failed' | 'refused' | 'denied' | 'error' | 'awaiting-confirmation' | 'help' | 'usage';

/** What a Slack Web API request came to. */
export type SlackResult = 'ok' | 'api-error' | 'rate-limited' | 'http-error' | 'network-error';

/** Severities, as the incidents gauge always lists them (zero included). */
const SEVERITY_NAMES = ['critical', 'major', 'minor', 'info'] as const;

/** Where values read at scrape time come from. */
export interface ScrapeSources {
  /** SSH connections open in the pool now. */
  readonly sshConnections?: () => number;
  /** Open incidents, counted by severity. */
  readonly openIncidents?: () => Readonly<Record<string, number>> | Promise<Readonly<Record<string, number>>>;
}

/** A scrape-time value, or `undefined` when its source cannot say (a store closed at shutdown): the last value stays. */
function readSafely<T>(read: (() => T) | undefined): T | undefined {
  try {
    return read?.();
  } catch {
    return undefined;
  }
}

/** The metrics of one stackmedic process. */
export class StackmedicMetrics {
  readonly registry = new Registry();
  readonly commands: Counter<'family' | 'outcome' | 'role'>;
  readonly commandDuration: Histogram<'family'>;
  readonly ackLatency: Histogram<'kind'>;
  readonly earlyAcks: Counter<'kind'>;
  readonly remoteCommands: Counter<'exit'>;
  readonly nodeReachable: Gauge<'node'>;
  readonly sshConnections: Gauge;
  readonly checkDuration: Histogram;
  readonly checkLastSuccess: Gauge;
  readonly checks: Counter<'outcome'>;
  readonly incidentsOpen: Gauge<'severity'>;
  readonly signaturesFired: Counter<'signature'>;
  readonly slackRequests: Counter<'method' | 'result'>;
  readonly slackRetries: Counter<'method'>;
  readonly alertNotifications: Counter<'status'>;
  readonly alertsReceived: Counter<'status'>;
  readonly webhookRequests: Counter<'code'>;
  readonly silences: Counter<'outcome'>;
  private sources: ScrapeSources = {};

  constructor(options: { readonly defaultMetrics?: boolean } = {}) {
    const registers = [this.registry];
    if (options.defaultMetrics !== false) collectDefaultMetrics({ register: this.registry });
    this.commands = new Counter({
      name: 'stackmedic_commands_total',
      help: 'Commands handled, by command family, outcome and the role of who ran them.',
      labelNames: ['family', 'outcome', 'role'],
      registers,
    });
    this.commandDuration = new Histogram({
      name: 'stackmedic_command_duration_seconds',
      help: 'Time from a command starting to run to its answer, by command family.',
      labelNames: ['family'],
      buckets: [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 900],
      registers,
    });
    this.ackLatency = new Histogram({
      name: 'stackmedic_slack_ack_seconds',
      help: 'Time from Bolt handing a slash command or button press to its acknowledgement (Slack allows 3 s).',
      labelNames: ['kind'],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2, 3, 5],
      registers,
    });
    this.earlyAcks = new Counter({
      name: 'stackmedic_slack_early_acks_total',
      help: 'Slash commands and button presses the Slack ingress thread acknowledged itself because the app was busy past STACKMEDIC_ACK_WAIT_MS.',
      labelNames: ['kind'],
      registers,
    });
    this.remoteCommands = new Counter({
      name: 'stackmedic_remote_commands_total',
      help: 'Commands run on nodes, by how they ended: exit 0 (ok), another exit (nonzero), a signal, or why they did not run to an exit.',
      labelNames: ['exit'],
      registers,
    });
    this.nodeReachable = new Gauge({
      name: 'stackmedic_node_reachable',
      help: 'Whether the last command sent to the node reached it (1) or could not connect (0); absent until one was sent.',
      labelNames: ['node'],
      registers,
    });
    this.sshConnections = new Gauge({
      name: 'stackmedic_ssh_connections',
      help: 'SSH connections open in the pool.',
      registers,
      collect: () => {
        const value = readSafely(this.sources.sshConnections);
        if (value !== undefined) this.sshConnections.set(value);
      },
    });
    this.checkDuration = new Histogram({
      name: 'stackmedic_check_duration_seconds',
      help: 'Duration of incident passes (the scheduled health check, or one an alert asked for).',
      buckets: [0.5, 1, 2.5, 5, 10, 20, 30, 60, 120, 300],
      registers,
    });
    this.checkLastSuccess = new Gauge({
      name: 'stackmedic_check_last_success_timestamp_seconds',
      help: 'Unix time at which the last incident pass ended without failing.',
      registers,
    });
    this.checks = new Counter({ name: 'stackmedic_checks_total', help: 'Incident passes, by outcome (ok or failed).', labelNames: ['outcome'], registers });
    this.incidentsOpen = new Gauge({
      name: 'stackmedic_incidents_open',
      help: 'Open incidents, by severity.',
      labelNames: ['severity'],
      registers,
      collect: async () => {
        // A store that is closed or unreachable leaves the last values.
        const counts = await Promise.resolve(readSafely(this.sources.openIncidents)).catch(() => undefined);
        if (!counts) return;
        for (const s of SEVERITY_NAMES) this.incidentsOpen.set({ severity: s }, counts[s] ?? 0);
      },
    });
    this.signaturesFired = new Counter({
      name: 'stackmedic_signatures_fired_total',
      help: 'Incident passes in which a failure signature was found, by signature id (alert-derived ones count as "alert").',
      labelNames: ['signature'],
      registers,
    });
    this.slackRequests = new Counter({
      name: 'stackmedic_slack_api_requests_total',
      help: 'Requests to Slack, by Web API method and result (ok, api-error, rate-limited, http-error, network-error).',
      labelNames: ['method', 'result'],
      registers,
    });
    this.slackRetries = new Counter({
      name: 'stackmedic_slack_api_retries_total',
      help: 'Requests to Slack that repeat one that failed (a retry by the Web API client or by stackmedic), by method.',
      labelNames: ['method'],
      registers,
    });
    this.alertNotifications = new Counter({
      name: 'stackmedic_alertmanager_notifications_total',
      help: 'Alertmanager notifications taken, by group status.',
      labelNames: ['status'],
      registers,
    });
    this.alertsReceived = new Counter({
      name: 'stackmedic_alertmanager_alerts_total',
      help: 'Alerts in the Alertmanager notifications taken, by the status of the notification.',
      labelNames: ['status'],
      registers,
    });
    this.webhookRequests = new Counter({
      name: 'stackmedic_alertmanager_webhook_requests_total',
      help: 'Requests to POST /alertmanager, by HTTP status answered.',
      labelNames: ['code'],
      registers,
    });
    this.silences = new Counter({
      name: 'stackmedic_alertmanager_silences_total',
      help: 'Silences asked of Alertmanager from Slack, by outcome (created or failed).',
      labelNames: ['outcome'],
      registers,
    });
  }

  /** Tells the metrics where to read the values they report at scrape time. */
  watch(sources: ScrapeSources): void {
    this.sources = { ...this.sources, ...sources };
  }

  /** Counts one command. */
  command(family: string, outcome: CommandOutcome, role: PermissionRole, seconds?: number): void {
    this.commands.inc({ family, outcome, role });
    if (seconds !== undefined) this.commandDuration.observe({ family }, seconds);
  }

  /** Counts one incident pass. */
  pass(outcome: 'ok' | 'failed', seconds: number, signatures: readonly string[] = [], endedAt: Date = new Date()): void {
    this.checks.inc({ outcome });
    this.checkDuration.observe(seconds);
    if (outcome === 'ok') this.checkLastSuccess.set(endedAt.getTime() / 1000);
    for (const signature of new Set(signatures)) this.signaturesFired.inc({ signature });
  }

  /** The exposition, in Prometheus' text format. */
  text(): Promise<string> {
    return this.registry.metrics();
  }

  /** The content type of `text()`. */
  get contentType(): string {
    return this.registry.contentType;
  }
}
