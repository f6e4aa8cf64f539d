import { deployHostReason } from '../deployment/deploy-host.js';
import { clusterProbeTargets } from '../deployment/openstack-cli.js';
import type { Inventory, NodeSpec, OpenstackCliHost } from '../inventory/types.js';
import type { Probe, ProbeResult } from '../probes/types.js';
import type { Executor } from '../ssh/types.js';
import { DEFAULT_FAN_OUT_CONCURRENCY, mapLimit } from '../ssh/pool.js';
import type { ExecFailure } from '../ssh/types.js';
import type { ProbeCache } from './probe-cache.js';

/** What one probe gave on one node. */
export type NodeProbeOutcome<T> =
  | (ProbeResult<T> & {
      readonly node: string;
      readonly exitCode: number | null;
      readonly durationMs: number;
      /** Set when the answer was reused from an earlier snapshot (a probe with `maxAgeMs`): when it was read. */
      readonly readAt?: Date;
    })
  | { readonly kind: 'failed'; readonly node: string; readonly failure: ExecFailure; readonly durationMs: number };

/** A node as the snapshot saw it. */
export interface NodeState {
  readonly name: string;
  readonly roles: readonly string[];
  readonly reachable: boolean;
  /** Why it is not reachable (timeout, refused, host key...). */
  readonly problem?: string | undefined;
  /** Set on the deployment host (kolla's `localhost`): why it is no cluster node. */
  readonly deployHost?: string | undefined;
}

/** Everything the probes said about the cluster at one moment. */
export class ClusterSnapshot {
  constructor(
    readonly cluster: string,
    readonly takenAt: Date,
    readonly durationMs: number,
    readonly nodes: readonly NodeState[],
    private readonly outcomes: ReadonlyMap<string, readonly NodeProbeOutcome<unknown>[]>,
    /** Where the OpenStack API was read (TripleO's undercloud), when the inventory names a host for it. */
    readonly openstackCli?: OpenstackCliHost,
  ) {}

  /** Every node's outcome of `probe` (for cluster-scope probes: each controller that was asked). */
  of<T>(probe: Probe<T>): readonly NodeProbeOutcome<T>[] {
    return (this.outcomes.get(probe.id) ?? []) as readonly NodeProbeOutcome<T>[];
  }

  /** The parsed values of `probe`, per node, leaving out failures and unknowns. */
  values<T>(probe: Probe<T>): { node: string; value: T }[] {
    return this.of(probe).flatMap((o) => (o.kind === 'ok' ? [{ node: o.node, value: o.value }] : []));
  }

  /** The cluster-wide answer of a cluster-scope probe: the first usable one. */
  clusterValue<T>(probe: Probe<T>): { node: string; value: T } | undefined {
    return this.values(probe).find((v) => isUsable(v.value)) ?? this.values(probe)[0];
  }

  /** Probe ids with outcomes. */
  probeIds(): string[] {
    return [...this.outcomes.keys()];
  }

  /** Unreachable nodes. */
  unreachable(): NodeState[] {
    return this.nodes.filter((n) => !n.reachable);
  }
}

/** `{ running: false }` answers (service down on that node) are not the cluster's view. */
function isUsable(value: unknown): boolean {
  return !(typeof value === 'object' && value !== null && 'running' in value && (value as { running: unknown }).running === false);
}

const UNREACHABLE_KINDS = new Set(['unreachable', 'auth', 'host-key', 'timeout', 'connection-lost']);

/** Options for taking a snapshot. */
export interface SnapshotOptions {
  readonly probes: readonly Probe<unknown>[];
  /** Only these nodes (default: all). */
  readonly nodes?: readonly string[];
  readonly concurrency?: number;
  readonly clock?: () => Date;
  /** Answers of probes with `maxAgeMs` kept between snapshots of this cluster (see ProbeCache). */
  readonly cache?: ProbeCache;
}

/**
 * Runs the probes across the inventory: node-scope probes on every node with a matching role,
 * cluster-scope probes once, on the first controller whose answer is usable. A node that cannot
 * be reached is recorded as such; the rest of the snapshot is complete regardless.
 */
