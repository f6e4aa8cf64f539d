import { neutronAgents } from '../../probes/neutron-agents.js';
import { defineArea, listNodes, type AreaProblem } from '../area.js';
import type { ClusterSnapshot } from '../snapshot.js';

/** Agent types not alive though administratively up, by host. */
function deadAgentsByHost(s: ClusterSnapshot): Map<string, string[]> {
  const byHost = new Map<string, string[]>();
  for (const a of s.clusterValue(neutronAgents)?.value.agents ?? []) {
    if (!a.alive && a.adminStateUp) byHost.set(a.host, [...(byHost.get(a.host) ?? []), a.agentType]);
  }
  return byHost;
}

/** Neutron: every agent that should be alive is (`openstack network agent list`). */
export default defineArea({
  id: 'neutron',
  title: 'Neutron',
  reportOrder: 60,
  causeOrder: 90,
  probes: [neutronAgents],
  assess(s) {
    const view = s.clusterValue(neutronAgents);
    if (!view) return { problems: [], okNote: '' };
    const problems: AreaProblem[] = [...deadAgentsByHost(s)].map(([host, types]) => ({
      severity: 'critical' as const,
      nodes: [host],
      summary: `${types.length} agent${types.length === 1 ? '' : 's'} DOWN on ${host}: ${types.join(', ')}`,
    }));
    // Agents whose liveness could not be read are neither alive nor dead: named, never a ✔.
    const unknown = view.value.unknownAgents ?? [];
    if (unknown.length) {
      const hosts = [...new Set(unknown.map((u) => u.host))];
      problems.push({
        severity: 'warning',
        nodes: hosts,
        summary: `${unknown.length} agent${unknown.length === 1 ? '' : 's'} in unknown state on ${listNodes(hosts)}: ${unknown
          .map((u) => u.agentType || u.binary)
          .slice(0, 4)
          .join(', ')}`,
      });
    }
    return { problems, okNote: `${view.value.agents.length} agents alive` };
  },
  facts: {
    'neutron-agents/agents-down': (s) =>
      [...deadAgentsByHost(s)].map(([node, types]) => ({ node, time: s.takenAt.toISOString(), fields: { agents: types.join(', ') } })),
  },
});
