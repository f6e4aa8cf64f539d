import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../../src/errors.js';
import { loadInventory, parseInventory } from '../../../src/inventory/load.js';

const fixtures = join(import.meta.dirname, '../../fixtures/inventory');
const fixture = (name: string): string => join(fixtures, name);

describe('stackmedic YAML inventory', () => {
  it('reads nodes, roles, defaults, jump hosts and resolves paths next to the file', () => {
    const inv = loadInventory(fixture('basic.yml'));
    expect(inv.cluster).toBe('prod-east');
    expect(inv.knownHostsPath).toBe(fixture('known_hosts'));
    expect(inv.openrcPath).toBe('/root/openrc');
    expect(inv.nodes.map((n) => n.name)).toEqual(['node-10', 'node-11', 'node-12', 'node-18', 'node-19']);
    expect(inv.nodes[0]).toMatchObject({
      address: '192.168.0.6',
      port: 22,
      user: 'root',
      roles: ['controller'],
      privateKeyPath: fixture('id_ed25519'),
      jump: 'bastion',
      become: false,
    });
    expect(inv.nodes[3]).toMatchObject({ user: 'stack', become: true });
    expect(inv.nodes[4]?.port).toBe(2200);
    expect(inv.jumpHosts).toEqual([expect.objectContaining({ name: 'bastion', address: '203.0.113.10', port: 2222, user: 'ops' })]);
  });
});

describe('Ansible inventories', () => {
  it('maps INI groups to roles and honours ansible_host/user/port/key, become and ProxyJump', () => {
    const inv = loadInventory(fixture('ansible.ini'));
    expect(inv.cluster).toBe('lab');
    expect(inv.openrcPath).toBe('/root/openrc');
    expect(inv.knownHostsPath).toBe(fixture('known_hosts'));
    const byName = Object.fromEntries(inv.nodes.map((n) => [n.name, n]));
    expect(byName['node-10']).toMatchObject({
      address: '192.168.0.6',
      port: 22,
      user: 'root',
      roles: ['controller'],
      groups: ['openstack', 'controller'],
      become: false,
      privateKeyPath: fixture('keys/id_ed25519'),
    });
    expect(byName['node-11']?.port).toBe(2201);
    expect(byName['node-18']).toMatchObject({ user: 'stack', become: true, roles: ['compute'] });
    expect(byName['node-18']?.privateKeyPath).toMatch(/\.ssh\/stack_key$/);
    expect(byName['node-19']?.become).toBe(false);
    expect(byName['node-10']?.jump).toBe('jump-bastion.example.net');
    expect(inv.jumpHosts).toEqual([expect.objectContaining({ name: 'jump-bastion.example.net', address: 'bastion.example.net', port: 2222, user: 'ops' })]);
  });

  it('reads the YAML form with group vars and a jump through another inventory host', () => {
    const inv = loadInventory(fixture('ansible.yml'));
    expect(inv.openrcPath).toBe('/etc/kolla/admin-openrc.sh');
    const byName = Object.fromEntries(inv.nodes.map((n) => [n.name, n]));
    expect(byName['ctl-1']).toMatchObject({ address: '10.1.0.11', roles: ['controller'], groups: ['control'], user: 'root', become: false });
    expect(byName['ctl-2']?.jump).toBe('ctl-1');
    expect(byName['cmp-1']).toMatchObject({ port: 2222, user: 'deploy', become: true, roles: ['compute'] });
    expect(inv.jumpHosts).toEqual([]);
  });
});

describe('bad inventories get one clear message naming the file and the field', () => {
  it.each([
    ['malformed.yml', /malformed\.yml: line \d+: valid YAML/],
    ['evil.yml', /evil\.yml: nodes\.0\.name: a name of letters, digits/],
    ['empty.yml', /empty\.yml: \(top level\): a stackmedic inventory/],
    ['unknown-field.yml', /unknown-field\.yml: nodes\.0: Unrecognized key\(s\) in object: 'pasword'/],
    ['bad-jump.yml', /bad-jump\.yml: node-10\.jump: a node or jump host of this inventory \(no "nowhere"\)/],
    ['missing.yml', /missing\.yml: \(file\): an existing inventory file/],
  ])('%s', (name, message) => {
    expect(() => loadInventory(fixture(name))).toThrow(ConfigError);
    expect(() => loadInventory(fixture(name))).toThrow(message);
  });

  it('refuses duplicate node names', () => {
    const text = 'nodes:\n  - { name: a, address: x, roles: [controller] }\n  - { name: a, address: y, roles: [compute] }\n';
    expect(() => parseInventory(text, '/tmp/dup.yml')).toThrow('/tmp/dup.yml: a: unique node names');
  });

  it('refuses INI host ranges it cannot expand', () => {
    expect(() => parseInventory('[compute]\nnode-[3:1]\n', '/tmp/r.ini')).toThrow(/line 2: a host range whose end is not before its start/);
    expect(() => parseInventory('[compute]\nnode-[1:c]\n', '/tmp/r.ini')).toThrow(/line 2: a host range of numbers or of letters/);
    expect(() => parseInventory('[compute]\nnode-[1-3]\n', '/tmp/r.ini')).toThrow(/line 2: host ranges like node-\[01:03\]/);
  });
});
