import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../../src/errors.js';
import { loadInventory, parseInventory } from '../../../src/inventory/load.js';

const parse = (text: string, path = '/tmp/inv.yml'): ReturnType<typeof parseInventory> => parseInventory(text, path, { knownHostsPath: '/dev/null' });

describe('ansible-inventory --list JSON', () => {
  // The shape `ansible-inventory -i hosts --list` prints: every variable under _meta.hostvars.
  const listed = JSON.stringify({
    _meta: {
      hostvars: {
        ctl1: { ansible_host: '10.0.0.11', ansible_user: 'ops', ansible_port: 2222 },
        cmp1: { ansible_host: '10.0.0.21', ansible_connection: 'ssh' },
        lonely: { ansible_host: '10.0.0.99' },
      },
    },
    all: { children: ['ungrouped', 'control', 'compute'] },
    control: { hosts: ['ctl1'] },
    compute: { hosts: ['cmp1'] },
    ungrouped: { hosts: ['lonely'] },
  });

  it('reads hosts, host variables and groups', () => {
    const inv = parse(listed, '/tmp/inv.json');
    const rows = inv.nodes.map((n) => [n.name, n.address, n.port, n.user, n.become, [...n.roles]]);
    expect(rows).toHaveLength(3);
    expect(rows).toEqual(
      expect.arrayContaining([
        ['ctl1', '10.0.0.11', 2222, 'ops', true, ['controller']],
        ['cmp1', '10.0.0.21', 22, 'root', false, ['compute']],
        ['lonely', '10.0.0.99', 22, 'root', false, ['ungrouped']],
      ]),
    );
  });

  it('reads the old script form, a group as a bare list of hosts', () => {
    const inv = parse(JSON.stringify({ control: ['a', 'b'], _meta: { hostvars: { a: { ansible_host: '10.0.0.1' } } } }), '/tmp/inv.json');
    expect(inv.nodes.map((n) => [n.name, n.address, [...n.roles]])).toEqual([
      ['a', '10.0.0.1', ['controller']],
      ['b', 'b', ['controller']],
    ]);
  });

  it('names the field when a group is malformed', () => {
    expect(() => parse(JSON.stringify({ _meta: {}, control: { hosts: 'ctl1' } }), '/tmp/inv.json')).toThrow('/tmp/inv.json: control.hosts: a list of names');
  });
});

describe('ansible_connection', () => {
  it('local: the node runs its commands on this host, by its own name, without a jump', () => {
    const inv = parse("[control]\nlocalhost ansible_connection=local\n[all:vars]\nansible_ssh_common_args='-J bastion'\n", '/tmp/i.ini');
    expect(inv.nodes[0]).toMatchObject({ name: 'localhost', address: 'localhost', connection: 'local', become: false, jump: undefined });
    expect(inv.jumpHosts).toEqual([]);
  });

  it('a connection stackmedic cannot use leaves the host out, with a note', () => {
    const inv = parse('[compute]\nc1\nwin1 ansible_connection=winrm\n', '/tmp/i.ini');
    expect(inv.nodes.map((n) => n.name)).toEqual(['c1']);
    expect(inv.notes).toEqual([
      '/tmp/i.ini: left out win1 (ansible_connection=winrm): stackmedic reaches nodes over SSH or, with ansible_connection=local, on its own host',
    ]);
  });

  it('stackmedic YAML accepts connection: local too', () => {
    const inv = parse('known_hosts: /dev/null\nnodes:\n  - { name: deploy, address: localhost, connection: local, roles: [controller] }\n');
    expect(inv.nodes[0]).toMatchObject({ connection: 'local', become: false });
  });
});

describe('values stackmedic cannot use', () => {
  const vaultedHost = [
    'all:',
    '  children:',
    '    control:',
    '      hosts:',
    '        ctl1:',
    '          ansible_host: !vault |',
    '            $ANSIBLE_VAULT;1.1;AES256',
    '            62313365396662343061393464336163383764373764613633653634306231386433626436623361',
    '          ansible_user: !vault |',
    '            $ANSIBLE_VAULT;1.1;AES256',
    '            35386565333538623231643433396334323132616438353839663534373030393266',
    '        ctl2: { ansible_host: 10.0.0.12 }',
    '      vars:',
    '        ansible_user: stack',
    '',
  ].join('\n');

  it('a vaulted ansible_host/ansible_user: one line saying what that changes for which host', () => {
    const inv = parse(vaultedHost);
    // The host's own (vaulted) ansible_user beats its group's, as in Ansible: stackmedic falls back to root.
    expect(inv.nodes.map((n) => [n.name, n.address, n.user])).toEqual([
      ['ctl1', 'ctl1', 'root'],
      ['ctl2', '10.0.0.12', 'stack'],
    ]);
    expect(inv.notes).toEqual([
      '/tmp/inv.yml: stackmedic does not decrypt Ansible Vault; it ignored ansible_host and ansible_user (host ctl1); without ansible_host: ctl1 reached by inventory name; without ansible_user: ctl1 logging in as root',
    ]);
  });

  it('a vaulted group value a host overrides costs that host nothing', () => {
    const text =
      'all:\n  vars:\n    ansible_user: !vault |\n      $ANSIBLE_VAULT;1.1;AES256\n      3132\n  hosts:\n    h1: { ansible_user: ops }\n    h2: {}\n';
    const inv = parse(text);
    expect(inv.nodes.map((n) => n.user)).toEqual(['ops', 'root']);
    expect(inv.notes?.[0]).toMatch(/ignored ansible_user \(group all\); without ansible_user: h2 logging in as root$/);
  });

  it('a Jinja-templated ansible_host is not evaluated: one line, and the host is reached by name', () => {
    const inv = parse('[compute]\ncmp1 ansible_host="{{ hostvars[inventory_hostname].ip }}"\n', '/tmp/i.ini');
    expect(inv.nodes[0]?.address).toBe('cmp1');
    expect(inv.notes).toEqual([
      '/tmp/i.ini: stackmedic does not evaluate Jinja templates (e.g. ansible_host: "{{ hostvars[inventory_hostname].ip }}"); without ansible_host: cmp1 reached by inventory name',
    ]);
  });

  it('an unknown YAML tag is read as text, said once, never printed as a warning', () => {
    const inv = parse('all:\n  hosts:\n    h1: { ansible_host: !custom 10.0.0.1 }\n');
    expect(inv.nodes[0]?.address).toBe('10.0.0.1');
    expect(inv.notes).toEqual(['/tmp/inv.yml: read the values tagged !custom as plain text (YAML tags stackmedic does not know)']);
  });
});

