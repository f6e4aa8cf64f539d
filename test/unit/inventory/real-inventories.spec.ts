import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../../src/errors.js';
import { loadInventory, nodesWithRole } from '../../../src/inventory/load.js';

const real = (name: string): string => join(import.meta.dirname, '../../fixtures/inventory/real', name);

interface Expected {
  readonly controllers: readonly string[];
  readonly computes: readonly string[];
  /** Nodes whose commands run on stackmedic's own host. */
  readonly local: readonly string[];
  readonly nodes: number;
}

const TRIPLEO_OVERCLOUD: Expected = {
  controllers: ['overcloud-controller-0'],
  computes: ['overcloud-novacompute-0'],
  local: ['undercloud'],
  nodes: 3,
};

describe('inventories of the deployment tools, as they ship them', () => {
  it.each<[string, Expected]>([
    ['kolla-ansible/multinode', { controllers: ['control01', 'control02', 'control03'], computes: ['compute01'], local: ['localhost'], nodes: 9 }],
    ['kolla-ansible/all-in-one', { controllers: ['localhost'], computes: ['localhost'], local: ['localhost'], nodes: 1 }],
    ['kayobe', { controllers: ['controller1'], computes: [], local: ['localhost'], nodes: 2 }],
    ['tripleo/overcloud_static.yaml', TRIPLEO_OVERCLOUD],
    ['tripleo/overcloud_dynamic.json', TRIPLEO_OVERCLOUD],
    ['tripleo/list_overcloud.json', TRIPLEO_OVERCLOUD],
    [
      'tripleo/merged_dynamic.json',
      {
        controllers: ['cell1-cellcontrol-0', 'overcloud-controller-0'],
        computes: ['cell1-compute-0', 'overcloud-novacompute-0'],
        local: ['undercloud'],
        nodes: 5,
      },
    ],
    ['tripleo/undercloud_dynamic.json', { controllers: [], computes: [], local: ['undercloud'], nodes: 1 }],
    ['openstack-ansible/openstack_inventory.json', { controllers: ['infra1', 'infra2', 'infra3'], computes: ['compute1', 'compute2'], local: [], nodes: 8 }],
    ['ceph-ansible/all_daemons.hosts', { controllers: [], computes: [], local: [], nodes: 14 }],
    ['vault/komodo.yml', { controllers: [], computes: [], local: [], nodes: 3 }],
  ])('%s loads and its nodes get their roles', (file, expected) => {
    const inv = loadInventory(real(file), { knownHostsPath: '/dev/null' });
    const names = (role: string): string[] =>
      nodesWithRole(inv, [role])
        .map((n) => n.name)
        .sort();
    expect(inv.nodes).toHaveLength(expected.nodes);
    expect(names('controller')).toEqual([...expected.controllers].sort());
    expect(names('compute')).toEqual([...expected.computes].sort());
    expect(
      inv.nodes
        .filter((n) => n.connection === 'local')
        .map((n) => n.name)
        .sort(),
    ).toEqual([...expected.local].sort());
  });

  it('kolla multinode: network, storage and monitoring nodes say what they are, without probes pretending', () => {
    const inv = loadInventory(real('kolla-ansible/multinode'));
    const roles = Object.fromEntries(inv.nodes.map((n) => [n.name, n.roles]));
    expect(roles).toMatchObject({
      control01: ['controller'],
      network01: ['network'],
      storage01: ['storage'],
      monitoring01: ['monitoring'],
      localhost: ['deployment'],
    });
    // Service child groups are kept as groups: control01 runs kolla's rabbitmq and mariadb.
    expect(inv.nodes.find((n) => n.name === 'control01')?.groups).toEqual(expect.arrayContaining(['control', 'rabbitmq', 'mariadb', 'nova-api']));
  });

  it('kolla all-in-one: localhost is every role and runs its commands locally', () => {
    const [node] = loadInventory(real('kolla-ansible/all-in-one')).nodes;
    expect(node).toMatchObject({ name: 'localhost', connection: 'local', become: false, roles: ['controller', 'compute', 'network', 'storage', 'monitoring'] });
  });

  it('TripleO: heat-admin from the role group vars, so privileged commands use sudo', () => {
    const inv = loadInventory(real('tripleo/overcloud_dynamic.json'));
    expect(inv.nodes.find((n) => n.name === 'overcloud-controller-0')).toMatchObject({ address: '192.168.24.12', user: 'heat-admin', become: true });
  });

  it('OpenStack-Ansible: containers fold into the infra hosts that run them, with one note', () => {
    const inv = loadInventory(real('openstack-ansible/openstack_inventory.json'));
    expect(inv.nodes.map((n) => n.name)).not.toContain('infra1-rabbit-mq-container-83780aee');
    expect(inv.nodes.find((n) => n.name === 'infra1')).toMatchObject({ address: '172.29.236.11', roles: ['controller', 'storage'] });
    expect(inv.nodes.find((n) => n.name === 'infra1')?.groups).toEqual(expect.arrayContaining(['shared_infra_hosts', 'rabbitmq', 'galera']));
    expect(inv.nodes.filter((n) => n.roles.includes('network')).map((n) => n.name)).toEqual(['net1', 'net2', 'net3']);
    expect(inv.notes).toEqual([expect.stringMatching(/OpenStack-Ansible's 54 containers are read as the 3 hosts that run them \(infra1, infra2, infra3\)/)]);
  });

  it('ceph-ansible: mons, osds and mgrs become ceph roles', () => {
    const inv = loadInventory(real('ceph-ansible/all-in-one.hosts'));
    expect(inv.nodes.map((n) => n.roles)).toEqual([
      ['ceph-mon', 'ceph-osd', 'ceph-mgr'],
      ['ceph-mon', 'ceph-osd', 'ceph-mgr'],
      ['ceph-mon', 'ceph-osd', 'ceph-mgr'],
    ]);
    const daemons = loadInventory(real('ceph-ansible/all_daemons.hosts'));
    expect(nodesWithRole(daemons, ['ceph-mon']).map((n) => n.name)).toEqual(['mon0', 'mon1', 'mon2']);
    expect(nodesWithRole(daemons, ['ceph-osd']).map((n) => n.name)).toEqual(['osd0', 'osd1', 'osd2']);
  });

  it.each(['openstack_user_config.yml.prod.example', 'openstack_user_config.yml.example'])(
    "OSA's %s is refused with a pointer to the inventory OSA generates",
    (file) => {
      const load = (): unknown => loadInventory(real(`openstack-ansible/${file}`));
      expect(load).toThrow(ConfigError);
      expect(load).toThrow(/this is OpenStack-Ansible's openstack_user_config\.yml.*\/etc\/openstack_deploy\/openstack_inventory\.json/);
    },
  );

  it('a real vaulted inventory: one line naming what was ignored and where, nothing printed', () => {
    const warnings: string[] = [];
    const onWarning = (w: Error): void => {
      warnings.push(w.message);
    };
    process.on('warning', onWarning);
    try {
      const inv = loadInventory(real('vault/komodo.yml'));
      expect(inv.notes).toHaveLength(1);
      const [note] = inv.notes ?? [];
      expect(note).toMatch(/stackmedic does not decrypt Ansible Vault; it ignored ansible_become_pass \(group all\)/);
      expect(note).toMatch(/stackmedic uses no passwords .*passwordless sudo/);
      expect(note).not.toMatch(/\$ANSIBLE_VAULT|6535323437/);
      // The plain variables next to the vaulted ones are still read.
      expect(inv.nodes[0]).toMatchObject({ address: '10.1.10.4', user: 'actual_user_to_run_playbook_as', privateKeyPath: '/root/.ssh/id_ed25519' });
    } finally {
      process.off('warning', onWarning);
    }
    expect(warnings).toEqual([]);
  });
});
