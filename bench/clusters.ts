/**
 * Part 6: several clusters, two replicas (issue 16). Ten simulated clusters of 200 nodes each in
 * one `clusters:` inventory, two replica processes on one real PostgreSQL (a throwaway server, as
 * the integration tests start it), every cluster's scheduled check on a 2-minute cron schedule,
 * each guarded by its own leader lease. Measured per schedule period: the time from the tick to
 * the end of the last cluster's check (the round), how many times each cluster's check ran across
 * both replicas (from the replicas and from the check_run rows in the database), and the ack
 * latency of signed `/cluster status --cluster NAME` requests sent to both replicas during the round.
 */
import type { ChildProcess } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { PostgresStore } from '../src/store/postgres-store.js';
import { startPostgres } from '../test/support/postgres.js';
import { postSlashCommand, SECRET, startFakeSlack } from './ack.js';
import type { ReplicaJob } from './cluster-replica.js';
import { clusterNames, clustersInventoryYaml, nextMinuteTick, readRounds, type CheckSpan, type PeriodRound, type PlannedCluster } from './clusters-plan.js';
import { ms, type Row, type SectionResult, type TargetResult } from './report.js';
import { BENCH_DIST, firstLine, median, note, percentile, spawnTracked, type Cleanup } from './util.js';

/** Options of the several-clusters part. */
export interface ClustersOptions {
  readonly clusters: number;
  readonly nodesPerCluster: number;
  /** Processes the simulated clusters are spread over (the simulator's side of SSH costs CPU too). */
  readonly simProcesses: number;
  /** Schedule periods observed (the baseline before the first has opened the SSH connections already). */
  readonly periods: number;
  /** Signed `/cluster status` requests per second during each round. */
  readonly rate: number;
}

/** The schedule of issue 16: every cluster's check every 2 minutes. */
const PERIOD_MINUTES = 2;
const PERIOD_MS = PERIOD_MINUTES * 60_000;
const REPLICAS = ['replica-a', 'replica-b'] as const;
/** Ack latency target, the same as the ack part's. */
const ACK_P99_MS = 100;

interface Replica {
  readonly name: string;
  readonly child: ChildProcess;
  readonly url: string;
  readonly leads: readonly string[];
}

/** Starts one replica and collects its check and log lines into `spans` and `logs`. */
async function startReplica(cleanup: Cleanup, job: ReplicaJob, spans: CheckSpan[], logs: string[], ending: { now: boolean }): Promise<Replica> {
  const child = spawnTracked(cleanup, process.execPath, [join(BENCH_DIST, 'cluster-replica.js'), JSON.stringify(job)]);
  let stderr = '';
  child.stderr?.on('data', (d: Buffer) => {
    stderr = (stderr + d.toString()).slice(-4000);
  });
  const ready = new Promise<{ port: number; leads: string[] }>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${job.replica} not ready within 120 s: ${stderr.slice(-800)}`)), 120_000);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`${job.replica} exited with ${String(code)}: ${stderr.slice(-800)}`));
    });
    createInterface({ input: child.stdout as NodeJS.ReadableStream }).on('line', (line) => {
      let msg: { type?: string } & Record<string, unknown>;
      try {
        msg = JSON.parse(line) as typeof msg;
      } catch {
        return;
      }
      if (msg.type === 'ready') {
        clearTimeout(timer);
        resolve({ port: Number(msg.port), leads: msg.leads as string[] });
      } else if (msg.type === 'check') spans.push(msg as unknown as CheckSpan);
      else if (msg.type === 'log') logs.push(`${job.replica}: ${String(msg.line)}`);
    });
  });
  const { port, leads } = await ready;
  // A replica that dies during the run is a result too: its exit and last words go into the report.
  child.once('exit', (code, signal) => {
    if (!ending.now) logs.push(`${job.replica}: exited (${signal ?? `code ${String(code)}`}) during the run: ${stderr.slice(-600).replace(/\s+/g, ' ')}`);
  });
  return { name: job.replica, child, url: `http://127.0.0.1:${port}/slack/events`, leads };
}

