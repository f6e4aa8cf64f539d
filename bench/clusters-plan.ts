/**
 * Pure parts of the several-clusters part: the `clusters:` inventory that names every simulated
 * cluster, and the reading of the scheduled checks the replicas reported (one round per schedule
 * period, each cluster's check exactly once per period across replicas).
 */

/** One simulated cluster as the inventory names it. */
export interface PlannedCluster {
  readonly name: string;
  /** The simulator's own inventory file (nodes, known_hosts, client key). */
  readonly inventory: string;
}

/** Cluster names c01, c02, ... (sorted as numbers sort, for up to 99 clusters). */
export function clusterNames(count: number): string[] {
  return Array.from({ length: count }, (_, i) => `c${String(i + 1).padStart(2, '0')}`);
}

/** The `clusters:` inventory of docs/clusters.md: each cluster points at its simulator's inventory, on one schedule. */
export function clustersInventoryYaml(clusters: readonly PlannedCluster[], schedule: string): string {
  if (clusters.length === 0) throw new Error('no cluster to write');
  // JSON strings are valid YAML scalars: paths and the cron expression need no further quoting rules.
  const entries = clusters.map((c) => `  ${c.name}:\n    inventory: ${JSON.stringify(c.inventory)}\n    schedule: ${JSON.stringify(schedule)}\n`);
  return `clusters:\n${entries.join('')}`;
}

/** One scheduled check one replica ran (its pass started and ended). */
export interface CheckSpan {
  readonly cluster: string;
  readonly replica: string;
  readonly startMs: number;
  readonly endMs: number;
  readonly failed: boolean;
}

/** One schedule period: which checks started in it, and how long the round of all clusters took. */
export interface PeriodRound {
  readonly startMs: number;
  /** Checks started per cluster in this period (every cluster listed, 0 when none ran). */
  readonly runs: Readonly<Record<string, number>>;
  /** Which replicas ran each cluster's checks. */
  readonly replicas: Readonly<Record<string, readonly string[]>>;
  /** Clusters whose check ran other than exactly once. */
  readonly notOnce: readonly string[];
  /** From the period's start to the end of its last check; undefined when a cluster's check did not run or not end. */
  readonly roundMs: number | undefined;
  readonly failed: number;
}

/**
 * Groups checks by the period they started in (`[start, start + periodMs)` from each of
 * `periodStarts`): per cluster how many ran and on which replicas, and the round's duration.
 */
export function readRounds(spans: readonly CheckSpan[], clusters: readonly string[], periodStarts: readonly number[], periodMs: number): PeriodRound[] {
  return periodStarts.map((startMs) => {
    const inPeriod = spans.filter((s) => s.startMs >= startMs && s.startMs < startMs + periodMs);
    const runs: Record<string, number> = {};
    const replicas: Record<string, string[]> = {};
    for (const c of clusters) {
      const own = inPeriod.filter((s) => s.cluster === c);
      runs[c] = own.length;
      replicas[c] = [...new Set(own.map((s) => s.replica))].sort();
    }
    const notOnce = clusters.filter((c) => runs[c] !== 1);
    const complete = clusters.every((c) => (runs[c] ?? 0) > 0);
    const ends = inPeriod.filter((s) => clusters.includes(s.cluster)).map((s) => s.endMs);
    return {
      startMs,
      runs,
      replicas,
      notOnce,
      roundMs: complete && ends.length > 0 ? Math.max(...ends) - startMs : undefined,
      failed: inPeriod.filter((s) => s.failed).length,
    };
  });
}

/** The next tick after `nowMs` of a cron schedule that runs every N minutes on the minute (minutes divisible by N, UTC). */
export function nextMinuteTick(nowMs: number, everyMinutes: number): number {
  const step = everyMinutes * 60_000;
  return (Math.floor(nowMs / step) + 1) * step;
}
