import { describe, expect, it } from 'vitest';
import { cephStatus } from '../../../../src/probes/ceph-status.js';
import { areaReport, factHits, fixtureText, snapshotOf } from './fixture-snapshot.js';

const cephS = (file: string) => snapshotOf([[cephStatus, [{ node: 'node-10', stdout: `probes/ceph/${file}` }]]]);

describe('Ceph area (assessSnapshot on real ceph -s -f json)', () => {
  it('is ok on HEALTH_OK, counting the mons in quorum', () => {
    const s = cephS('ceph_s_json_quincy_healthy_rook_doc.json');
    const r = areaReport(s, 'ceph');
    expect(r.status).toBe('ok');
    expect(r.note).toBe('HEALTH_OK, 3 mons in quorum');
    expect(factHits(s, 'ceph-status/mons-out-of-quorum')).toEqual([]);
  });

  it('takes HEALTH_WARN for a cluster-wide warning with its checks', () => {
    const r = areaReport(cephS('ceph_s_json_hammer_health_warn_UNATTRIBUTED.json'), 'ceph');
    expect(r.problems).toEqual([{ area: 'ceph', severity: 'warning', nodes: [], summary: 'HEALTH_WARN: noscrub,nodeep-scrub flag(s) set' }]);
  });

  it('names mons out of quorum only where the verdict does', () => {
    for (const file of [
      'ceph_report_luminous_mon_down_health_excerpt.json',
      'ceph_s_json_hammer_health_warn_UNATTRIBUTED.json',
      'ceph_s_json_quincy_healthy_rook_doc.json',
    ]) {
      const s = cephS(file);
      const named = new Set(areaReport(s, 'ceph').problems.flatMap((p) => p.nodes));
      for (const hit of factHits(s, 'ceph-status/mons-out-of-quorum')) expect(named, file).toContain(hit.node);
    }
  });
});

describe('Ceph area: Octopus and later name no mons in ceph -s', () => {
  it('says the mon quorum was not checked rather than counting an empty quorum as healthy', () => {
    // The real Octopus document (monmap without mons), its health cleared and its mon count dropped.
    const doc = JSON.parse(fixtureText('probes/ceph/hotsos_octopus_ceph_status_json_pretty.json')) as Record<string, unknown>;
    const printed = JSON.stringify({ ...doc, health: { status: 'HEALTH_OK', checks: {}, mutes: [] }, monmap: { epoch: 1 } });
    const s = snapshotOf([[cephStatus, [{ node: 'node-10', printed }]]]);
    const r = areaReport(s, 'ceph');
    expect(r.note).toBe('HEALTH_OK, mon quorum not checked (ceph named no mons)');
    expect(r.note).not.toMatch(/mons in quorum/);
    expect(factHits(s, 'ceph-status/mons-out-of-quorum')).toEqual([]);
  });
});

describe('Ceph area: mon counts without names', () => {
  const octopus = (quorum: readonly string[]) => {
    const doc = JSON.parse(fixtureText('probes/ceph/hotsos_octopus_ceph_status_json_pretty.json')) as Record<string, unknown>;
    return snapshotOf([
      [cephStatus, [{ node: 'node-10', printed: JSON.stringify({ ...doc, health: { status: 'HEALTH_OK', checks: {} }, quorum_names: quorum }) }]],
    ]);
  };

  it('counts a full quorum from num_mons and quorum_names', () => {
    const r = areaReport(octopus(['juju-04f1e3-0-lxd-0', 'juju-04f1e3-1-lxd-0', 'juju-04f1e3-2-lxd-0']), 'ceph');
    expect(r.status).toBe('ok');
    expect(r.note).toBe('HEALTH_OK, 3 mons in quorum');
  });

  it('flags a short quorum even when nobody is named', () => {
    const r = areaReport(octopus(['juju-04f1e3-0-lxd-0', 'juju-04f1e3-1-lxd-0']), 'ceph');
    expect(r.problems.map((p) => p.summary)).toEqual(['2 of 3 mons in quorum (ceph named no others)']);
  });
});