describe('formats stackmedic does not read get a message saying so and naming those it reads', () => {
  const accepted =
    /a stackmedic inventory \(YAML with nodes:\), an Ansible inventory \(INI or YAML; a file, or a directory of them\) or ansible-inventory --list JSON/;

  it.each([
    [
      'kolla-ansible globals.yml',
      'kolla_base_distro: "rocky"\nkolla_internal_vip_address: "10.1.0.250"\n',
      /this file is none of those \(a mapping of kolla_base_distro, kolla_internal_vip_address with no host groups\)/,
    ],
    ['a YAML list', '- host1\n- host2\n', /this file is none of those \(it is a list\)/],
    ['an empty file', '', /this file is none of those \(it is empty\)/],
  ])('%s', (_name, text, why) => {
    expect(() => parse(text)).toThrow(ConfigError);
    expect(() => parse(text)).toThrow(accepted);
    expect(() => parse(text)).toThrow(why);
  });

  it('a file encrypted with ansible-vault', () => {
    expect(() => parse('$ANSIBLE_VAULT;1.1;AES256\n6134316363353539\n')).toThrow(
      /\(file\): .*encrypted with ansible-vault, and stackmedic does not decrypt vault/,
    );
  });

  it('an inventory script', () => {
    expect(() => parse('#!/usr/bin/env python3\nprint("{}")\n', '/tmp/inv.py')).toThrow(
      /inventory script, which stackmedic does not run; .*ansible-inventory -i FILE --list/,
    );
  });
});

describe('INI details Ansible accepts', () => {
  it('expands host ranges and reads host:port', () => {
    const inv = parse('[control]\ncontrol[01:03]\n[compute]\ncmp-[a:b] ansible_user=stack\nedge.example.net:2200\n', '/tmp/i.ini');
    expect(inv.nodes.map((n) => [n.name, n.port, n.user])).toEqual([
      ['control01', 22, 'root'],
      ['control02', 22, 'root'],
      ['control03', 22, 'root'],
      ['cmp-a', 22, 'stack'],
      ['cmp-b', 22, 'stack'],
      ['edge.example.net', 2200, 'root'],
    ]);
  });

  it('host lines without any [group] header are an inventory too', () => {
    expect(parse('localhost ansible_connection=local\n', '/tmp/hosts').nodes[0]).toMatchObject({
      name: 'localhost',
      connection: 'local',
      roles: ['ungrouped'],
    });
  });
});

describe('inventory directories', () => {
  it('reads every file as Ansible does, skipping the extensions Ansible skips', () => {
    const dir = mkdtempSync(join(tmpdir(), 'inv-dir-'));
    writeFileSync(join(dir, 'groups'), '[controllers]\n[compute:children]\ncompute-vgpu\n');
    writeFileSync(join(dir, 'hosts'), '[controllers]\nctl1 ansible_host=10.0.0.1\n[compute-vgpu]\ngpu1\n');
    writeFileSync(join(dir, 'README.md'), '# not an inventory [really]\n');
    writeFileSync(join(dir, 'old.ini'), '[control]\nstale1\n');
    const inv = loadInventory(dir, { knownHostsPath: '/dev/null' });
    expect(inv.source).toBe(dir);
    expect(inv.nodes.map((n) => [n.name, [...n.roles]])).toEqual([
      ['ctl1', ['controller']],
      ['gpu1', ['compute']],
    ]);
  });

  it('a directory with nothing Ansible reads is refused', () => {
    const dir = mkdtempSync(join(tmpdir(), 'inv-empty-'));
    writeFileSync(join(dir, 'notes.txt'), 'nothing');
    expect(() => loadInventory(dir)).toThrow(/\(directory\): inventory files \(Ansible would read none in this directory\)/);
  });
});
