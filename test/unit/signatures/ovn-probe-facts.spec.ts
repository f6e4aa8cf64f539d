import { describe, expect, it } from 'vitest';
import { explainSnapshot } from '../../../src/health/status.js';
import { evidenceOf, groupProblems, planIncidents } from '../../../src/incidents/lifecycle.js';
import { ovnControllerStatus } from '../../../src/probes/ovn-controller-status.js';
import { ovnDbStatus } from '../../../src/probes/ovn-db-status.js';
import { areaReport, factHits, fixtureText, snapshotOf, type Answer } from '../health/areas/fixture-snapshot.js';
import { builtinCatalog } from './support.js';

const CONTROLLERS = ['node-10', 'node-11', 'node-12'];
const COMPUTES = ['node-18', 'node-19', 'node-20'];
// Real `cluster/status` outputs (sources in test/fixtures/probes/ovn/SOURCE.md).
const LEADER = fixtureText('probes/ovn/nb_leader_disconnections_kube_ovn_doc.txt');
const FOLLOWER = fixtureText('probes/ovn/sb_follower_3_servers_ovs_issues_177.txt');
const CANDIDATE = fixtureText('probes/ovn/sb_candidate_leader_unknown_ovs_issues_242.txt');

const dbs = (nb: string, sb: string): string => `@@ovn-db nb\n${nb}@@ovn-db sb\n${sb}`;
const controllersSay = (printed: (node: string) => string): Answer[] => CONTROLLERS.map((node) => ({ node, printed: printed(node) }));
const chassisSay = (printed: (node: string) => string): Answer[] => COMPUTES.map((node) => ({ node, printed: printed(node) }));
const hits = (s: ReturnType<typeof snapshotOf>, key: string) => factHits(s, key).map((h) => [h.node, h.fields]);

describe('the OVN area facts its probe signatures read', () => {
  it('has no hits on a healthy raft cluster with every chassis connected', () => {
    const s = snapshotOf([
      [ovnDbStatus, controllersSay(() => dbs(LEADER, FOLLOWER))],
      [ovnControllerStatus, chassisSay(() => 'connected\n')],
    ]);
    expect(areaReport(s, 'ovn').status).toBe('ok');
    expect(factHits(s, 'ovn-db-status/no-leader')).toEqual([]);
    expect(factHits(s, 'ovn-controller-status/chassis-disconnected')).toEqual([]);
  });

  it('fires no-leader on every server of the real leaderless SB (ovs-issues 242), not on the NB that has one', () => {
    const s = snapshotOf([[ovnDbStatus, controllersSay(() => dbs(LEADER, CANDIDATE))]]);
    expect(hits(s, 'ovn-db-status/no-leader')).toEqual(CONTROLLERS.map((n) => [n, { database: 'OVN_Southbound', model: 'clustered' }]));
    // The verdict names the same database on the same nodes: fact and judgement never disagree.
    const problem = areaReport(s, 'ovn').problems.find((p) => p.summary.startsWith('OVN_Southbound has no leader'));
    expect(problem?.nodes).toEqual(CONTROLLERS);
  });

  it("fires no-leader on TripleO's pair when no server is active, and not when one is", () => {
    const backup = 'state: backup\nreplicating: tcp:172.17.1.50:6641\ndatabase: OVN_Northbound\n';
    const none = snapshotOf([[ovnDbStatus, controllersSay(() => dbs(backup, 'state: active\n'))]]);
    expect(hits(none, 'ovn-db-status/no-leader')).toEqual(CONTROLLERS.map((n) => [n, { database: 'OVN_Northbound', model: 'active-backup' }]));
    expect(areaReport(none, 'ovn').problems.map((p) => p.summary)).toContain('no active OVN_Northbound server (every one is a backup)');
    const one = snapshotOf([[ovnDbStatus, controllersSay((n) => (n === 'node-10' ? dbs('state: active\n', 'state: active\n') : dbs(backup, backup)))]]);
    expect(factHits(one, 'ovn-db-status/no-leader')).toEqual([]);
  });

  it('fires chassis-disconnected where ovn-controller is not connected or not running, and nowhere without OVN', () => {
    const s = snapshotOf([
      [ovnDbStatus, controllersSay(() => dbs(LEADER, FOLLOWER))],
      [
        ovnControllerStatus,
        chassisSay((n) => ({ 'node-18': 'not connected\n', 'node-19': '@@container-stopped ovn_controller docker\n' })[n] ?? 'connected\n'),
      ],
    ]);
    expect(hits(s, 'ovn-controller-status/chassis-disconnected')).toEqual([
      ['node-18', { state: 'not connected' }],
      ['node-19', { state: 'not running' }],
    ]);
    const critical = areaReport(s, 'ovn').problems.filter((p) => p.severity === 'critical');
    expect(critical.flatMap((p) => p.nodes)).toEqual(['node-18', 'node-19']);
    const none = snapshotOf([[ovnControllerStatus, chassisSay(() => '@@no-ovn\n')]]);
    expect(factHits(none, 'ovn-controller-status/chassis-disconnected')).toEqual([]);
  });
});

