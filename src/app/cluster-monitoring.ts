/**
 * Incident monitoring for every cluster of the app: each cluster gets its own scheduled check (on
 * its inventory's `schedule:`, else STACKMEDIC_SCHEDULE), its own incident thread channel, and its
 * own leader lease when replicas share the store. One cluster is monitored exactly as before.
 */
import { AlertRouter } from '../alerts/router.js';
import { UnroutedAlertStore } from '../alerts/unrouted.js';
import type { EnvOptions } from '../config/env.js';
import type { IncidentPublisher } from '../incidents/publisher.js';
import { RUN_ACTION } from '../render/run-button.js';
import type { Reply, SlackBlock } from '../router/types.js';
import type { SchedulerView } from '../lifecycle/health.js';
import type { LeaderLease } from '../store/lease.js';
import type { ClusterApp, StackmedicApp } from './create-app.js';
import { startIncidentMonitoring, type IncidentMonitoring } from './incident-monitoring.js';

/** One cluster's monitoring. */
export interface MonitoredCluster {
  readonly cluster: string;
  /** Where its incident threads go. */
  readonly channel: string;
  readonly monitoring: IncidentMonitoring;
}

/** Every cluster's monitoring, seen as one by `serve` (health, busy, stop). */
export interface ClusterMonitoring {
  readonly each: readonly MonitoredCluster[];
  /** The last run of any cluster's check; busy while any runs. A failed last run of one cluster shows. */
  readonly scheduler: SchedulerView;
  /** Whether a pass (scheduled or alert-driven) runs on any cluster. */
  readonly passes: { readonly busy: boolean };
  /** Every cluster's alert service behind one router: each alert goes to its cluster (src/alerts/router.ts). */
  readonly alerts: AlertRouter;
  /** Stops every cluster's schedule and waits for their checks. */
  stop(): Promise<void>;
}

/** The app as one cluster's monitoring sees it: that cluster's inventory, pool and services. */
export function clusterView(stackmedic: StackmedicApp, cluster: ClusterApp): StackmedicApp {
  return { ...stackmedic, inventory: cluster.inventory, pool: cluster.pool, executor: cluster.executor, services: cluster.services };
}

/** A block whose run buttons also name `cluster` (a button pressed anywhere runs where its incident is). */
function markBlock(block: SlackBlock, cluster: string): SlackBlock {
  if (block.type !== 'actions' || !Array.isArray(block.elements)) return block;
  const elements = (block.elements as Record<string, unknown>[]).map((e) =>
    e.action_id === RUN_ACTION && typeof e.value === 'string' && !/(^|\s)--cluster(\s|=)/.test(e.value)
      ? { ...e, value: `${e.value} --cluster ${cluster}` }
      : e,
  );
  return { ...block, elements };
}

/** The publisher, with every run button of the threads it posts naming `cluster`. */
export function withClusterButtons(publisher: IncidentPublisher, cluster: string): IncidentPublisher {
  const mark = (reply: Reply): Reply => (reply.blocks ? { ...reply, blocks: reply.blocks.map((b) => markBlock(b, cluster)) } : reply);
  return {
    postReply: (channel, reply, options) => publisher.postReply(channel, mark(reply), options),
    updateReply: (message, reply) => publisher.updateReply(message, mark(reply)),
  };
}

/**
 * Starts monitoring on every cluster `channelOf` gives a channel (a cluster without one is not
 * scheduled: its threads would have nowhere to go). Undefined when no cluster has a channel.
 */
export function startClusterMonitoring(options: {
  readonly stackmedic: StackmedicApp;
  readonly env: EnvOptions;
  /** Where threads are posted: one chat for all, or one per cluster (the console's prefixed printers). */
  readonly publisher?: IncidentPublisher | ((cluster: string) => IncidentPublisher);
  /** The channel of a cluster's incident threads: the channel bound to it, else STACKMEDIC_INCIDENT_CHANNEL. */
  readonly channelOf: (cluster: string) => string | undefined;
  readonly log?: (line: string) => void;
  readonly start?: boolean;
  /** Several replicas: each cluster's own leader lease. */
  readonly leaseOf?: (cluster: string) => LeaderLease | undefined;
}): ClusterMonitoring | undefined {
  const { stackmedic } = options;
  const several = stackmedic.clusters.length > 1;
  const each: MonitoredCluster[] = [];
  for (const c of stackmedic.clusters) {
    const name = c.inventory.cluster;
    const channel = options.channelOf(name);
    if (!channel) continue;
    const lease = options.leaseOf?.(name);
    const log = options.log ?? ((line: string) => console.log(line));
    const given = typeof options.publisher === 'function' ? options.publisher(name) : options.publisher;
    // With several clusters a thread's buttons say --cluster; one cluster's stay as they were.
    const publisher = given && several ? withClusterButtons(given, name) : given;
    const monitoring = startIncidentMonitoring({
      stackmedic: several ? clusterView(stackmedic, c) : stackmedic,
      env: c.inventory.schedule ? { ...options.env, schedule: c.inventory.schedule } : options.env,
      ...(publisher ? { publisher } : {}),
      channel,
      // With several clusters every line says whose check it is.
      log: several ? (line) => log(line.replace(/^stackmedic: /, `stackmedic: [${name}] `)) : log,
      ...(options.start !== undefined ? { start: options.start } : {}),
      ...(lease ? { lease } : {}),
    });
    each.push({ cluster: name, channel, monitoring });
  }
  const first = each[0];
  if (!first) return undefined;
  return {
    each,
    scheduler: {
      get lastRun() {
        const runs = each.map((e) => e.monitoring.scheduler.lastRun).filter((r) => r !== undefined);
        return runs.find((r) => r.outcome === 'failed') ?? runs.sort((a, b) => b.at.getTime() - a.at.getTime())[0];
      },
      get busy() {
        return each.some((e) => e.monitoring.scheduler.busy);
      },
    },
    passes: {
      get busy() {
        return each.some((e) => e.monitoring.passes.busy);
      },
    },
    alerts: new AlertRouter({
      clusters: each.map((e) => ({
        inventory: stackmedic.clusters.find((c) => c.inventory.cluster === e.cluster)?.inventory ?? stackmedic.inventory,
        service: e.monitoring.alerts,
        incidents: e.monitoring.store,
      })),
      inventories: stackmedic.clusters.map((c) => c.inventory),
      audit: stackmedic.services.audit,
      clusterLabel: options.env.alertmanager?.clusterLabel,
      nodeLabel: options.env.alertmanager?.nodeLabel,
      log: options.log ?? ((line: string) => console.log(line)),
      clock: stackmedic.services.clock,
      unroutedCounter: (n) => stackmedic.metrics.alertsReceived.inc({ status: 'no-cluster' }, n),
      unrouted: stackmedic.services.alerts?.unrouted ?? new UnroutedAlertStore(stackmedic.store, { clock: stackmedic.services.clock }),
    }),
    async stop() {
      await Promise.all(each.map((e) => e.monitoring.stop()));
    },
  };
}
