import { describe, expect, it } from 'vitest';
import { describeEvidence, evidenceOf, groupProblems, planIncidents, type IncidentSnapshot, type LifecyclePolicy } from '../../../src/incidents/index.js';
import type { Incident, ProblemGroup } from '../../../src/incidents/types.js';
import type { LogFinding } from '../../../src/signatures/index.js';
import { builtinCatalog, probe, seedEvidence } from './fixtures.js';

const POLICY: LifecyclePolicy = { resolveAfterMs: 10 * 60_000, reopenWithinMs: 60 * 60_000 };
const T0 = Date.parse('2017-02-15T06:30:00Z');
const at = (minutes: number): Date => new Date(T0 + minutes * 60_000);

function logFinding(over: Partial<LogFinding> = {}): LogFinding {
  return {
    signature: 'rabbit-disk-alarm',
    node: 'node-10',
    file: '/var/log/rabbitmq/rabbit@node-10.log',
    line: 4,
    time: '2017-02-14T05:49:45.000Z',
    timeMs: Date.parse('2017-02-14T05:49:45Z'),
    fields: {},
    text: "disk resource limit alarm set on node 'rabbit@node-10'.",
    ...over,
  };
}

function incident(over: Partial<Incident> = {}): Incident {
  return {
    id: 1,
    status: 'open',
    severity: 'critical',
    title: 'Root disk full (ENOSPC) on node-10',
    root: { signature: 'root-disk-full', node: 'node-10' },
    chain: null,
    chainText: '',
    impact: [],
    nextSteps: [],
    openedAt: at(0).toISOString(),
    updatedAt: at(0).toISOString(),
    lastBadAt: at(0).toISOString(),
    greenSince: null,
    resolvedAt: null,
    resolvedBy: null,
    resolution: null,
    reopenCount: 0,
    ...over,
  };
}

function snapshotOf(i: Incident, problem: ProblemGroup): IncidentSnapshot {
  return {
    incident: i,
    evidenceKeys: new Set(problem.evidence.map((e) => e.key)),
    signatureNodes: new Set(problem.evidence.map((e) => `${e.signature}|${e.node}`)),
    nodes: new Set(problem.evidence.map((e) => e.node)),
  };
}

describe('evidenceOf', () => {
  it('keys a log record by its live file, time and text, so a rotation (new name, new line number) is the same evidence', () => {
    const [live] = evidenceOf([logFinding()]);
    const [rotated] = evidenceOf([logFinding({ file: '/var/log/rabbitmq/rabbit@node-10.log.1', line: 2 })]);
    expect(rotated?.key).toBe(live?.key);
    const [other] = evidenceOf([logFinding({ text: 'another record' })]);
    expect(other?.key).not.toBe(live?.key);
  });

  it('keys a probe fact by signature and node only: a fact that holds is one piece of evidence however its numbers move', () => {
    const a = evidenceOf([probe('disk-full-now', 'node-10', at(0).toISOString(), { availBytes: '0' })]);
    const b = evidenceOf([probe('disk-full-now', 'node-10', at(2).toISOString(), { availBytes: '4096' })]);
    expect(a[0]?.key).toBe('probe|disk-full-now|node-10');
    expect(b[0]?.key).toBe(a[0]?.key);
  });

  it('keeps one piece of evidence per key and trims record text', () => {
    const long = 'x'.repeat(1000);
    const out = evidenceOf([logFinding({ text: long }), logFinding({ text: long })]);
    expect(out).toHaveLength(1);
    expect(out[0]?.text).toHaveLength(300);
  });
});