const sleep = (msWait: number): Promise<void> => new Promise((r) => setTimeout(r, Math.max(0, msWait)));

/** Runs the several-clusters part. */
export async function benchClusters(cleanup: Cleanup, o: ClustersOptions): Promise<SectionResult> {
  const dir = cleanup.tempDir('clusters');
  const names = clusterNames(o.clusters);
  const load = { before: loadavg().map((x) => Math.round(x * 100) / 100), after: [] as number[] };

  note('clusters: starting a throwaway PostgreSQL');
  const pg = await startPostgres();
  cleanup.add(() => pg.stop());

  note(`clusters: serving ${o.clusters} simulated clusters of ${o.nodesPerCluster} nodes in ${o.simProcesses} process(es)`);
  const simStarted = performance.now();
  const chunks = Array.from({ length: o.simProcesses }, (_, i) => names.filter((_, j) => j % o.simProcesses === i)).filter((c) => c.length > 0);
  const sims = chunks.map((chunk) =>
    spawnTracked(cleanup, process.execPath, [join(BENCH_DIST, 'clusters-sim.js'), dir, chunk.join(','), String(o.nodesPerCluster), 'healthy']),
  );
  const planned: PlannedCluster[] = (
    await Promise.all(sims.map(async (s) => (JSON.parse(await firstLine(s, 300_000)) as { clusters: PlannedCluster[] }).clusters))
  )
    .flat()
    .sort((a, b) => a.name.localeCompare(b.name));
  const simStartMs = performance.now() - simStarted;
  const inventory = join(dir, 'clusters.yml');
  writeFileSync(inventory, clustersInventoryYaml(planned, `*/${PERIOD_MINUTES} * * * *`));

  const fake = await startFakeSlack();
  cleanup.add(() => new Promise<void>((r) => fake.server.close(() => r())));
  const spans: CheckSpan[] = [];
  const logs: string[] = [];
  const ending = { now: false };
  note('clusters: starting two replicas on the PostgreSQL');
  const replicas = await Promise.all(
    REPLICAS.map((replica) =>
      startReplica(
        cleanup,
        { replica, inventory, database: pg.url, apiUrl: fake.url, signingSecret: SECRET, schedule: `*/${PERIOD_MINUTES} * * * *`, leaseSeconds: 30 },
        spans,
        logs,
        ending,
      ),
    ),
  );

  // The first tick at least 5 s away, so both replicas are past their start when it comes.
  let first = nextMinuteTick(Date.now(), PERIOD_MINUTES);
  if (first - Date.now() < 5000) first += PERIOD_MS;
  const periodStarts = Array.from({ length: o.periods }, (_, k) => first + k * PERIOD_MS);
  note(
    `clusters: waiting ${Math.round((first - Date.now()) / 1000)} s for the schedule's tick at ${new Date(first).toISOString()}, then ${o.periods} period(s)`,
  );

  const acks: { ms: number; status: number; period: number; replica: string }[] = [];
  let n = 0;
  const send = (k: number): Promise<void> => {
    const replica = replicas[n % replicas.length] as Replica;
    const cluster = names[n % names.length] as string;
    n++;
    return postSlashCommand(replica.url, { text: `status --cluster ${cluster}`, n, apiUrl: fake.url }).then(
      (a) => void acks.push({ ...a, period: k, replica: replica.name }),
    );
  };
  // A baseline with no scheduled check running: the same requests while the first tick is awaited
  // (period -1), on the same machine load. It also opens both replicas' connections to every cluster.
  {
    const pending: Promise<void>[] = [];
    const start = Date.now();
    for (let i = 0; start + i * (1000 / o.rate) < first - 5000; i++) {
      await sleep(start + i * (1000 / o.rate) - Date.now());
      pending.push(send(-1));
    }
    await Promise.all(pending);
  }
  for (const [k, start] of periodStarts.entries()) {
    await sleep(start - Date.now());
    const complete = (): boolean => readRounds(spans, names, [start], PERIOD_MS)[0]?.roundMs !== undefined;
    const pending: Promise<void>[] = [];
    const interval = 1000 / o.rate;
    // Requests at a steady rate, alternating replicas (a load balancer's round robin) and clusters,
    // until every cluster's check of this period has ended or the period is over.
    for (let i = 0; Date.now() < start + PERIOD_MS && !complete(); i++) {
      await sleep(start + i * interval - Date.now());
      pending.push(send(k));
    }
    await Promise.all(pending);
  }
  load.after = loadavg().map((x) => Math.round(x * 100) / 100);

  // The database's own account: one check_run row per scheduled check that ran, whichever replica.
  const store = await PostgresStore.open({ url: pg.url, poolSize: 1 });
  let rows: { cluster: string; at_ms: number }[];
  try {
    rows = (await store.all<{ cluster: string; at_ms: number | string }>('SELECT cluster, at_ms FROM check_run')).map((r) => ({
      cluster: r.cluster,
      at_ms: Number(r.at_ms),
    }));
  } finally {
    await store.close();
  }
  ending.now = true;
  for (const r of replicas) await cleanup.stop(r.child);
  for (const s of sims) await cleanup.stop(s);

  const rounds = readRounds(spans, names, periodStarts, PERIOD_MS);
  const dbRuns = periodStarts.map((start) =>
    Object.fromEntries(names.map((c) => [c, rows.filter((r) => r.cluster === c && r.at_ms >= start && r.at_ms < start + PERIOD_MS).length])),
  );
  // A check_run row is written after a check that succeeded: more than one is a duplicate, none is
  // one only when the replicas saw no failed check of that cluster (a failure counts in the round's target).
  const dbNotOnce = dbRuns.map((runs, k) =>
    names.filter((c) => {
      const rowsOf = runs[c] ?? 0;
      const failed = spans.some(
        (sp) => sp.cluster === c && sp.failed && sp.startMs >= (periodStarts[k] ?? 0) && sp.startMs < (periodStarts[k] ?? 0) + PERIOD_MS,
      );
      return rowsOf > 1 || (rowsOf === 0 && !failed);
    }),
  );
  const during = acks.filter((a) => a.period >= 0);
  const baseline = acks.filter((a) => a.period < 0);
  const latencies = during.map((a) => a.ms);
  const statusesOf = (list: typeof acks): Record<string, number> => {
    const out: Record<string, number> = {};
    for (const a of list) out[String(a.status)] = (out[String(a.status)] ?? 0) + 1;
    return out;
  };
  const statuses = statusesOf(during);
  const httpText = (st: Record<string, number>): string =>
    Object.entries(st)
      .map(([code, c]) => `${code} x${c}`)
      .join(', ');
  const allOk = during.length > 0 && Object.keys(statuses).every((code) => code === '200');
  const p99 = percentile(latencies, 99);

  const byReplica = (round: PeriodRound): string => REPLICAS.map((r) => `${r} ${names.filter((c) => round.replicas[c]?.includes(r)).length}`).join(', ');
  const slowest = (start: number): string => {
    const own = spans.filter((s) => s.startMs >= start && s.startMs < start + PERIOD_MS);
    const top = own.sort((a, b) => b.endMs - b.startMs - (a.endMs - a.startMs))[0];
    return top ? `slowest ${top.cluster} ${ms(top.endMs - top.startMs)} on ${top.replica}` : 'no check';
  };
  const tableRows: Row[] = [
    {
      label: 'simulated nodes',
      value: String(o.clusters * o.nodesPerCluster),
      detail: `${o.clusters} clusters x ${o.nodesPerCluster}; served in ${ms(simStartMs)}`,
    },
    {
      label: 'leases at start',
      value: replicas.map((r) => `${r.name} ${r.leads.length}`).join(', '),
      detail: 'clusters whose scheduler lease each replica took',
    },
    ...rounds.map((r, k) => ({
      label: `period ${k + 1} round`,
      value: r.roundMs === undefined ? 'incomplete' : ms(r.roundMs),
      detail: `checks run by ${byReplica(r)}; ${slowest(r.startMs)}; ${r.failed} failed; not once: ${r.notOnce.join(', ') || 'none'}; check_run rows ${Object.values(dbRuns[k] ?? {}).reduce((a, b) => a + b, 0)}`,
    })),
    {
      label: 'ack during the rounds',
      value: `p99 ${ms(p99)}`,
      detail: `p50 ${ms(median(latencies))}, max ${ms(Math.max(...latencies))}; ${during.length} requests at ${o.rate}/s; HTTP ${httpText(statuses)}`,
    },
    {
      label: 'ack before the checks',
      value: `p99 ${ms(
        percentile(
          baseline.map((a) => a.ms),
          99,
        ),
      )}`,
      detail: `baseline while the tick is awaited: p50 ${ms(median(baseline.map((a) => a.ms)))}, ${baseline.length} requests; HTTP ${httpText(statusesOf(baseline))}`,
    },
    // The leader of most clusters runs their checks on its event loop; the other mostly stands by.
    ...replicas.map((r) => {
      const own = during.filter((a) => a.replica === r.name).map((a) => a.ms);
      const ran = new Set(spans.filter((s) => s.replica === r.name).map((s) => s.cluster)).size;
      return {
        label: `ack on ${r.name}`,
        value: `p99 ${ms(percentile(own, 99))}`,
        detail: `p50 ${ms(median(own))}; ${own.length} requests; it ran the checks of ${ran} cluster(s)`,
      };
    }),
    { label: 'load average', value: load.before.join(' '), detail: `before; after ${load.after.join(' ')} (1, 5, 15 min; 2 cores shared)` },
  ];
  if (logs.length > 0)
    tableRows.push({
      label: 'replica errors',
      value: String(logs.length),
      detail: [...logs.filter((l) => l.includes('exited (')), ...logs].slice(0, 3).join(' | ').slice(0, 400),
    });

  const worst = rounds.map((r) => r.roundMs).reduce<number | undefined>((a, b) => (a === undefined || b === undefined ? undefined : Math.max(a, b)), 0);
  const notOnce = rounds.flatMap((r, k) => [...new Set([...r.notOnce, ...(dbNotOnce[k] ?? [])])].map((c) => `${c} in period ${k + 1}`));
  const targets: TargetResult[] = [
    {
      id: 'clusters-round',
      target: `${o.clusters}x${o.nodesPerCluster} nodes, 2 replicas: all checks in one ${PERIOD_MINUTES}-min period`,
      measured:
        worst === undefined
          ? 'a round did not complete within its period'
          : `slowest round ${ms(worst)} of ${rounds.map((r) => (r.roundMs === undefined ? 'n/a' : ms(r.roundMs))).join(', ')}`,
      pass: worst !== undefined && worst < PERIOD_MS && rounds.every((r) => r.failed === 0),
    },
    {
      id: 'clusters-once',
      target: "each cluster's check exactly once per period across replicas",
      measured: notOnce.length === 0 ? `${o.clusters} x ${o.periods} period(s), replicas and check_run rows agree` : `not once: ${notOnce.join(', ')}`,
      pass: notOnce.length === 0,
    },
    {
      id: 'clusters-ack-p99',
      target: `Slack ack latency p99 < ${ACK_P99_MS} ms during the checks`,
      measured: `p99 ${ms(p99)}, p50 ${ms(median(latencies))} (${during.length} requests)${allOk ? '' : ` (HTTP ${httpText(statuses)})`}`,
      pass: allOk && p99 < ACK_P99_MS,
    },
  ];
  return {
    id: 'clusters',
    title: `Several clusters, two replicas on PostgreSQL (${o.clusters} x ${o.nodesPerCluster} simulated nodes, checks every ${PERIOD_MINUTES} min)`,
    rows: tableRows,
    targets,
    data: {
      load,
      simStartMs,
      leads: Object.fromEntries(replicas.map((r) => [r.name, r.leads])),
      rounds,
      checkRunRows: dbRuns,
      spans,
      acks: {
        statuses,
        p50: median(latencies),
        p99,
        during: during.map((a) => ({ ...a, ms: Math.round(a.ms * 10) / 10 })),
        baseline: baseline.map((a) => ({ ...a, ms: Math.round(a.ms * 10) / 10 })),
      },
      errors: logs,
    },
  };
}
