import { describe, expect, it } from 'vitest';
import { neutronAgents } from '../../../src/probes/neutron-agents.js';
import { novaServices } from '../../../src/probes/nova-services.js';
import { stdoutOf } from './fixtures.js';
import { neutronReading, novaReading, type NeutronReading, type NovaReading } from './readings.js';

/**
 * Every `openstack compute service list` / `network agent list` output in
 * test/fixtures/probes/openstack-cli/ (tables and -f json; sources in SOURCES.md and
 * openstack-cli/SOURCE.md), each with what an operator reads in it. Written by reading each file.
 */
const novaCases: readonly (readonly [file: string, reading: NovaReading])[] = [
  [
    'nova_doc_down_cell_compute_service_list_v2.1.txt',
    { services: ['nova-scheduler@train=up/enabled', 'nova-consoleauth@train=up/enabled', 'nova-conductor@train=up/enabled'], unknownRows: [] },
  ],
  [
    'nova_doc_down_cell_compute_service_list_v2.69.txt',
    {
      services: ['nova-scheduler@train=up/enabled', 'nova-consoleauth@train=up/enabled', 'nova-conductor@train=up/enabled'],
      unknownRows: ['nova-compute@train'],
    },
  ],
  [
    'openstack_compute_service_list_nova_doc.txt',
    { services: ['nova-scheduler@controller=up/enabled', 'nova-conductor@controller=up/enabled', 'nova-compute@compute1=up/enabled'], unknownRows: [] },
  ],
  [
    'openstack_compute_service_list_one_down_UNATTRIBUTED.txt',
    { services: ['nova-compute@compute1=down/enabled', 'nova-compute@compute2=up/enabled'], unknownRows: [] },
  ],
  [
    'osc6_compute_service_list_down-cell.json',
    {
      services: [
        'nova-scheduler@node-10=up/enabled',
        'nova-conductor@node-10=up/enabled',
        'nova-scheduler@node-11=up/enabled',
        'nova-conductor@node-11=up/enabled',
        'nova-scheduler@node-12=up/enabled',
        'nova-conductor@node-12=up/enabled',
      ],
      unknownRows: ['nova-compute@node-13', 'nova-compute@node-14', 'nova-compute@node-15'],
    },
  ],
  [
    'osc6_compute_service_list_down-cell_v2.69.json',
    {
      services: [
        'nova-scheduler@node-10=up/enabled',
        'nova-conductor@node-10=up/enabled',
        'nova-scheduler@node-11=up/enabled',
        'nova-conductor@node-11=up/enabled',
        'nova-scheduler@node-12=up/enabled',
        'nova-conductor@node-12=up/enabled',
      ],
      unknownRows: ['nova-compute@node-13', 'nova-compute@node-14', 'nova-compute@node-15'],
    },
  ],
  [
    'osc6_compute_service_list_down-cell_v2.69.txt',
    {
      services: [
        'nova-scheduler@node-10=up/enabled',
        'nova-conductor@node-10=up/enabled',
        'nova-scheduler@node-11=up/enabled',
        'nova-conductor@node-11=up/enabled',
        'nova-scheduler@node-12=up/enabled',
        'nova-conductor@node-12=up/enabled',
      ],
      unknownRows: ['nova-compute@node-13', 'nova-compute@node-14', 'nova-compute@node-15'],
    },
  ],
  [
    'osc6_compute_service_list_healthy.json',
    {
      services: [
        'nova-scheduler@node-10=up/enabled',
        'nova-conductor@node-10=up/enabled',
        'nova-scheduler@node-11=up/enabled',
        'nova-conductor@node-11=up/enabled',
        'nova-scheduler@node-12=up/enabled',
        'nova-conductor@node-12=up/enabled',
        'nova-compute@node-13=up/enabled',
        'nova-compute@node-14=up/enabled',
        'nova-compute@node-15=up/enabled',
      ],
      unknownRows: [],
    },
  ],
  [
    'osc6_compute_service_list_seed-incident.json',
    {
      services: [
        'nova-scheduler@node-10=down/enabled',
        'nova-conductor@node-10=down/enabled',
        'nova-scheduler@node-11=up/enabled',
        'nova-conductor@node-11=up/enabled',
        'nova-scheduler@node-12=up/enabled',
        'nova-conductor@node-12=up/enabled',
        'nova-compute@node-13=down/enabled',
        'nova-compute@node-14=down/enabled',
        'nova-compute@node-15=down/disabled',
      ],
      unknownRows: [],
    },
  ],
  [
    'osc6_compute_service_list_seed-incident.txt',
    {
      services: [
        'nova-scheduler@node-10=down/enabled',
        'nova-conductor@node-10=down/enabled',
        'nova-scheduler@node-11=up/enabled',
        'nova-conductor@node-11=up/enabled',
        'nova-scheduler@node-12=up/enabled',
        'nova-conductor@node-12=up/enabled',
        'nova-compute@node-13=down/enabled',
        'nova-compute@node-14=down/enabled',
        'nova-compute@node-15=down/disabled',
      ],
      unknownRows: [],
    },
  ],
];

