import type { ChainInput } from './chain.js';
import { isProbeSignature, probeFactKey, type ProbeFactRegistry, type Signature } from './schema.js';

/** A probe signature matched on a cluster snapshot: the probe-side twin of a log finding. */
export interface ProbeFinding extends ChainInput {
  readonly fields: Readonly<Record<string, string>>;
  readonly text?: string;
}

/**
 * Evaluates the probe signatures of a catalog on a snapshot through the facts their owners
 * registered. A signature whose fact nobody registered is skipped (and listed) rather than
 * failing the run: the catalog may be ahead of the probes installed.
 */
export function evaluateProbeSignatures<Snapshot>(
  signatures: readonly Signature[],
  facts: ProbeFactRegistry<Snapshot>,
  snapshot: Snapshot,
): { findings: ProbeFinding[]; missingFacts: string[] } {
  const findings: ProbeFinding[] = [];
  const missingFacts: string[] = [];
  for (const signature of signatures.filter(isProbeSignature)) {
    const key = probeFactKey(signature.source.probe);
    const fact = facts.get(key);
    if (!fact) {
      missingFacts.push(key);
      continue;
    }
    for (const hit of fact(snapshot)) {
      findings.push({
        signature: signature.id,
        node: hit.node,
        time: hit.time,
        fields: hit.fields,
        ...(hit.text !== undefined ? { text: hit.text } : {}),
      });
    }
  }
  return { findings, missingFacts };
}
