import { describe, expect, it } from 'vitest';
import { neutronAgents } from '../../../src/probes/neutron-agents.js';
import { novaServices } from '../../../src/probes/nova-services.js';
import { fixture, okValue, stdoutOf } from './fixtures.js';

describe('nova-services', () => {
  it('runs the openstack CLI with credentials, once per cluster', () => {
    expect(novaServices.command.script.text).toBe('openstack compute service list -f json');
    expect(novaServices.command.openrc).toBe(true);
    expect(novaServices.scope).toBe('cluster');
  });

  it.each([
    ['osc6_compute_service_list_seed-incident.json', 'json'],
    ['osc6_compute_service_list_seed-incident.txt', 'table'],
  ] as const)('reads the seed incident: every nova-compute down (%s)', (path, format) => {
    const v = okValue(novaServices.parse(stdoutOf(`openstack-cli/${path}`)));
    expect(v.format).toBe(format);
    const computes = v.services.filter((s) => s.binary === 'nova-compute');
    expect(computes.map((s) => [s.host, s.state, s.status])).toEqual([
      ['node-13', 'down', 'enabled'],
      ['node-14', 'down', 'enabled'],
      ['node-15', 'down', 'disabled'],
    ]);
    expect(v.services[0]).toEqual({
      id: '1',
      binary: 'nova-scheduler',
      host: 'node-10',
      zone: 'internal',
      status: 'enabled',
      state: 'down',
      updatedAt: '2017-02-14T05:49:58.000000',
    });
  });

  it('reads a healthy cloud', () => {
    const v = okValue(novaServices.parse(stdoutOf('openstack-cli/osc6_compute_service_list_healthy.json')));
    expect(v.services.every((s) => s.state === 'up')).toBe(true);
    expect(v.services).toHaveLength(9);
  });

  it.each([
    ['openstack_compute_service_list_nova_doc.txt', 3, []],
    ['openstack_compute_service_list_one_down_UNATTRIBUTED.txt', 2, ['compute1']],
  ])('reads tables pasted from docs and forums (%s)', (path, count, down) => {
    const v = okValue(novaServices.parse(stdoutOf(`openstack-cli/${path}`)));
    expect(v.services).toHaveLength(count);
    expect(v.services.filter((s) => s.state === 'down').map((s) => s.host)).toEqual(down);
  });

  it('gives unknown with the CLI error when Keystone is unreachable', () => {
    const stderr = fixture('openstack-cli/osc6_keystone_unreachable.stderr');
    const r = novaServices.parse({ stdout: '', stderr, exitCode: 1 });
    expect(r).toMatchObject({ kind: 'unknown', raw: stderr });
    if (r.kind === 'unknown') expect(r.reason).toContain('Failed to discover available identity versions');
  });

  it.each([
    ['empty output', ''],
    ['garbage', 'Traceback (most recent call last):\n'],
    ['rows without state', '[{"ID": 1, "Binary": "nova-compute", "Host": "node-13"}]'],
  ])('gives unknown with the raw text kept for %s', (_name, stdout) => {
    expect(novaServices.parse({ stdout, stderr: '', exitCode: 0 })).toMatchObject({ kind: 'unknown', raw: stdout });
  });
});

describe('neutron-agents', () => {
  it('runs the openstack CLI with credentials', () => {
    expect(neutronAgents.command.script.text).toBe('openstack network agent list -f json');
    expect(neutronAgents.command.openrc).toBe(true);
  });

  it.each([
    ['osc6_network_agent_list_seed-incident.json', 'json'],
    ['osc6_network_agent_list_seed-incident.txt', 'table'],
  ] as const)('reads the seed incident: every controller agent dead (%s)', (path, format) => {
    const v = okValue(neutronAgents.parse(stdoutOf(`openstack-cli/${path}`)));
    expect(v.format).toBe(format);
    const dead = new Set(v.agents.filter((a) => !a.alive).map((a) => a.host));
    expect([...dead]).toEqual(['node-10', 'node-11', 'node-12']);
    expect(v.agents.find((a) => a.host === 'node-13')).toMatchObject({ alive: true, binary: 'neutron-openvswitch-agent' });
    expect(v.agents[0]).toEqual({
      id: '6228c813-8488-4683-8bc4-000000000001',
      agentType: 'L3 agent',
      host: 'node-10',
      alive: false,
      adminStateUp: true,
      binary: 'neutron-l3-agent',
    });
  });

  it('reads a healthy cloud', () => {
    const v = okValue(neutronAgents.parse(stdoutOf('openstack-cli/osc6_network_agent_list_healthy.json')));
    expect(v.agents.every((a) => a.alive && a.adminStateUp)).toBe(true);
  });

  it('reads "Alive": ":-)" in JSON from older clients', () => {
    const stdout = JSON.stringify([
      { ID: 'a1', 'Agent Type': 'L3 agent', Host: 'node-10', Alive: ':-)', State: 'UP', Binary: 'neutron-l3-agent' },
      { ID: 'a2', 'Agent Type': 'DHCP agent', Host: 'node-10', Alive: 'XXX', State: 'UP', Binary: 'neutron-dhcp-agent' },
    ]);
    const v = okValue(neutronAgents.parse({ stdout, stderr: '', exitCode: 0 }));
    expect(v.agents.map((a) => a.alive)).toEqual([true, false]);
  });

  it('reads the legacy neutron agent-list table with a dead (xxx) agent', () => {
    const v = okValue(neutronAgents.parse(stdoutOf('openstack-cli/neutron_agent_list_legacy_xxx_UNATTRIBUTED.txt')));
    expect(v.agents.filter((a) => !a.alive).map((a) => a.agentType)).toEqual(['Open vSwitch agent']);
    expect(v.agents).toHaveLength(5);
  });

  it('reads the openstack table from the neutron install guide', () => {
    const v = okValue(neutronAgents.parse(stdoutOf('openstack-cli/openstack_network_agent_list_neutron_doc.txt')));
    expect(v.agents.every((a) => a.alive)).toBe(true);
    expect(v.agents.map((a) => a.host)).toContain('compute1');
  });

  it.each([
    ['empty output', ''],
    ['garbage', 'Unknown command: network agent list\n'],
    ['rows without alive', '[{"ID": "a", "Host": "node-10", "State": true}]'],
  ])('gives unknown with the raw text kept for %s', (_name, stdout) => {
    expect(neutronAgents.parse({ stdout, stderr: '', exitCode: 0 })).toMatchObject({ kind: 'unknown', raw: stdout });
  });
});