const neutronCases: readonly (readonly [file: string, reading: NeutronReading])[] = [
  [
    'neutron_agent_list_legacy_xxx_UNATTRIBUTED.txt',
    {
      agents: [
        'neutron-l3-agent@controller=alive/up',
        'neutron-openvswitch-agent@controller=dead/up',
        'neutron-dhcp-agent@controller=alive/up',
        'neutron-metering-agent@controller=alive/up',
        'neutron-metadata-agent@controller=alive/up',
      ],
      unknownRows: [],
    },
  ],
  [
    'openstack_network_agent_list_linuxbridge_dead_UNATTRIBUTED.txt',
    {
      agents: [
        'neutron-metadata-agent@instance-vm00=alive/up',
        'neutron-dhcp-agent@instance-vm00=alive/up',
        'neutron-linuxbridge-agent@instance-vm00=dead/up',
        'neutron-openvswitch-agent@instance-vm01=alive/up',
        'neutron-l3-agent@instance-vm00=alive/up',
        'neutron-linuxbridge-agent@instance-vm01=dead/up',
        'neutron-openvswitch-agent@instance-vm00=alive/up',
      ],
      unknownRows: [],
    },
  ],
  [
    'openstack_network_agent_list_neutron_doc.txt',
    {
      agents: [
        'neutron-metadata-agent@controller=alive/up',
        'neutron-linuxbridge-agent@controller=alive/up',
        'neutron-linuxbridge-agent@compute1=alive/up',
        'neutron-l3-agent@controller=alive/up',
        'neutron-dhcp-agent@controller=alive/up',
      ],
      unknownRows: [],
    },
  ],
  [
    'osc6_network_agent_list_healthy.json',
    {
      agents: [
        'neutron-l3-agent@node-10=alive/up',
        'neutron-dhcp-agent@node-10=alive/up',
        'neutron-metadata-agent@node-10=alive/up',
        'neutron-openvswitch-agent@node-10=alive/up',
        'neutron-l3-agent@node-11=alive/up',
        'neutron-dhcp-agent@node-11=alive/up',
        'neutron-metadata-agent@node-11=alive/up',
        'neutron-openvswitch-agent@node-11=alive/up',
        'neutron-l3-agent@node-12=alive/up',
        'neutron-dhcp-agent@node-12=alive/up',
        'neutron-metadata-agent@node-12=alive/up',
        'neutron-openvswitch-agent@node-12=alive/up',
        'neutron-openvswitch-agent@node-13=alive/up',
      ],
      unknownRows: [],
    },
  ],
  [
    'osc6_network_agent_list_seed-incident.json',
    {
      agents: [
        'neutron-l3-agent@node-10=dead/up',
        'neutron-dhcp-agent@node-10=dead/up',
        'neutron-metadata-agent@node-10=dead/up',
        'neutron-openvswitch-agent@node-10=dead/up',
        'neutron-l3-agent@node-11=dead/up',
        'neutron-dhcp-agent@node-11=dead/up',
        'neutron-metadata-agent@node-11=dead/up',
        'neutron-openvswitch-agent@node-11=dead/up',
        'neutron-l3-agent@node-12=dead/up',
        'neutron-dhcp-agent@node-12=dead/up',
        'neutron-metadata-agent@node-12=dead/up',
        'neutron-openvswitch-agent@node-12=dead/up',
        'neutron-openvswitch-agent@node-13=alive/up',
      ],
      unknownRows: [],
    },
  ],
  [
    'osc6_network_agent_list_seed-incident.txt',
    {
      agents: [
        'neutron-l3-agent@node-10=dead/up',
        'neutron-dhcp-agent@node-10=dead/up',
        'neutron-metadata-agent@node-10=dead/up',
        'neutron-openvswitch-agent@node-10=dead/up',
        'neutron-l3-agent@node-11=dead/up',
        'neutron-dhcp-agent@node-11=dead/up',
        'neutron-metadata-agent@node-11=dead/up',
        'neutron-openvswitch-agent@node-11=dead/up',
        'neutron-l3-agent@node-12=dead/up',
        'neutron-dhcp-agent@node-12=dead/up',
        'neutron-metadata-agent@node-12=dead/up',
        'neutron-openvswitch-agent@node-12=dead/up',
        'neutron-openvswitch-agent@node-13=alive/up',
      ],
      unknownRows: [],
    },
  ],
];

