import { describe, expect, it } from 'vitest';
import { assessSnapshot } from '../../../../src/health/assess.js';
import { ovnControllerStatus } from '../../../../src/probes/ovn-controller-status.js';
import { ovnDbStatus } from '../../../../src/probes/ovn-db-status.js';
import { areaReport, fixtureText, snapshotOf, type Answer } from './fixture-snapshot.js';

const CONTROLLERS = ['node-10', 'node-11', 'node-12'];
const COMPUTES = ['node-18', 'node-19', 'node-20'];
const FOLLOWER = fixtureText('probes/ovn/sb_follower_3_servers_ovs_issues_177.txt');
const LEADER = fixtureText('probes/ovn/nb_leader_disconnections_kube_ovn_doc.txt');
const CANDIDATE = fixtureText('probes/ovn/sb_candidate_leader_unknown_ovs_issues_242.txt');

/** What the probe prints: one section per database, each the tool's own output. */
const dbs = (nb: string, sb: string): string => `@@ovn-db nb\n${nb}@@ovn-db sb\n${sb}`;
const controllersSay = (printed: (node: string) => string): Answer[] => CONTROLLERS.map((node) => ({ node, printed: printed(node) }));
const chassisSay = (printed: (node: string) => string): Answer[] => COMPUTES.map((node) => ({ node, printed: printed(node) }));

describe('the OVN area', () => {
  it('ticks raft databases with a leader and every chassis connected, saying where it looked', () => {
    const s = snapshotOf([
      [
        ovnDbStatus,
        controllersSay((n) =>
          dbs(n === 'node-10' ? LEADER : LEADER.replace('Role: leader', 'Role: follower').replace('Leader: self', 'Leader: 9182'), FOLLOWER),
        ),
      ],
      [ovnControllerStatus, chassisSay(() => 'connected\n')],
    ]);
    const r = areaReport(s, 'ovn');
    expect(r.status).toBe('ok');
    expect(r.note).toBe('NB leader node-10, 3 servers; SB leader server b8af, 3 servers; 3 of 3 chassis connected to SB');
    expect(r.coverage).toBe('checked on 3 of 3 controllers; checked on 3 of 3 nodes');
  });

  it('reads a database with no leader as critical (the real candidate of ovs-issues 242), and its lost peers', () => {
    const s = snapshotOf([
      [ovnDbStatus, controllersSay(() => dbs(LEADER, CANDIDATE))],
      [ovnControllerStatus, chassisSay(() => 'not connected\n')],
    ]);
    const r = areaReport(s, 'ovn');
    expect(r.status).toBe('problem');
    const critical = r.problems.filter((p) => p.severity === 'critical').map((p) => p.summary);
    expect(critical).toContain('OVN_Southbound has no leader (node-10 candidate, node-11 candidate, node-12 candidate; Leader: unknown)');
    expect(critical).toContain('ovn-controller on node-18 is not connected to the Southbound database');
    expect(r.problems.map((p) => p.summary)).toContain('OVN_Southbound on node-10 has no connection to 3 of 4 other servers (7e27, affb, f8be)');
    expect(assessSnapshot(s).verdict).toBe('CRITICAL');
  });

  it('names the server that is down and the chassis whose ovn-controller is not running', () => {
    const s = snapshotOf([
      [ovnDbStatus, controllersSay((n) => dbs(n === 'node-12' ? '@@container-stopped ovn_nb_db docker\n' : LEADER, FOLLOWER))],
      [ovnControllerStatus, chassisSay((n) => (n === 'node-19' ? '@@container-stopped ovn_controller docker\n' : 'connected\n'))],
    ]);
    const summaries = areaReport(s, 'ovn').problems.map((p) => `${p.severity}: ${p.summary}`);
    expect(summaries).toContain('critical: OVN_Northbound server down on node-12: docker container ovn_nb_db is not running');
    expect(summaries).toContain('critical: ovn-controller not running on node-19: docker container ovn_controller is not running');
  });

  it("judges TripleO's active/backup pair: one active, the backups replicating", () => {
    const backup = 'state: backup\nreplicating: tcp:172.17.1.50:6641\ndatabase: OVN_Northbound\n';
    const healthy = snapshotOf([
      [ovnDbStatus, controllersSay((n) => (n === 'node-10' ? dbs('state: active\n', 'state: active\n') : dbs(backup, backup)))],
      [ovnControllerStatus, chassisSay(() => 'connected\n')],
    ]);
    expect(areaReport(healthy, 'ovn')).toMatchObject({
      status: 'ok',
      note: 'NB active on node-10, 2 backups; SB active on node-10, 2 backups; 3 of 3 chassis connected to SB',
    });
    const none = snapshotOf([[ovnDbStatus, controllersSay(() => dbs(backup, 'state: backup\nnot connected to tcp:172.17.1.50:6642\n'))]]);
    const summaries = areaReport(none, 'ovn').problems.map((p) => `${p.severity}: ${p.summary}`);
    expect(summaries).toContain('critical: no active OVN_Northbound server (every one is a backup)');
    expect(summaries).toContain('critical: OVN_Southbound backup on node-11 is not connected (tcp:172.17.1.50:6642)');
  });

  it('says "not checked: no OVN" where every node says it runs none, which is no gap and never a tick', () => {
    const s = snapshotOf([
      [ovnDbStatus, controllersSay(() => dbs('@@no-ovn\n', '@@no-ovn\n'))],
      [ovnControllerStatus, chassisSay(() => '@@no-ovn\n')],
    ]);
    const r = areaReport(s, 'ovn');
    expect(r).toMatchObject({ status: 'unchecked', notUsed: true });
    expect(r.coverage).toBe('not checked: no OVN (no OVN database or ovn-controller on node-10, node-11, node-12, node-18, node-19, node-20)');
    expect(assessSnapshot(s).headline).not.toMatch(/OVN/);
  });

  it('does not call a cluster OVN-free when an answer could not be read', () => {
    const s = snapshotOf([
      [ovnDbStatus, controllersSay((n) => (n === 'node-11' ? 'Segmentation fault\n' : dbs('@@no-ovn\n', '@@no-ovn\n')))],
      [ovnControllerStatus, chassisSay(() => '@@no-ovn\n')],
    ]);
    const r = areaReport(s, 'ovn');
    expect(r.status).not.toBe('ok');
    expect(r.notUsed).toBeUndefined();
    expect(assessSnapshot(s).headline).toMatch(/OVN/);
  });
});
