import { cephStatus, type CephReachable } from '../../probes/ceph-status.js';
import { tailLines } from '../../ssh/exit-codes.js';
import { defineArea, type AreaProblem } from '../area.js';
import type { ClusterSnapshot } from '../snapshot.js';

/** The cluster's answer to `ceph -s`, when ceph answered at all. */
function runningView(s: ClusterSnapshot): CephReachable | undefined {
  const v = s.clusterValue(cephStatus)?.value;
  return v && v.running ? v : undefined;
}

/** Ceph: the monitors' quorum and the cluster's health checks. */
export default defineArea({
  id: 'ceph',
  title: 'Ceph',
  reportOrder: 40,
  causeOrder: 50,
  probes: [cephStatus],
  assess(s) {
    const problems: AreaProblem[] = [];
    const view = s.clusterValue(cephStatus);
    if (view && !view.value.running) problems.push({ severity: 'critical', nodes: [], summary: `ceph does not answer: ${tailLines(view.value.message, 1)}` });
    const v = runningView(s);
    if (!v) return { problems, okNote: '' };
    if (v.outOfQuorum.length)
      problems.push({
        severity: 'critical',
        nodes: [...v.outOfQuorum],
        summary: `mon${v.outOfQuorum.length > 1 ? 's' : ''} out of quorum: ${v.outOfQuorum.join(', ')}`,
      });
    // MON_DOWN only repeats what the quorum line already says.
    const checks = v.checks.filter((c) => c.code !== 'MON_DOWN' || v.outOfQuorum.length === 0).map((c) => c.summary);
    if (v.health !== 'HEALTH_OK' && (checks.length > 0 || v.outOfQuorum.length === 0)) {
      problems.push({
        severity: v.health === 'HEALTH_ERR' ? 'critical' : 'warning',
        nodes: [],
        summary: `${v.health}${checks.length ? `: ${checks.slice(0, 3).join('; ')}` : ''}`,
      });
    }
    // Without mon names (Octopus+ `ceph -s` and no readable `quorum_status`) nobody can be out of
    // quorum as far as we know: say so rather than count an empty quorum as healthy.
    // Counts alone still tell a full quorum from a short one, without naming who is missing.
    const total = v.monsTotal;
    if (v.mons === undefined && total !== undefined && v.quorum.length < total)
      problems.push({ severity: 'critical', nodes: [], summary: `${v.quorum.length} of ${total} mons in quorum (ceph named no others)` });
    const counted = v.mons !== undefined || (total !== undefined && v.quorum.length === total && total > 0);
    const quorumNote = counted ? `${v.quorum.length} mons in quorum` : 'mon quorum not checked (ceph named no mons)';
    return { problems, okNote: `${v.health}, ${quorumNote}` };
  },
  facts: {
    'ceph-status/mons-out-of-quorum': (s) => (runningView(s)?.outOfQuorum ?? []).map((mon) => ({ node: mon, time: s.takenAt.toISOString(), fields: { mon } })),
  },
});