describe('nova-services on real openstackclient outputs', () => {
  it.each(novaCases)('reads %s', (file, reading) => {
    expect(novaReading(novaServices.parse(stdoutOf(`openstack-cli/${file}`)))).toEqual(reading);
  });

  it('keeps what a down cell leaves of a row, so nothing calls those computes down', () => {
    const v = novaServices.parse(stdoutOf('openstack-cli/osc6_compute_service_list_down-cell.json'));
    expect(v).toMatchObject({ kind: 'ok' });
    if (v.kind === 'ok') {
      expect(v.value.services.filter((s) => s.binary === 'nova-compute')).toEqual([]);
      expect(v.value.unknownServices?.[0]).toEqual({
        binary: 'nova-compute',
        host: 'node-13',
        status: 'UNKNOWN',
        reason: 'nova reports this service as UNKNOWN: its cell is unreachable',
      });
    }
  });
});

describe('neutron-agents on real openstackclient outputs', () => {
  it.each(neutronCases)('reads %s', (file, reading) => {
    expect(neutronReading(neutronAgents.parse(stdoutOf(`openstack-cli/${file}`)))).toEqual(reading);
  });

  it('reads the other agents when one row has an unreadable Alive, and lists that one apart', () => {
    const stdout = JSON.stringify([
      { ID: 'a1', 'Agent Type': 'L3 agent', Host: 'node-10', Alive: true, State: true, Binary: 'neutron-l3-agent' },
      { ID: 'a2', 'Agent Type': 'DHCP agent', Host: 'node-11', Alive: null, State: true, Binary: 'neutron-dhcp-agent' },
    ]);
    expect(neutronReading(neutronAgents.parse({ stdout, stderr: '', exitCode: 0 }))).toEqual({
      agents: ['neutron-l3-agent@node-10=alive/up'],
      unknownRows: ['neutron-dhcp-agent@node-11'],
    });
  });

  it('gives unknown when an unreadable row names no host', () => {
    const stdout = JSON.stringify([
      { ID: 'a1', 'Agent Type': 'L3 agent', Host: 'node-10', Alive: true, State: true, Binary: 'neutron-l3-agent' },
      { ID: 'a2', Alive: 'maybe' },
    ]);
    expect(neutronAgents.parse({ stdout, stderr: '', exitCode: 0 })).toMatchObject({ kind: 'unknown', raw: stdout });
  });
});
