import { describe, expect, it } from 'vitest';
import { parseInventory } from '../../../src/inventory/load.js';
import { rolesOfGroup } from '../../../src/inventory/roles.js';

const rolesOf = (text: string, path = '/tmp/inv.ini'): Record<string, readonly string[]> =>
  Object.fromEntries(parseInventory(text, path, { knownHostsPath: '/dev/null' }).nodes.map((n) => [n.name, n.roles]));

describe('built-in group names', () => {
  it.each([
    // kolla-ansible, kayobe
    ['control', ['controller']],
    ['controllers', ['controller']],
    ['compute', ['compute']],
    ['compute-vgpu', ['compute']],
    ['network', ['network']],
    ['storage', ['storage']],
    ['monitoring', ['monitoring']],
    ['rabbitmq', ['controller']],
    ['mariadb', ['controller']],
    ['nova-compute', ['compute']],
    // TripleO, any case, custom roles by prefix
    ['Controller', ['controller']],
    ['ControllerOpenstack', ['controller']],
    ['CellController', ['controller']],
    ['Compute', ['compute']],
    ['ComputeSriov', ['compute']],
    ['ComputeHCI', ['compute', 'ceph-osd']],
    ['Standalone', ['controller', 'compute']],
    ['STANDALONE', ['controller', 'compute']],
    ['CephStorage', ['ceph-osd']],
    ['Networker', ['network']],
    ['pacemaker', ['controller']],
    ['nova_compute', ['compute']],
    ['nova_libvirt', ['compute']],
    ['ceph_mon', ['ceph-mon']],
    // OpenStack-Ansible, both spellings
    ['shared-infra_hosts', ['controller']],
    ['shared_infra_hosts', ['controller']],
    ['os-infra_hosts', ['controller']],
    ['infra_hosts', ['controller']],
    ['compute_hosts', ['compute']],
    ['network_hosts', ['network']],
    ['storage_hosts', ['storage']],
    // ceph-ansible
    ['mons', ['ceph-mon']],
    ['osds', ['ceph-osd']],
    ['mgrs', ['ceph-mgr']],
    // Fuel/MOS
    ['controller', ['controller']],
    ['ceph-osd', ['ceph-osd']],
  ])('%s -> %j', (group, roles) => {
    expect(rolesOfGroup(group)).toEqual(roles);
  });

  it.each(['compute_infra_hosts', 'compute-infra_containers', 'nova-compute-ironic', 'mysql_client', 'ovn-controller', 'haproxy', 'deployment', 'hacluster'])(
    '%s means no role',
    (group) => {
      expect(rolesOfGroup(group)).toBeUndefined();
    },
  );

  it("a Fuel-style inventory: controller, compute and ceph-osd nodes get stackmedic's roles", () => {
    expect(rolesOf('[controller]\nnode-1\n[compute]\nnode-4\n[ceph-osd]\nnode-7\n[cinder]\nnode-8\n')).toEqual({
      'node-1': ['controller'],
      'node-4': ['compute'],
      'node-7': ['ceph-osd'],
      'node-8': ['cinder'],
    });
  });

  it("TripleO's tripleo_role_name names the role when the group does not", () => {
    expect(rolesOf('[overcloud_ctl]\nctl-0 tripleo_role_name=ControllerOpenstack\n')).toEqual({ 'ctl-0': ['controller'] });
  });
});

describe('explicit roles win over the built-in names', () => {
  it('stackmedic_roles on a group replaces what its name means, for that group only', () => {
    const text = [
      '[ctl]',
      'a',
      '[compute]',
      'b',
      'a',
      '[monitoring]',
      'c',
      '[ctl:vars]',
      'stackmedic_roles=controller',
      '[monitoring:vars]',
      'stackmedic_roles=[]',
    ].join('\n');
    expect(rolesOf(text)).toEqual({ a: ['controller', 'compute'], b: ['compute'], c: [] });
  });

  it('stackmedic_roles on a host replaces everything its groups say', () => {
    expect(rolesOf('[control]\nn1 stackmedic_roles=\'["compute"]\'\nn2\n')).toEqual({ n1: ['compute'], n2: ['controller'] });
  });

  it('a parent group mapping reaches the hosts of its children, in YAML lists too', () => {
    const yaml = [
      'all:',
      '  children:',
      '    dbs:',
      '      vars: { stackmedic_roles: [controller, galera-only] }',
      '      children:',
      '        db_east: { hosts: { db1: {} } }',
      '',
    ].join('\n');
    expect(rolesOf(yaml, '/tmp/inv.yml')).toEqual({ db1: ['controller', 'galera-only'] });
  });

  it('refuses role names that are not plain words, naming the group', () => {
    expect(() => rolesOf('[ctl]\na\n[ctl:vars]\nstackmedic_roles="controller;reboot"\n')).toThrow(/inv\.ini: ctl\.stackmedic_roles: role names of letters/);
  });

  it("stackmedic YAML: the roles: map translates the nodes' role names, then the built-in names apply", () => {
    const text = [
      'known_hosts: /dev/null',
      'roles: { ctl: [controller], hv: [compute], control: [network] }',
      'nodes:',
      '  - { name: n1, address: 10.0.0.1, roles: [ctl] }',
      '  - { name: n2, address: 10.0.0.2, roles: [hv, bastion] }',
      '  - { name: n3, address: 10.0.0.3, roles: [control] }',
      '  - { name: n4, address: 10.0.0.4, roles: [controllers] }',
      '',
    ].join('\n');
    expect(rolesOf(text, '/tmp/inv.yml')).toEqual({ n1: ['controller'], n2: ['compute', 'bastion'], n3: ['network'], n4: ['controller'] });
  });
});
