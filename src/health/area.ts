import type { Probe } from '../probes/types.js';
import type { ProbeFact } from '../signatures/index.js';
import { unreadableReason } from './coverage.js';
import type { ClusterSnapshot, NodeProbeOutcome } from './snapshot.js';

/** One thing that is wrong. */
export interface Problem {
  /** The id of the health area that saw it, or `reachability`. */
  readonly area: string;
  readonly severity: 'critical' | 'warning';
  /** Nodes concerned (empty: cluster-wide). */
  readonly nodes: readonly string[];
  /** One line, naming what and where. */
  readonly summary: string;
}

/** A problem as an area's assessment states it; the report adds the area. */
export type AreaProblem = Omit<Problem, 'area'>;

/** What an area makes of a snapshot. */
export interface AreaAssessment {
  readonly problems: readonly AreaProblem[];
  /** What was seen, shown when nothing is wrong; empty when nothing usable was seen. */
  readonly okNote: string;
  /**
   * Set when the nodes say the deployment does not run what the area checks ("no OVN (...)"):
   * the area is not checked, never ✔, and that is no gap in coverage either.
   */
  readonly notUsed?: string;
}

/**
 * Everything about one health area of `/cluster status`, in one place: the probes it needs, how it
 * judges their answers, the facts its probe signatures read (computed from the same conditions as
 * the judgement, so that a verdict and a signature never disagree), its title and where it sorts.
 * Each module under `src/health/areas/` default-exports one; the registry finds them there.
 */
export interface HealthArea {
  /** Stable kebab-case id (`rabbitmq`), the `area` of its problems. */
  readonly id: string;
  /** Title in reports (`RabbitMQ`). */
  readonly title: string;
  /** Position in the status report, ascending. */
  readonly reportOrder: number;
  /** Position from causes to consequences (disk before RabbitMQ before nova), ascending: the order of an incident's impact. */
  readonly causeOrder: number;
  /** The probes `/cluster status` runs for this area. */
  readonly probes: readonly Probe<unknown>[];
  /** Probes too slow for every status (run by `/cluster node`); `assess` uses them when present. */
  readonly detailProbes?: readonly Probe<unknown>[];
  /** Judges a snapshot. Pure. */
  assess(snapshot: ClusterSnapshot): AreaAssessment;
  /** The facts its probe signatures read, by `<probe id>/<fact>`. */
  readonly facts: Readonly<Record<string, ProbeFact<ClusterSnapshot>>>;
}

/** Declares a health area (typed identity, as `defineCommand`). */
export function defineArea(area: HealthArea): HealthArea {
  return area;
}

/** "node-18, node-19" or "node-1, ..., node-6 and 4 more". */
export function listNodes(nodes: readonly string[]): string {
  return nodes.length <= 6 ? nodes.join(', ') : `${nodes.slice(0, 6).join(', ')} and ${nodes.length - 6} more`;
}

/** `rabbit@node-10` is node-10. */
export function shortRabbitNode(rabbitNode: string): string {
  return rabbitNode.replace(/^[^@]+@/, '');
}

/** Problems reading a probe (parse failure, non-zero exit without a typed answer), one line per node. */
export function readProblems(snapshot: ClusterSnapshot, probe: Probe<unknown>): string[] {
  return snapshot.of(probe).flatMap((o: NodeProbeOutcome<unknown>) => {
    if (o.kind === 'unknown') return [`${o.node}: ${unreadableReason(o)}`];
    if (o.kind === 'failed' && o.failure.kind === 'error') return [`${o.node}: ${o.failure.message}`];
    return [];
  });
}