describe('groupProblems', () => {
  it('makes the seed outage one problem rooted in the full disk on node-10, with the computes and their libvirt in it', async () => {
    const catalog = await builtinCatalog();
    const problems = groupProblems(await seedEvidence(catalog), catalog.signatures);
    expect(problems).toHaveLength(1);
    const [p] = problems;
    expect(p?.root).toMatchObject({ signature: 'root-disk-full', node: 'node-10' });
    expect(p?.severity).toBe('critical');
    expect(p?.title).toBe('Root disk full (ENOSPC) on node-10');
    expect(p?.chainText).toMatch(/^Root disk full \(ENOSPC\) on node-10 -> .*nova-compute reported down on 3 nodes$/);
    const signatures = new Set(p?.evidence.map((e) => e.signature));
    for (const s of ['libvirt-socket-gone', 'nova-compute-down', 'neutron-agent-down', 'amqp-unreachable', 'rabbit-disk-alarm'])
      expect(signatures).toContain(s);
    // On node-18, joined through the request id it shares with the ENOSPC traceback.
    expect(p?.evidence.find((e) => e.signature === 'cinder-image-too-large')?.node).toBe('node-18');
  });

  it('keeps an unrelated failure on another node as a problem of its own', async () => {
    const catalog = await builtinCatalog();
    const unrelated = evidenceOf([
      logFinding({
        signature: 'cinder-backend-full',
        node: 'node-11',
        file: '/var/log/cinder/cinder-volume.log',
        line: 9,
        time: '2017-02-15T06:20:00.000Z',
        text: "dd: error writing '/dev/mapper/cinder--volumes-x': No space left on device",
      }),
    ]);
    const problems = groupProblems([...(await seedEvidence(catalog)), ...unrelated], catalog.signatures);
    expect(problems.map((p) => `${p.root.signature}@${p.root.node}`)).toEqual(['root-disk-full@node-10', 'cinder-backend-full@node-11']);
  });

  it('puts recoveries (alarm cleared) with the problem they clear, never as a cause', async () => {
    const catalog = await builtinCatalog();
    const cleared = evidenceOf([
      logFinding({
        signature: 'rabbit-disk-alarm-cleared',
        line: 90,
        time: '2017-02-15T07:00:00.000Z',
        text: "disk resource limit alarm cleared on node 'rabbit@node-10'",
      }),
    ]);
    const problems = groupProblems([...(await seedEvidence(catalog)), ...cleared], catalog.signatures);
    expect(problems).toHaveLength(1);
    expect(problems[0]?.evidence.some((e) => e.signature === 'rabbit-disk-alarm-cleared')).toBe(true);
    expect(groupProblems(cleared, catalog.signatures)).toEqual([]);
  });

  it('describes nothing when there is no problem', async () => {
    const catalog = await builtinCatalog();
    expect(describeEvidence([], catalog.signatures)).toBeNull();
    expect(groupProblems([], catalog.signatures)).toEqual([]);
  });
});

