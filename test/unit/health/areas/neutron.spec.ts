import { describe, expect, it } from 'vitest';
import { neutronAgents } from '../../../../src/probes/neutron-agents.js';
import { areaReport, factHits, fixtureText, snapshotOf } from './fixture-snapshot.js';

const listing = (file: string) => snapshotOf([[neutronAgents, [{ node: 'node-10', stdout: `probes/openstack-cli/${file}` }]]]);

describe('Neutron area (assessSnapshot on real openstack network agent list)', () => {
  it('is ok when every agent is alive', () => {
    const r = areaReport(listing('osc6_network_agent_list_healthy.json'), 'neutron');
    expect(r.status).toBe('ok');
    expect(r.note).toBe('13 agents alive');
  });

  it('names dead agents per host, and the agents-down fact names the same hosts with the same agents', () => {
    const s = listing('osc6_network_agent_list_seed-incident.json');
    const r = areaReport(s, 'neutron');
    expect(r.problems.map((p) => p.nodes[0])).toEqual(['node-10', 'node-11', 'node-12']);
    expect(r.problems[0]?.summary).toBe('4 agents DOWN on node-10: L3 agent, DHCP agent, Metadata agent, Open vSwitch agent');
    const hits = factHits(s, 'neutron-agents/agents-down');
    expect(hits.map((h) => [h.node, h.fields.agents])).toEqual(r.problems.map((p) => [p.nodes[0], p.summary.split(': ')[1]]));
  });

  it("reads the legacy client's xxx as dead", () => {
    const r = areaReport(listing('neutron_agent_list_legacy_xxx_UNATTRIBUTED.txt'), 'neutron');
    expect(r.problems.map((p) => p.summary)).toEqual(['1 agent DOWN on controller: Open vSwitch agent']);
  });

  it('leaves an agent set administratively down out of both the verdict and the fact', () => {
    // The same real listing after `openstack network agent set --disable` on the dead agent.
    const text = fixtureText('probes/openstack-cli/neutron_agent_list_legacy_xxx_UNATTRIBUTED.txt').replace('| xxx   | True ', '| xxx   | False');
    const s = snapshotOf([[neutronAgents, [{ node: 'node-10', printed: text }]]]);
    expect(areaReport(s, 'neutron').status).toBe('ok');
    expect(factHits(s, 'neutron-agents/agents-down')).toEqual([]);
  });
});

describe('Neutron area: agents whose liveness cannot be read', () => {
  it('reports them as unknown, never alive and never dead', () => {
    const rows = [
      { ID: 'a1', 'Agent Type': 'Open vSwitch agent', Host: 'node-10', Alive: true, State: true, Binary: 'neutron-openvswitch-agent' },
      { ID: 'a2', 'Agent Type': 'L3 agent', Host: 'node-11', Alive: null, State: true, Binary: 'neutron-l3-agent' },
    ];
    const s = snapshotOf([[neutronAgents, [{ node: 'node-10', printed: JSON.stringify(rows) }]]]);
    const r = areaReport(s, 'neutron');
    expect(r.status).toBe('problem');
    expect(r.problems).toEqual([{ area: 'neutron', severity: 'warning', nodes: ['node-11'], summary: '1 agent in unknown state on node-11: L3 agent' }]);
    expect(factHits(s, 'neutron-agents/agents-down')).toEqual([]);
  });
});
