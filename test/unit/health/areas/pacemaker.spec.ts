import { describe, expect, it } from 'vitest';
import { pacemakerStatus } from '../../../../src/probes/pacemaker-status.js';
import { areaReport, factHits, snapshotOf, type Answer } from './fixture-snapshot.js';

const crmMon = (...answers: Answer[]) => snapshotOf([[pacemakerStatus, answers]]);

describe('pacemaker area (assessSnapshot on real crm_mon output)', () => {
  it('is ok on a healthy cluster, naming what it saw and from where', () => {
    const s = crmMon({ node: 'node-10', stdout: 'probes/pacemaker/crm_mon_healthy.xml' });
    const r = areaReport(s, 'pacemaker');
    expect(r.status).toBe('ok');
    expect(r.title).toBe('Pacemaker');
    expect(r.note).toBe('3 nodes online, 30 resources started (seen from node-10)');
    expect(factHits(s, 'pacemaker-status/resources-stopped')).toEqual([]);
  });

  it('names node-10 OFFLINE and the clone instances stopped there, and the fact points at node-10', () => {
    const s = crmMon({ node: 'node-11', stdout: 'probes/pacemaker/crm_mon_node-10-offline.xml' });
    const r = areaReport(s, 'pacemaker');
    expect(r.status).toBe('problem');
    expect(r.problems.map((p) => [p.severity, p.nodes, p.summary.split(':')[0]])).toEqual([
      ['critical', ['node-10'], 'node-10 is OFFLINE in pacemaker'],
      ['critical', ['node-10'], '9 resources stopped on node-10'],
    ]);
    expect(r.problems[1]?.summary).toContain('rabbitmq-clone');
    expect(factHits(s, 'pacemaker-status/resources-stopped').map((h) => h.node)).toEqual(['node-10']);
  });

  it('takes a standby node for a warning, its stopped resources still critical', () => {
    const r = areaReport(crmMon({ node: 'node-11', stdout: 'probes/pacemaker/crm_mon_node-10-standby.xml' }), 'pacemaker');
    expect(r.problems.map((p) => p.severity)).toEqual(['warning', 'critical']);
    expect(r.problems[0]?.summary).toBe('node-10 is STANDBY in pacemaker');
  });

  it('lists failed monitor actions as warnings on their nodes', () => {
    const r = areaReport(crmMon({ node: 'node-10', stdout: 'probes/pacemaker/crm_mon_failed-monitor.xml' }), 'pacemaker');
    expect(r.problems.map((p) => [p.severity, p.nodes[0], p.summary])).toEqual([
      ['warning', 'node-11', 'failed action rabbitmq monitor on node-11: Simulated action result'],
      ['warning', 'node-12', 'failed action galera monitor on node-12: Simulated action result'],
    ]);
  });

  it("says pacemaker is not running where crm_mon cannot reach the CIB, and takes the cluster's view from the next controller", () => {
    const s = crmMon(
      { node: 'node-10', stdout: 'probes/pacemaker/crm_mon_no_cib.xml' },
      { node: 'node-11', stdout: 'probes/pacemaker/crm_mon_node-10-offline.xml' },
    );
    const r = areaReport(s, 'pacemaker');
    expect(r.problems[0]).toEqual({
      area: 'pacemaker',
      severity: 'critical',
      nodes: ['node-10'],
      summary: 'pacemaker not running on node-10: Could not connect to the CIB: No such device or address',
    });
    // node-10 is named once by the fact: not running there explains its stopped resources.
    expect(factHits(s, 'pacemaker-status/resources-stopped').map((h) => [h.node, h.text])).toEqual([['node-10', 'pacemaker not running']]);
  });

  it('fires its fact only on nodes the verdict names', () => {
    for (const file of ['crm_mon_node-10-offline.txt', 'crm_mon_node-10-standby.txt', 'crm_mon_failed-monitor.txt', 'crm_mon_healthy.txt']) {
      const s = crmMon({ node: 'node-11', stdout: `probes/pacemaker/${file}` });
      const named = new Set(areaReport(s, 'pacemaker').problems.flatMap((p) => p.nodes));
      for (const hit of factHits(s, 'pacemaker-status/resources-stopped')) expect(named, file).toContain(hit.node);
    }
  });
});
