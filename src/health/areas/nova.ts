import { novaServices, type NovaService } from '../../probes/nova-services.js';
import { defineArea, listNodes, type AreaProblem } from '../area.js';
import type { ClusterSnapshot } from '../snapshot.js';

/** Services nova reports down that nobody disabled on purpose. */
function downAndEnabled(s: ClusterSnapshot): NovaService[] {
  return (s.clusterValue(novaServices)?.value.services ?? []).filter((x) => x.state === 'down' && x.status === 'enabled');
}

/** Nova: every enabled service reporting in (`openstack compute service list`). */
export default defineArea({
  id: 'nova',
  title: 'Nova',
  reportOrder: 50,
  causeOrder: 80,
  probes: [novaServices],
  assess(s) {
    const view = s.clusterValue(novaServices);
    if (!view) return { problems: [], okNote: '' };
    const byBinary = new Map<string, string[]>();
    for (const d of downAndEnabled(s)) byBinary.set(d.binary, [...(byBinary.get(d.binary) ?? []), d.host]);
    const problems: AreaProblem[] = [...byBinary].map(([binary, hosts]) => ({
      severity: 'critical' as const,
      nodes: hosts,
      summary: `${binary} DOWN on ${listNodes(hosts)}`,
    }));
    // A down cell's services are neither up nor down: a warning that names them, never a ✔.
    const unknown = view.value.unknownServices ?? [];
    if (unknown.length) {
      const hosts = [...new Set(unknown.map((u) => u.host))];
      problems.push({
        severity: 'warning',
        nodes: hosts,
        summary: `${unknown.length} service${unknown.length === 1 ? '' : 's'} in state UNKNOWN (cell unreachable) on ${listNodes(hosts)}`,
      });
    }
    return { problems, okNote: `${view.value.services.length} services up` };
  },
  facts: {
    'nova-services/compute-down': (s) =>
      downAndEnabled(s)
        .filter((x) => x.binary === 'nova-compute')
        .map((x) => ({ node: x.host, time: s.takenAt.toISOString(), fields: { binary: x.binary } })),
  },
});
