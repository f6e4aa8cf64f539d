import { describe, expect, it } from 'vitest';
import { cephStatus } from '../../../src/probes/ceph-status.js';
import type { ProbeOutput } from '../../../src/probes/types.js';
import { fixture, recordedOutput, stdoutOf } from './fixtures.js';
import { cephReading, type CephReading } from './readings.js';

/**
 * The ceph outputs in test/fixtures/probes/ceph/ (Hammer to Pacific/Quincy; sources in SOURCES.md
 * and ceph/SOURCE.md), each with what an operator reads in it. Written by reading each file.
 */
const cases: readonly (readonly [name: string, output: ProbeOutput, reading: CephReading])[] = [
  [
    'ceph_s_json_hammer_health_warn_UNATTRIBUTED.json',
    stdoutOf('ceph/ceph_s_json_hammer_health_warn_UNATTRIBUTED.json'),
    {
      health: 'HEALTH_WARN',
      codes: ['noscrub,nodeep-scrub flag(s) set'],
      monsTotal: 3,
      quorum: ['ceph-mon-180', 'ceph-mon-181', 'ceph-mon-182'],
      outOfQuorum: [],
      mons: ['ceph-mon-180', 'ceph-mon-181', 'ceph-mon-182'],
    },
  ],
  [
    'ceph_s_json_jewel_rook_status_test.json',
    stdoutOf('ceph/ceph_s_json_jewel_rook_status_test.json'),
    { health: 'HEALTH_WARN', codes: ['too many PGs per OSD (2048 > max 300)'], monsTotal: 1, quorum: ['mon0'], outOfQuorum: [], mons: ['mon0'] },
  ],
  [
    'ceph_report_luminous_mon_down_health_excerpt.json',
    stdoutOf('ceph/ceph_report_luminous_mon_down_health_excerpt.json'),
    { health: 'HEALTH_WARN', codes: ['POOL_APP_NOT_ENABLED', 'MON_DOWN'], monsTotal: undefined, quorum: [], outOfQuorum: [], mons: undefined },
  ],
  [
    'hotsos_octopus_ceph_status_json_pretty.json (ceph -s alone: a count, no names)',
    stdoutOf('ceph/hotsos_octopus_ceph_status_json_pretty.json'),
    {
      health: 'HEALTH_WARN',
      codes: ['AUTH_INSECURE_GLOBAL_ID_RECLAIM_ALLOWED'],
      monsTotal: 3,
      quorum: ['juju-04f1e3-0-lxd-0', 'juju-04f1e3-1-lxd-0', 'juju-04f1e3-2-lxd-0'],
      outOfQuorum: [],
      mons: undefined,
    },
  ],
  [
    'ceph_s_json_quincy_healthy_rook_doc.json',
    stdoutOf('ceph/ceph_s_json_quincy_healthy_rook_doc.json'),
    { health: 'HEALTH_OK', codes: [], monsTotal: 3, quorum: ['a', 'b', 'c'], outOfQuorum: [], mons: undefined },
  ],
  [
    'pacific_ceph_s_json_node-10_down (the old probe command: MON_DOWN, but nobody named)',
    recordedOutput('ceph/pacific_ceph_s_json_node-10_down'),
    {
      health: 'HEALTH_WARN',
      codes: ['AUTH_INSECURE_GLOBAL_ID_RECLAIM_ALLOWED', 'MON_DOWN'],
      monsTotal: 3,
      quorum: ['node-11', 'node-12'],
      outOfQuorum: [],
      mons: undefined,
    },
  ],
  [
    'pacific_ceph_s_json_healthy',
    recordedOutput('ceph/pacific_ceph_s_json_healthy'),
    {
      health: 'HEALTH_WARN',
      codes: ['AUTH_INSECURE_GLOBAL_ID_RECLAIM_ALLOWED'],
      monsTotal: 3,
      quorum: ['node-10', 'node-11', 'node-12'],
      outOfQuorum: [],
      mons: undefined,
    },
  ],
  [
    'pacific_probe_healthy',
    recordedOutput('ceph/pacific_probe_healthy'),
    {
      health: 'HEALTH_WARN',
      codes: ['AUTH_INSECURE_GLOBAL_ID_RECLAIM_ALLOWED'],
      monsTotal: 3,
      quorum: ['node-10', 'node-11', 'node-12'],
      outOfQuorum: [],
      mons: ['node-10', 'node-11', 'node-12'],
    },
  ],
  [
    'pacific_probe_node-10_down',
    recordedOutput('ceph/pacific_probe_node-10_down'),
    {
      health: 'HEALTH_WARN',
      codes: ['AUTH_INSECURE_GLOBAL_ID_RECLAIM_ALLOWED', 'MON_DOWN'],
      monsTotal: 3,
      quorum: ['node-11', 'node-12'],
      outOfQuorum: ['node-10'],
      mons: ['node-10', 'node-11', 'node-12'],
    },
  ],
  ['pacific_probe_no_quorum', recordedOutput('ceph/pacific_probe_no_quorum'), { unreachable: true }],
];

/** Two real outputs of one cluster put in the probe's framing (marker line with the exit code after each). */
function framed(status: string, quorumStatus: string | undefined, quorumExit = 0): ProbeOutput {
  const q = quorumStatus === undefined ? '' : `${quorumStatus}\n@@quorum_status exit ${quorumExit}\n`;
  return { stdout: `${status}\n@@ceph-s exit 0\n${q}`, stderr: '', exitCode: 0 };
}

describe('ceph-status on real ceph outputs', () => {
  it.each(cases)('reads %s', (_name, output, reading) => {
    expect(cephReading(cephStatus.parse(output))).toEqual(reading);
  });

  it('names the Octopus monitors from quorum_status when ceph -s lists none (hotsos sosreport pair)', () => {
    const output = framed(fixture('ceph/hotsos_octopus_ceph_status_json_pretty.json'), fixture('ceph/hotsos_octopus_ceph_quorum_status.json'));
    expect(cephReading(cephStatus.parse(output))).toMatchObject({
      monsTotal: 3,
      outOfQuorum: [],
      mons: ['juju-04f1e3-0-lxd-0', 'juju-04f1e3-1-lxd-0', 'juju-04f1e3-2-lxd-0'],
    });
  });

  it.each([
    ['failed', 'Error EACCES: access denied', 13],
    ['printed no JSON', '', 0],
    ['printed broken JSON', '{"quorum_names": [', 0],
  ])('falls back to what ceph -s says when quorum_status %s', (_name, quorum, exit) => {
    const output = framed(fixture('ceph/hotsos_octopus_ceph_status_json_pretty.json'), quorum, exit);
    expect(cephReading(cephStatus.parse(output))).toMatchObject({ monsTotal: 3, outOfQuorum: [], mons: undefined });
  });

  it('reads an output of the probe before quorum_status was added (no marker lines) as ceph -s alone', () => {
    expect(cephReading(cephStatus.parse(stdoutOf('ceph/ceph_s_json_quincy_healthy_rook_doc.json')))).toMatchObject({ health: 'HEALTH_OK' });
  });
});
