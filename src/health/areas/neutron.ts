import { neutronAgents } from '../../probes/neutron-agents.js';
import { defineArea } from '../area.js';
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
    const problems = [...deadAgentsByHost(s)].map(([host, types]) => ({
      severity: 'critical' as const,
      nodes: [host],
      summary: `${types.length} agent${types.length === 1 ? '' : 's'} DOWN on ${host}: ${types.join(', ')}`,
    }));
    return { problems, okNote: `${view.value.agents.length} agents alive` };
  },
  facts: {
    'neutron-agents/agents-down': (s) =>
      [...deadAgentsByHost(s)].map(([node, types]) => ({ node, time: s.takenAt.toISOString(), fields: { agents: types.join(', ') } })),
  },
});