export async function takeSnapshot(inventory: Inventory, executor: Executor, options: SnapshotOptions): Promise<ClusterSnapshot> {
  const clock = options.clock ?? (() => new Date());
  const started = performance.now();
  const takenAt = clock();
  const wanted = options.nodes ? inventory.nodes.filter((n) => options.nodes?.includes(n.name)) : inventory.nodes;
  const concurrency = options.concurrency ?? DEFAULT_FAN_OUT_CONCURRENCY;
  const outcomes = new Map<string, NodeProbeOutcome<unknown>[]>();
  const unreachable = new Map<string, string>();
  const hasRole = (n: NodeSpec, p: Probe<unknown>): boolean => n.roles.some((r) => p.roles.includes(r));

  // Once one probe finds a node dead, its other probes are abandoned instead of each waiting
  // out its own timeout: a dead node costs one timeout, not the slowest probe's.
  const aborts = new Map<string, AbortController>();
  const abortFor = (name: string): AbortController => {
    let c = aborts.get(name);
    if (!c) {
      c = new AbortController();
      aborts.set(name, c);
    }
    return c;
  };
  const runOne = async (node: NodeSpec, probe: Probe<unknown>, command = probe.command): Promise<NodeProbeOutcome<unknown>> => {
    const known = unreachable.get(node.name);
    if (known !== undefined) {
      return {
        kind: 'failed',
        node: node.name,
        failure: { ok: false, node: node.name, command: '', kind: 'unreachable', message: known, durationMs: 0 },
        durationMs: 0,
      };
    }
    const signal = abortFor(node.name).signal;
    const r = await executor.exec(node.name, command, { signal, ...(probe.timeoutMs === undefined ? {} : { timeoutMs: probe.timeoutMs }) });
    if (!r.ok) {
      if (UNREACHABLE_KINDS.has(r.kind) && !unreachable.has(node.name)) {
        unreachable.set(node.name, r.message);
        abortFor(node.name).abort(new Error(r.message));
      }
      return { kind: 'failed', node: node.name, failure: r, durationMs: r.durationMs };
    }
    return { ...probe.parse(r), node: node.name, exitCode: r.exitCode, durationMs: r.durationMs };
  };

  const { cache } = options;
  const nodeJobs: { node: NodeSpec; probe: Probe<unknown>; reused?: NodeProbeOutcome<unknown> }[] = [];
  for (const probe of options.probes.filter((p) => p.scope === 'node')) {
    for (const node of wanted) {
      if (!hasRole(node, probe)) continue;
      const hit = cache && probe.maxAgeMs !== undefined ? cache.fresh(probe.id, node.name, probe.maxAgeMs, takenAt) : undefined;
      nodeJobs.push(hit ? { node, probe, reused: { ...hit.outcome, readAt: hit.readAt } as NodeProbeOutcome<unknown> } : { node, probe });
    }
  }
  const nodeResults = await mapLimit(nodeJobs, concurrency, (job) => (job.reused ? Promise.resolve(job.reused) : runOne(job.node, job.probe)));
  nodeJobs.forEach((job, i) => {
    let outcome = nodeResults[i] as NodeProbeOutcome<unknown>;
    const dead = unreachable.get(job.node.name);
    if (job.reused && dead !== undefined) {
      // A node that cannot be reached now is not shown with what it had installed before.
      outcome = {
        kind: 'failed',
        node: job.node.name,
        failure: { ok: false, node: job.node.name, command: '', kind: 'unreachable', message: dead, durationMs: 0 },
        durationMs: 0,
      };
    }
    if (cache && job.probe.maxAgeMs !== undefined && !job.reused) {
      const keep = outcome.kind === 'ok' && (job.probe.reuse?.(outcome.value) ?? true);
      if (keep) cache.put(job.probe.id, job.node.name, outcome, takenAt);
      else cache.forget(job.node.name, job.probe.id);
    }
    const list = outcomes.get(job.probe.id) ?? [];
    list.push(outcome);
    outcomes.set(job.probe.id, list);
  });
  if (cache) for (const name of unreachable.keys()) cache.forget(name);

  await Promise.all(
    options.probes
      .filter((p) => p.scope === 'cluster')
      .map(async (probe) => {
        const list: NodeProbeOutcome<unknown>[] = [];
        outcomes.set(probe.id, list);
        // OpenStack API reads go to the inventory's CLI host alone when it has one (src/deployment/openstack-cli.ts).
        const candidates = clusterProbeTargets(inventory, probe).filter((t) => !unreachable.has(t.node.name));
        for (const { node, command } of candidates) {
          const o = await runOne(node, probe, command);
          list.push(o);
          if (o.kind === 'ok' && isUsable(o.value)) break;
        }
      }),
  );

  const nodes: NodeState[] = wanted.map((n) => {
    const deployHost = deployHostReason(n, inventory.openstackCli?.node);
    return { name: n.name, roles: n.roles, reachable: !unreachable.has(n.name), problem: unreachable.get(n.name), ...(deployHost ? { deployHost } : {}) };
  });
  return new ClusterSnapshot(inventory.cluster, takenAt, Math.round(performance.now() - started), nodes, outcomes, inventory.openstackCli);
}
