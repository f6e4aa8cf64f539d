import type { Inventory } from '../inventory/types.js';
import { packageVersions } from '../probes/package-versions.js';
import type { Executor } from '../ssh/types.js';
import {
  buildCausalChain,
  evaluateProbeSignatures,
  isProbeSignature,
  probeFactKey,
  renderCausalChain,
  renderRunbook,
  type Catalog,
  type CausalChain,
  type ProbeFinding,
  type Signature,
} from '../signatures/index.js';
import { assessSnapshot, type HealthReport } from './assess.js';
import { probeCoverage } from './coverage.js';
import type { ProbeCache } from './probe-cache.js';
import { probeById, probeFacts, statusProbes } from './registry.js';
import { takeSnapshot, type ClusterSnapshot } from './snapshot.js';

/** A snapshot, its assessment, and what the probe signatures make of it. */
export interface ClusterStatus {
  readonly snapshot: ClusterSnapshot;
  readonly report: HealthReport;
  readonly findings: readonly ProbeFinding[];
  readonly chain: CausalChain | null;
  /** "Disk full (df) on node-10 -> RabbitMQ not running on node-10 -> ..." */
  readonly likelyCause: string | undefined;
  /** Runbook commands, root cause first, without repeats. */
  readonly nextSteps: readonly string[];
  /** Probe signatures this snapshot could not evaluate, and where: their silence is not a recovery. */
  readonly unchecked: readonly UncheckedFact[];
}

/** A probe signature whose fact could not be read on `node` (`*`: on any node, the cluster's view was missing). */
export interface UncheckedFact {
  readonly signature: string;
  readonly node: string;
}

/**
 * Where the probe signatures of the catalog could not look: nodes their probe did not read, or
 * everywhere when a cluster-wide probe got no usable answer or no node has its roles.
 */
export function uncheckedFacts(snapshot: ClusterSnapshot, signatures: readonly Signature[]): UncheckedFact[] {
  const out: UncheckedFact[] = [];
  for (const sig of signatures.filter(isProbeSignature)) {
    const probe = probeById(sig.source.probe.id);
    if (!probe || !probeFacts.has(probeFactKey(sig.source.probe))) continue;
    const coverage = probeCoverage(snapshot, probe);
    if (coverage.clusterWide) continue;
    if (probe.scope === 'cluster' || coverage.missing.length === 0) {
      if (coverage.level !== 'all') out.push({ signature: sig.id, node: '*' });
      continue;
    }
    for (const m of coverage.missing) out.push({ signature: sig.id, node: m.node });
  }
  return out;
}

/** Reads the cluster and explains it: the data behind `/cluster status` and the scheduler. */
export async function clusterStatus(
  inventory: Inventory,
  executor: Executor,
  catalog: Catalog,
  options: { concurrency?: number; clock?: () => Date; cache?: ProbeCache } = {},
): Promise<ClusterStatus> {
  // Installed versions are read with the status: no area judges them, but the status shows them
  // and the check reads which signatures' bugs the nodes' versions carry (src/health/versions.ts).
  // With the cluster's probe cache they are re-read only every few minutes, and shown with their time.
  const snapshot = await takeSnapshot(inventory, executor, { probes: [...statusProbes, packageVersions], ...options });
  return explainSnapshot(snapshot, catalog);
}

/** The pure half of `clusterStatus`. */
export function explainSnapshot(snapshot: ClusterSnapshot, catalog: Catalog): ClusterStatus {
  const report = assessSnapshot(snapshot);
  const { findings } = evaluateProbeSignatures(catalog.signatures, probeFacts, snapshot);
  const chain = buildCausalChain(findings, catalog.signatures);
  const likelyCause = chain ? renderCausalChain(chain, catalog.signatures) : undefined;
  const order = chain ? [chain.root.signature, ...chain.links.map((l) => l.signature)] : [];
  const rank = (id: string): number => (order.includes(id) ? order.indexOf(id) : order.length);
  const byId = new Map(catalog.signatures.map((s) => [s.id, s]));
  const present = new Set(findings.map((f) => f.signature));
  // A leaf consequence (nothing further follows from it) that a present cause explains heals
  // with its cause: listing its runbook would send the operator after symptoms.
  const explainedLeaf = (id: string): boolean =>
    (byId.get(id)?.leadsTo.length ?? 0) === 0 && catalog.signatures.some((s) => present.has(s.id) && s.leadsTo.includes(id));
  const nextSteps: string[] = [];
  for (const f of [...findings].sort((a, b) => rank(a.signature) - rank(b.signature) || a.node.localeCompare(b.node))) {
    const sig = byId.get(f.signature);
    if (!sig?.runbook || explainedLeaf(f.signature)) continue;
    const step = renderRunbook(sig, f.node, f.fields);
    const knownNode = snapshot.nodes.some((n) => n.name === f.node) || !step.includes(f.node);
    if (knownNode && !nextSteps.includes(step)) nextSteps.push(step);
  }
  return { snapshot, report, findings, chain, likelyCause, nextSteps, unchecked: uncheckedFacts(snapshot, catalog.signatures) };
}
