import { describe, expect, it } from 'vitest';
import { pacemakerStatus, type PacemakerClusterState, type PacemakerStatus } from '../../../src/probes/pacemaker-status.js';
import { fixture, okValue, stdoutOf } from './fixtures.js';

function running(status: PacemakerStatus): PacemakerClusterState {
  if (!status.running) throw new Error(`expected a running cluster, got: ${status.message}`);
  return status;
}

const parse = (path: string): PacemakerClusterState => running(okValue(pacemakerStatus.parse(stdoutOf(path))));

const stoppedOnNode10 = (s: PacemakerClusterState): string[] => s.resources.filter((r) => r.inactiveOn === 'node-10').map((r) => r.id);

describe('pacemaker-status', () => {
  it('runs the agreed crm_mon fallback chain as root on one controller', () => {
    // A kolla-ansible node without crm_mon says so instead of failing; every other node runs the chain.
    expect(pacemakerStatus.command.script.text).toBe(
      'if test -d /etc/kolla && ! command -v crm_mon >/dev/null 2>&1; then echo @@deployment kolla-ansible; else crm_mon --output-as=xml 2>/dev/null || crm_mon -1 -X 2>/dev/null || crm_mon -1 -r; fi',
    );
    expect(pacemakerStatus.command.privileged).toBe(true);
    expect(pacemakerStatus.scope).toBe('cluster');
    expect(pacemakerStatus.roles).toEqual(['controller']);
  });

  it.each([
    ['crm_mon_healthy.xml', 'xml'],
    ['crm_mon_healthy.txt', 'text'],
  ] as const)('reads a healthy 3-controller cluster from %s', (path, format) => {
    const s = parse(`pacemaker/${path}`);
    expect(s.format).toBe(format);
    expect(s.nodes).toEqual([
      { name: 'node-10', state: 'online', kind: 'member' },
      { name: 'node-11', state: 'online', kind: 'member' },
      { name: 'node-12', state: 'online', kind: 'member' },
    ]);
    expect(s.resources.every((r) => r.role === 'Started' || r.role === 'Promoted')).toBe(true);
    expect(
      s.resources
        .filter((r) => r.id === 'rabbitmq')
        .flatMap((r) => r.nodes)
        .sort(),
    ).toEqual(['node-10', 'node-11', 'node-12']);
    expect(s.resources.filter((r) => r.id === 'galera').map((r) => r.role)).toEqual(['Promoted', 'Promoted', 'Promoted']);
    expect(s.resources.find((r) => r.id === 'rabbitmq')?.parents).toEqual([{ id: 'rabbitmq-clone', kind: 'clone' }]);
    expect(s.resources.find((r) => r.id === 'vip__public')?.parents).toEqual([{ id: 'vip-group', kind: 'group' }]);
    expect(s.failedActions).toEqual([]);
  });

  it.each(['crm_mon_node-10-standby.xml', 'crm_mon_legacy_x_node-10-standby.xml', 'crm_mon_node-10-standby.txt'])(
    'sees node-10 in standby with its clone instances stopped (%s)',
    (path) => {
      const s = parse(`pacemaker/${path}`);
      expect(s.nodes.find((n) => n.name === 'node-10')?.state).toBe('standby');
      expect(s.resources.some((r) => r.nodes.includes('node-10'))).toBe(false);
      const stopped = s.resources.filter((r) => r.role === 'Stopped').map((r) => r.id);
      expect(stopped).toEqual(expect.arrayContaining(['rabbitmq', 'galera', 'ceph-mon', 'neutron-l3-agent', 'openstack-nova-api']));
    },
  );

  it('names the node a stopped clone instance belongs to when the text output says it', () => {
    expect(stoppedOnNode10(parse('pacemaker/crm_mon_node-10-standby.txt'))).toContain('rabbitmq');
  });

  it.each(['crm_mon_node-10-offline.xml', 'crm_mon_node-10-offline.txt'])('sees node-10 offline (%s)', (path) => {
    const s = parse(`pacemaker/${path}`);
    expect(s.nodes.find((n) => n.name === 'node-10')?.state).toBe('offline');
    expect(s.resources.some((r) => r.nodes.includes('node-10'))).toBe(false);
  });

  it.each([
    ['crm_mon_failed-monitor.xml', 30000],
    ['crm_mon_legacy_x_failed-monitor.xml', 30000],
    ['crm_mon_failed-monitor.txt', 30000],
  ] as const)('reports the failed rabbitmq and galera monitors (%s)', (path, interval) => {
    const s = parse(`pacemaker/${path}`);
    expect(s.failedActions).toEqual([
      {
        resource: 'rabbitmq',
        operation: 'monitor',
        node: 'node-11',
        exitStatus: 'not running',
        exitReason: 'Simulated action result',
        intervalMs: interval,
      },
      {
        resource: 'galera',
        operation: 'monitor',
        node: 'node-12',
        exitStatus: 'error',
        exitReason: 'Simulated action result',
        intervalMs: 10000,
      },
    ]);
  });

  it('reads pacemaker 1.1 XML from a Fuel controller, with its failed cinder-volume monitor', () => {
    const s = parse('pacemaker/fuel_octane_crm_mon_as_xml_pcmk1.1.12.xml');
    expect(s.format).toBe('xml-legacy');
    expect(s.dc).toBe('node-3');
    expect(s.quorum).toBe(true);
    const rabbit = s.resources.find((r) => r.id === 'p_rabbitmq-server');
    expect(rabbit).toMatchObject({
      role: 'Master',
      agent: 'ocf:fuel:rabbitmq-server',
      nodes: ['node-3'],
      parents: [{ id: 'master_p_rabbitmq-server', kind: 'clone' }],
    });
    expect(s.failedActions).toEqual([
      {
        resource: 'p_cinder-volume',
        operation: 'monitor',
        node: 'node-3',
        exitStatus: 'not running',
        exitReason: '',
        intervalMs: 20000,
      },
    ]);
  });

  it('reads upstream crm_mon XML: bundles, groups, guest nodes and a failed resource', () => {
    const basic = parse('pacemaker/upstream_crm_mon_xml_basic.xml');
    expect(basic.nodes.find((n) => n.name === 'httpd-bundle-2')).toEqual({
      name: 'httpd-bundle-2',
      state: 'offline',
      kind: 'guest',
    });
    expect(basic.resources.find((r) => r.id === 'httpd')?.parents).toEqual([{ id: 'httpd-bundle', kind: 'bundle' }]);
    const partial = parse('pacemaker/upstream_crm_mon_xml_partially_active_failed.xml');
    expect(partial.resources.find((r) => r.id === 'dummy-2')).toMatchObject({ failed: true, nodes: ['cluster02'] });
    expect(partial.failedActions).toEqual([
      {
        resource: 'dummy-2',
        operation: 'monitor',
        node: 'cluster02',
        exitStatus: 'Unimplemented',
        exitReason: '',
        intervalMs: 0,
      },
    ]);
  });

  it('reads an offline node and unmanaged resources in maintenance mode (XML and text)', () => {
    for (const path of ['upstream_crm_mon_xml_unmanaged_offline_node.xml', 'upstream_crm_mon_unmanaged_offline_node.txt']) {
      const s = parse(`pacemaker/${path}`);
      expect(s.maintenanceMode).toBe(true);
      expect(s.nodes.find((n) => n.name === 'cluster02')?.state).toBe('offline');
      expect(s.resources.find((r) => r.id === 'rsc2')).toMatchObject({ managed: false, nodes: ['cluster02'] });
    }
  });

  it.each(['upstream_crm_mon_1_basic.txt', 'upstream_crm_mon_1_inactive_resources_stopped.txt', 'upstream_crm_mon_partially_active_failed.txt'])(
    'reads pacemaker 2.1 text layouts (%s)',
    (path) => {
      const s = parse(`pacemaker/${path}`);
      expect(s.nodes.filter((n) => n.kind === 'member').map((n) => n.name)).toEqual(['cluster01', 'cluster02']);
      expect(s.resources.find((r) => r.id === 'Fencing')).toMatchObject({
        agent: 'stonith:fence_xvm',
        role: 'Started',
        nodes: ['cluster01'],
      });
    },
  );

  it('reads promotable clones and stopped (disabled) groups from text', () => {
    const s = parse('pacemaker/upstream_crm_mon_1_inactive_resources_stopped.txt');
    expect(s.resources.filter((r) => r.id === 'promotable-rsc').map((r) => [r.role, r.nodes])).toEqual([
      ['Promoted', ['cluster02']],
      ['Unpromoted', ['cluster01']],
    ]);
    expect(s.resources.find((r) => r.id === 'inactive-dummy-1')).toMatchObject({
      role: 'Stopped',
      nodes: [],
      parents: [{ id: 'inactive-group', kind: 'group' }],
    });
  });

  it('reads a FAILED resource and the 2.0-style failed action line', () => {
    const s = parse('pacemaker/upstream_crm_mon_partially_active_failed.txt');
    expect(s.resources.find((r) => r.id === 'dummy-2')).toMatchObject({ failed: true, role: 'Started', nodes: ['cluster02'] });
    expect(s.failedActions[0]).toMatchObject({ resource: 'dummy-2', operation: 'monitor', node: 'cluster02', exitStatus: 'Unimplemented' });
  });

  it('reads pcs status of pacemaker 1.1 OpenStack controllers (Master/Slave sets, clones)', () => {
    const s = parse('pacemaker/pcs_status_pcmk1.1_openstack_143res.txt');
    expect(s.nodes.map((n) => n.name)).toEqual(['myhost15', 'myhost16', 'myhost17']);
    expect(s.dc).toBe('myhost15');
    expect(s.resources.filter((r) => r.id === 'galera').map((r) => r.role)).toEqual(['Master', 'Master', 'Master']);
    expect(s.resources.find((r) => r.id === 'rabbitmq-server')?.parents).toEqual([{ id: 'rabbitmq-server-clone', kind: 'clone' }]);
    expect(s.resources.find((r) => r.id === 'neutron-scale:0')).toMatchObject({ nodes: ['myhost17'] });
    expect(s.resources.find((r) => r.id === 'openstack-heat-engine')?.parents).toEqual([{ id: 'heat', kind: 'group' }]);
    const tripleo = parse('pacemaker/pcs_status_pcmk1.1_tripleo_overcloud.txt');
    expect(tripleo.resources.filter((r) => r.id === 'redis').map((r) => r.role)).toEqual(['Master', 'Slave', 'Slave']);
  });

  it('reads pcs 1.1 failed actions with a timeout status and node ids in the node list', () => {
    const s = parse('pacemaker/pcs_status_pcmk1.1_stopped_failed_actions.txt');
    expect(s.nodes.map((n) => n.name)).toEqual(['test-host1', 'test-host2']);
    expect(s.resources).toEqual([expect.objectContaining({ id: 'clusterfence', role: 'Stopped', nodes: [], agent: 'stonith:fence_aws' })]);
    expect(s.failedActions.map((a) => [a.resource, a.operation, a.node, a.exitStatus])).toEqual([
      ['clusterfence', 'start', 'test-host1', 'unknown error'],
      ['clusterfence', 'start', 'test-host2', 'unknown error'],
    ]);
  });

  it('reads pcs status of pacemaker 2.1 and an UNCLEAN node', () => {
    const s = parse('pacemaker/pcs_status_pcmk2.1_failed_fencing.txt');
    expect(s.nodes.map((n) => n.name)).toEqual(['host1', 'host2']);
    expect(s.resources.find((r) => r.id === 'TEST-HA-DB-START')).toMatchObject({ agent: 'systemd:postgresql-12', nodes: ['host2'] });
    const unclean = parse('pacemaker/pcs_status_unclean_node_fragment.txt');
    expect(unclean.nodes.find((n) => n.name === 'control-2')?.state).toBe('unclean');
    expect(unclean.nodes.filter((n) => n.kind === 'remote')).toHaveLength(8);
  });

  it.each([
    ['crm_mon_no_cib.txt', 'Could not connect to the CIB: No such device or address'],
    ['crm_mon_no_cib.xml', 'Could not connect to the CIB: No such device or address'],
    ['pcs_status_cluster_not_running.txt', 'Error: cluster is not currently running on this node'],
  ])('reports a cluster that is not running, not an unknown (%s)', (path, message) => {
    expect(okValue(pacemakerStatus.parse(stdoutOf(`pacemaker/${path}`)))).toEqual({ running: false, message });
  });

  it('reads "not running" from stderr too (pacemaker 1.1 crm_mon -1)', () => {
    const result = pacemakerStatus.parse({
      stdout: '',
      stderr: 'Connection to cluster failed: Transport endpoint is not connected\n',
      exitCode: 107,
    });
    expect(okValue(result)).toEqual({
      running: false,
      message: 'Connection to cluster failed: Transport endpoint is not connected',
    });
  });

  it.each([
    ['empty output', ''],
    ['garbage', 'Segmentation fault (core dumped)\n'],
    ['a shell error', 'sh: 1: crm_mon: not found\n'],
    ['truncated XML', fixture('pacemaker/crm_mon_healthy.xml').slice(0, 2000)],
    ['XML of something else', '<?xml version="1.0"?><html><body/></html>'],
  ])('gives unknown with the raw text kept for %s', (_name, stdout) => {
    const result = pacemakerStatus.parse({ stdout, stderr: '', exitCode: 0 });
    expect(result.kind).toBe('unknown');
    if (result.kind === 'unknown') expect(result.raw).toBe(stdout);
  });
});
