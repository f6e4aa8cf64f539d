/**
 * One replica for the several-clusters part, in its own process: the app on every cluster of a
 * `clusters:` inventory and on the shared store (STACKMEDIC_DB, PostgreSQL), the Slack adapter in
 * HTTP mode (Web API at a local fake), and every cluster's scheduled check through
 * startClusterMonitoring, each guarded by its own leader lease as `serve` guards them.
 *
 * Prints `{"type":"ready","port":N,"replica":...,"leads":[...]}` once listening, then one JSON line
 * per check this replica ran (`{"type":"check","cluster":...,"startMs":...,"endMs":...,"failed":...}`)
 * and `{"type":"log",...}` for failures; runs until SIGTERM.
 *
 * Usage: node dist/bench/cluster-replica.js '<json ReplicaJob>'
 */
import { startClusterMonitoring } from '../src/app/cluster-monitoring.js';
import { openApp } from '../src/app/create-app.js';
import { readEnvOptions } from '../src/config/env.js';
import { loadClusters } from '../src/inventory/clusters.js';
import { createSlackApp } from '../src/slack/app.js';
import { LeaderLease } from '../src/store/lease.js';
import { ReplicaHeartbeat } from '../src/store/replica.js';
import { quietLogger } from './quiet-logger.js';

/** What the parent asks of one replica process. */
export interface ReplicaJob {
  /** This replica's name in leases, locks and audit rows. */
  readonly replica: string;
  /** The `clusters:` inventory. */
  readonly inventory: string;
  /** `postgres://...` shared by the replicas. */
  readonly database: string;
  readonly apiUrl: string;
  readonly signingSecret: string;
  /** Cron expression of every cluster's scheduled check. */
  readonly schedule: string;
  readonly leaseSeconds: number;
}

function say(line: Record<string, unknown>): void {
  process.stdout.write(`${JSON.stringify(line)}\n`);
}

async function main(): Promise<void> {
  const job = JSON.parse(process.argv[2] ?? '{}') as ReplicaJob;
  const env = readEnvOptions({
    SLACK_BOT_TOKEN: 'xoxb-bench-token',
    SLACK_SIGNING_SECRET: job.signingSecret,
    SLACK_API_URL: job.apiUrl,
    STACKMEDIC_DB: job.database,
    STACKMEDIC_SCHEDULE: job.schedule,
    STACKMEDIC_LEASE_SECONDS: String(job.leaseSeconds),
  });
  const logger = quietLogger();
  const set = loadClusters(job.inventory);
  const first = set.clusters[0];
  if (!first) throw new Error(`no cluster in ${job.inventory}`);
  const stackmedic = await openApp({ inventory: first, clusters: set.clusters, env, replica: job.replica });
  const slack = createSlackApp({ stackmedic, env, logger });
  const { port } = await slack.start({ port: 0, host: '127.0.0.1' });
  // The monitor's own lines are many (one per tick and cluster); only what went wrong is passed on.
  const log = (line: string): void => {
    if (/fail|error|could not|lost/i.test(line)) say({ type: 'log', line });
  };
  const leases = new Map<string, LeaderLease>();
  // As serve does: a heartbeat, and leases spread over the live replicas.
  new ReplicaHeartbeat(stackmedic.store, { name: job.replica, seconds: job.leaseSeconds }).start();
  const share = { prefix: 'scheduler:', total: set.clusters.length };
  const monitoring = startClusterMonitoring({
    stackmedic,
    env,
    publisher: slack.publisher,
    channelOf: (cluster) => `C${cluster.toUpperCase()}`,
    log,
    leaseOf: (cluster) => {
      const lease = new LeaderLease(stackmedic.store, { name: `scheduler:${cluster}`, seconds: job.leaseSeconds, holder: job.replica, log, share });
      leases.set(cluster, lease);
      return lease;
    },
  });
  if (!monitoring) throw new Error('no cluster is monitored');
  // Let the first lease attempts land, so the parent can say who leads what before the first tick.
  await Promise.all([...leases.values()].map((l) => l.acquire()));
  say({ type: 'ready', port, replica: job.replica, leads: [...leases].filter(([, l]) => l.isLeader()).map(([c]) => c) });

  // A pass runs only on the replica that holds the cluster's lease: watching each cluster's pass
  // queue says when this replica's check started and ended (100 ms resolution is plenty against 2 minutes).
  const running = new Map<string, number>();
  // A pass over, said once its scheduler tick is over too (the tick records the outcome last).
  const ended = new Map<string, { startMs: number; endMs: number }>();
  const watch = setInterval(() => {
    for (const e of monitoring.each) {
      const busy = e.monitoring.passes.busy;
      const since = running.get(e.cluster);
      if (busy && since === undefined) running.set(e.cluster, Date.now());
      if (!busy && since !== undefined) {
        running.delete(e.cluster);
        ended.set(e.cluster, { startMs: since, endMs: Date.now() });
      }
      const done = ended.get(e.cluster);
      if (done && !e.monitoring.scheduler.busy) {
        ended.delete(e.cluster);
        const failed = e.monitoring.scheduler.lastRun?.outcome === 'failed';
        say({ type: 'check', cluster: e.cluster, replica: job.replica, ...done, failed });
      }
    }
  }, 100);
  const stop = (): void => {
    clearInterval(watch);
    void Promise.race([Promise.all([monitoring.stop(), slack.stop()]).then(() => stackmedic.close()), new Promise((r) => setTimeout(r, 5000))]).then(() =>
      process.exit(0),
    );
  };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
}

void main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