describe('planIncidents', () => {
  async function seedProblem(): Promise<ProblemGroup> {
    const catalog = await builtinCatalog();
    return groupProblems(await seedEvidence(catalog), catalog.signatures)[0] as ProblemGroup;
  }

  it('opens an incident for a problem when none is open', async () => {
    const problem = await seedProblem();
    expect(planIncidents([], [], { at: at(0), problems: [problem], unreachable: [] }, POLICY)).toEqual([{ kind: 'open', problem }]);
  });

  it('joins the open incident with nothing new when the same problem is seen again', async () => {
    const problem = await seedProblem();
    const open = snapshotOf(incident(), problem);
    expect(planIncidents([open], [], { at: at(2), problems: [problem], unreachable: [] }, POLICY)).toEqual([
      { kind: 'update', incidentId: 1, problems: [problem], newEvidence: [], greenBroken: false },
    ]);
  });

  it('joins by shared symptoms even when the root seen now differs (only neutron agents left down): one outage, one incident', async () => {
    const catalog = await builtinCatalog();
    const problem = await seedProblem();
    const open = snapshotOf(incident(), problem);
    const [left] = groupProblems(evidenceOf([probe('neutron-agent-down', 'node-11', at(5).toISOString(), { agents: 'L3 agent' })]), catalog.signatures);
    const decisions = planIncidents([open], [], { at: at(5), problems: [left as ProblemGroup], unreachable: [] }, POLICY);
    expect(decisions).toEqual([expect.objectContaining({ kind: 'update', incidentId: 1, newEvidence: [] })]);
  });

  it('adds only evidence not attached before', async () => {
    const problem = await seedProblem();
    const open = snapshotOf(incident(), { ...problem, evidence: problem.evidence.slice(1) });
    const [d] = planIncidents([open], [], { at: at(2), problems: [problem], unreachable: [] }, POLICY);
    expect(d).toMatchObject({ kind: 'update', newEvidence: [problem.evidence[0]] });
  });

  it('counts green checks and resolves after the green window, not before', async () => {
    const problem = await seedProblem();
    const first = planIncidents([snapshotOf(incident(), problem)], [], { at: at(3), problems: [], unreachable: [] }, POLICY);
    expect(first).toEqual([{ kind: 'green', incidentId: 1, since: at(3).toISOString(), resolvesAt: at(13).toISOString(), started: true }]);
    const greenSince = incident({ greenSince: at(3).toISOString() });
    expect(planIncidents([snapshotOf(greenSince, problem)], [], { at: at(12), problems: [], unreachable: [] }, POLICY)).toEqual([
      { kind: 'green', incidentId: 1, since: at(3).toISOString(), resolvesAt: at(13).toISOString(), started: false },
    ]);
    expect(planIncidents([snapshotOf(greenSince, problem)], [], { at: at(13), problems: [], unreachable: [] }, POLICY)).toEqual([
      { kind: 'resolve', incidentId: 1, greenSince: at(3).toISOString() },
    ]);
  });

  it('resolves on the first green check when the window is zero', async () => {
    const problem = await seedProblem();
    expect(planIncidents([snapshotOf(incident(), problem)], [], { at: at(1), problems: [], unreachable: [] }, { ...POLICY, resolveAfterMs: 0 })).toEqual([
      { kind: 'resolve', incidentId: 1, greenSince: at(1).toISOString() },
    ]);
  });

  it('breaks the green streak when the problem is seen again', async () => {
    const problem = await seedProblem();
    const [d] = planIncidents(
      [snapshotOf(incident({ greenSince: at(3).toISOString() }), problem)],
      [],
      { at: at(5), problems: [problem], unreachable: [] },
      POLICY,
    );
    expect(d).toMatchObject({ kind: 'update', greenBroken: true });
  });

  it('does not call an incident green while one of its nodes cannot be reached', async () => {
    const problem = await seedProblem();
    expect(planIncidents([snapshotOf(incident(), problem)], [], { at: at(3), problems: [], unreachable: ['node-10'] }, POLICY)).toEqual([]);
    expect(planIncidents([snapshotOf(incident(), problem)], [], { at: at(3), problems: [], unreachable: ['node-99'] }, POLICY)).toEqual([
      expect.objectContaining({ kind: 'green' }),
    ]);
  });

  it('reopens a recently resolved incident the problem belongs to, and opens a new one once the reopen window has passed', async () => {
    const problem = await seedProblem();
    const resolved = snapshotOf(incident({ status: 'resolved', resolvedAt: at(20).toISOString() }), problem);
    expect(planIncidents([], [resolved], { at: at(50), problems: [problem], unreachable: [] }, POLICY)).toEqual([
      { kind: 'reopen', incidentId: 1, problems: [problem], newEvidence: [] },
    ]);
    expect(planIncidents([], [resolved], { at: at(90), problems: [problem], unreachable: [] }, POLICY)).toEqual([{ kind: 'open', problem }]);
  });

  it('opens a second incident for an unrelated problem and leaves the first alone', async () => {
    const catalog = await builtinCatalog();
    const problem = await seedProblem();
    const [other] = groupProblems(
      evidenceOf([
        logFinding({
          signature: 'cinder-backend-full',
          node: 'node-11',
          file: '/var/log/cinder/cinder-volume.log',
          time: '2017-02-15T06:31:00.000Z',
          text: "dd: error writing '/dev/sdb': No space left on device",
        }),
      ]),
      catalog.signatures,
    );
    const decisions = planIncidents([snapshotOf(incident(), problem)], [], { at: at(2), problems: [problem, other as ProblemGroup], unreachable: [] }, POLICY);
    expect(decisions.map((d) => d.kind).sort()).toEqual(['open', 'update']);
  });
});

describe('minor problems', () => {
  it('do not open an incident on their own', async () => {
    const catalog = await builtinCatalog();
    const [minor] = groupProblems(
      evidenceOf([
        logFinding({
          signature: 'cinder-image-too-large',
          node: 'node-12',
          file: '/var/log/cinder/cinder-volume.log',
          time: '2017-02-15T06:31:00.000Z',
          text: "Image c99a47d5-3f75-448b-bb6d-1c67134e11a3 is unacceptable: Size is 100GB and doesn't fit in a volume of size 78GB.",
        }),
      ]),
      catalog.signatures,
    );
    expect(minor?.severity).toBe('minor');
    expect(planIncidents([], [], { at: at(0), problems: [minor as ProblemGroup], unreachable: [] }, POLICY)).toEqual([]);
  });
});
