import { describe, expect, it } from 'vitest';
import { cephStatus } from '../../../src/probes/ceph-status.js';
import { okValue, stdoutOf } from './fixtures.js';

describe('ceph-status', () => {
  it('bounds ceph -s with a 20 s timeout, then asks quorum_status for the mon names, each output followed by its exit code', () => {
    const script = cephStatus.command.script.text;
    // The host's ceph is the last branch: TripleO's mon containers and cephadm come first (test/unit/deployment/ceph-tripleo.spec.ts).
    expect(script).toMatch(/; else timeout 20 ceph -s -f json;/);
    expect(script).toContain('echo "@@ceph-s exit $rc"');
    expect(script).toContain('if [ $rc -eq 0 ]; then timeout 8 ceph quorum_status -f json;');
    expect(script).toContain('echo "@@quorum_status exit $rc"');
    expect(cephStatus.scope).toBe('cluster');
    expect(cephStatus.timeoutMs).toBeGreaterThan(28_000);
  });

  it('reads a healthy Quincy cluster (monmap gives only num_mons)', () => {
    expect(okValue(cephStatus.parse(stdoutOf('ceph/ceph_s_json_quincy_healthy_rook_doc.json')))).toEqual({
      running: true,
      health: 'HEALTH_OK',
      checks: [],
      monsTotal: 3,
      quorum: ['a', 'b', 'c'],
      outOfQuorum: [],
    });
  });

  it('reads a pre-Luminous HEALTH_WARN with its summary and the named monitors', () => {
    expect(okValue(cephStatus.parse(stdoutOf('ceph/ceph_s_json_hammer_health_warn_UNATTRIBUTED.json')))).toEqual({
      running: true,
      health: 'HEALTH_WARN',
      checks: [{ code: undefined, severity: 'HEALTH_WARN', summary: 'noscrub,nodeep-scrub flag(s) set' }],
      monsTotal: 3,
      quorum: ['ceph-mon-180', 'ceph-mon-181', 'ceph-mon-182'],
      outOfQuorum: [],
      mons: ['ceph-mon-180', 'ceph-mon-181', 'ceph-mon-182'],
    });
  });

  it('prefers Luminous checks (with codes) over the compat summary', () => {
    const v = okValue(cephStatus.parse(stdoutOf('ceph/ceph_report_luminous_mon_down_health_excerpt.json')));
    expect(v).toMatchObject({ running: true, health: 'HEALTH_WARN' });
    if (v.running) {
      expect(v.checks).toEqual([
        { code: 'POOL_APP_NOT_ENABLED', severity: 'HEALTH_WARN', summary: 'application not enabled on 1 pool(s)' },
        { code: 'MON_DOWN', severity: 'HEALTH_WARN', summary: '1/3 mons down, quorum ceph2,ceph_1' },
      ]);
    }
  });

  it('names monitors out of quorum when the monmap lists them', () => {
    const stdout = JSON.stringify({
      health: { status: 'HEALTH_WARN', checks: {} },
      quorum_names: ['node-11', 'node-12'],
      monmap: { mons: [{ name: 'node-10' }, { name: 'node-11' }, { name: 'node-12' }] },
    });
    expect(okValue(cephStatus.parse({ stdout, stderr: '', exitCode: 0 }))).toMatchObject({
      monsTotal: 3,
      outOfQuorum: ['node-10'],
    });
  });

  it('reports no monitor quorum when ceph -s times out', () => {
    expect(okValue(cephStatus.parse({ stdout: '', stderr: '', exitCode: 124 }))).toMatchObject({ running: false });
  });

  it('reports a connection failure as unreachable', () => {
    const stderr = '[errno 110] RADOS timed out (error connecting to the cluster)\n';
    expect(okValue(cephStatus.parse({ stdout: '', stderr, exitCode: 1 }))).toEqual({
      running: false,
      message: '[errno 110] RADOS timed out (error connecting to the cluster)',
    });
  });

  it.each([
    ['empty output', ''],
    ['truncated JSON', '{"health": {"status": "HEALTH_OK"'],
    ['JSON without health', '{"fsid": "x"}'],
    ['command not found', 'sh: 1: ceph: not found'],
  ])('gives unknown with the raw text kept for %s', (_name, stdout) => {
    expect(cephStatus.parse({ stdout, stderr: '', exitCode: 0 })).toMatchObject({ kind: 'unknown', raw: stdout });
  });
});
