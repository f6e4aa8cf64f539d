import type { CheckResult, IncidentData, ProblemGroup, StoredEvidence } from '../../../src/incidents/index.js';
import type { Incident } from '../../../src/incidents/types.js';
import type { Signature } from '../../../src/signatures/index.js';

/**
 * The incident the monitor opens from a problem, with its evidence as the store gives it back,
 * built without a store so that view tests read only what the views derive.
 */
export function incidentOf(problem: ProblemGroup, at: string): { incident: Incident; evidence: StoredEvidence[] } {
  const incident: Incident = {
    id: 1,
    status: 'open',
    severity: problem.severity,
    title: problem.title,
    root: { signature: problem.root.signature, node: problem.root.node },
    chain: problem.chain,
    chainText: problem.chainText,
    impact: [],
    nextSteps: [],
    openedAt: at,
    updatedAt: at,
    lastBadAt: at,
    greenSince: null,
    resolvedAt: null,
    resolvedBy: null,
    resolution: null,
    reopenCount: 0,
  };
  return { incident, evidence: problem.evidence.map((e, i) => ({ ...e, id: i + 1, incidentId: 1, firstSeenAt: at })) };
}

/** The views' data for the first problem of a check. */
export function checkIncidentData(check: CheckResult, signatures: readonly Signature[]): IncidentData {
  const problem = check.problems[0];
  if (!problem) throw new Error('the check found no problem');
  const at = check.at.toISOString();
  return { ...incidentOf(problem, at), events: [], signatures, now: at };
}
