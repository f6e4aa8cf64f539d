import { describe, expect, it } from 'vitest';
import { cephStatus } from '../../../../src/probes/ceph-status.js';
import { areaReport, factHits, snapshotOf } from './fixture-snapshot.js';

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
