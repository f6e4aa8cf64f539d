import { describe, expect, it } from 'vitest';
import { groupProblems, planIncidents, type IncidentSnapshot, type LifecyclePolicy } from '../../../src/incidents/index.js';
import type { Incident, ProblemGroup } from '../../../src/incidents/types.js';
import { builtinCatalog, seedEvidence } from './fixtures.js';

const POLICY: LifecyclePolicy = { resolveAfterMs: 10 * 60_000, reopenWithinMs: 60 * 60_000 };
const T0 = Date.parse('2017-02-15T06:30:00Z');
const at = (minutes: number): Date => new Date(T0 + minutes * 60_000);

async function seedIncident(greenSince: string | null = null): Promise<IncidentSnapshot> {
  const catalog = await builtinCatalog();
  const [problem] = groupProblems(await seedEvidence(catalog), catalog.signatures) as [ProblemGroup];
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
    openedAt: at(0).toISOString(),
    updatedAt: at(0).toISOString(),
    lastBadAt: at(0).toISOString(),
    greenSince,
    resolvedAt: null,
    resolvedBy: null,
    resolution: null,
    reopenCount: 0,
  };
  return {
    incident,
    evidenceKeys: new Set(problem.evidence.map((e) => e.key)),
    signatureNodes: new Set(problem.evidence.map((e) => `${e.signature}|${e.node}`)),
    nodes: new Set(problem.evidence.map((e) => e.node)),
  };
}

describe('an incident is not green on what the check could not see', () => {
  it('does not count a check green when the cluster-wide fact behind the incident could not be read', async () => {
    const open = await seedIncident();
    // nova's service list did not answer: nova-compute-down could not be evaluated anywhere.
    const decisions = planIncidents(
      [open],
      [],
      { at: at(3), problems: [], unreachable: [], unchecked: [{ signature: 'nova-compute-down', node: '*' }] },
      POLICY,
    );
    expect(decisions).toEqual([]);
  });

  it('does not resolve when a node-level fact could not be read on a node of the incident, even at the end of the window', async () => {
    const open = await seedIncident(at(0).toISOString());
    const check = { at: at(20), problems: [], unreachable: [], unchecked: [{ signature: 'libvirt-socket-gone', node: 'node-19' }] };
    expect(planIncidents([open], [], check, POLICY)).toEqual([]);
  });

  it('still goes green when what could not be read is not what the incident rests on', async () => {
    const open = await seedIncident();
    const unchecked = [
      { signature: 'libvirt-socket-gone', node: 'node-30' },
      { signature: 'ceph-mon-down', node: '*' },
    ];
    expect(open.signatureNodes.has('libvirt-socket-gone|node-19')).toBe(true);
    const decisions = planIncidents([open], [], { at: at(3), problems: [], unreachable: [], unchecked }, POLICY);
    expect(decisions).toEqual([{ kind: 'green', incidentId: 1, since: at(3).toISOString(), resolvesAt: at(13).toISOString(), started: true }]);
  });
});