describe('OVN probe signatures on a snapshot', () => {
  it('name the leaderless SB as the cause of the disconnected chassis and open one critical incident on it', async () => {
    const catalog = await builtinCatalog();
    const s = snapshotOf([
      [ovnDbStatus, controllersSay(() => dbs(LEADER, CANDIDATE))],
      [ovnControllerStatus, chassisSay(() => 'not connected\n')],
    ]);
    const status = explainSnapshot(s, catalog);
    const ovnFindings = status.findings.filter((f) => f.signature.startsWith('ovn-'));
    expect(ovnFindings.map((f) => `${f.signature} ${f.node}`).sort()).toEqual(
      [...CONTROLLERS.map((n) => `ovn-db-no-leader ${n}`), ...COMPUTES.map((n) => `ovn-chassis-disconnected ${n}`)].sort(),
    );
    expect(status.chain?.root.signature).toBe('ovn-db-no-leader');
    expect(status.nextSteps).toContain('/cluster node node-10');

    const problems = groupProblems(evidenceOf(status.findings), catalog.signatures);
    const decisions = planIncidents([], [], { at: s.takenAt, problems, unreachable: [] }, { resolveAfterMs: 600_000, reopenWithinMs: 3_600_000 });
    const opened = decisions.flatMap((d) => (d.kind === 'open' ? [d.problem] : []));
    expect(opened).toHaveLength(1);
    expect(opened[0]?.root.signature).toBe('ovn-db-no-leader');
    expect(opened[0]?.severity).toBe('critical');
    expect(opened[0]?.evidence.map((e) => e.signature)).toContain('ovn-chassis-disconnected');
  });

  it('open an incident on a chassis that lost the SB while the databases are fine', async () => {
    const catalog = await builtinCatalog();
    const s = snapshotOf([
      [ovnDbStatus, controllersSay(() => dbs(LEADER, FOLLOWER))],
      [ovnControllerStatus, chassisSay((n) => (n === 'node-20' ? 'not connected\n' : 'connected\n'))],
    ]);
    const status = explainSnapshot(s, catalog);
    expect(status.findings.map((f) => `${f.signature} ${f.node}`)).toEqual(['ovn-chassis-disconnected node-20']);
    const problems = groupProblems(evidenceOf(status.findings), catalog.signatures);
    const decisions = planIncidents([], [], { at: s.takenAt, problems, unreachable: [] }, { resolveAfterMs: 600_000, reopenWithinMs: 3_600_000 });
    expect(decisions.map((d) => (d.kind === 'open' ? `${d.problem.root.signature} ${d.problem.root.node} ${d.problem.severity}` : d.kind))).toEqual([
      'ovn-chassis-disconnected node-20 major',
    ]);
  });
});
