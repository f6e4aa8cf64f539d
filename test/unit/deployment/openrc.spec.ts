import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { declaredOpenrc } from '../../../src/config/openrc.js';
import { loadInventory } from '../../../src/inventory/load.js';

const KOLLA_OPENRC = '/etc/kolla/admin-openrc.sh';
const MULTINODE = join(import.meta.dirname, '../../fixtures/inventory/real/kolla-ansible/multinode');

describe('the openrc follows what the inventory declares, never what is detected', () => {
  const dir = mkdtempSync(join(tmpdir(), 'stackmedic-openrc-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const write = (name: string, text: string): string => {
    const path = join(dir, name);
    writeFileSync(path, text);
    return path;
  };

  it.each([
    ['the cluster declared kolla', 'kolla-ansible', [undefined, 'classic'], KOLLA_OPENRC],
    ['every node declared kolla', undefined, ['kolla-ansible', 'kolla-ansible'], KOLLA_OPENRC],
    ['only some nodes declared kolla', undefined, ['kolla-ansible', undefined], undefined],
    ['nothing declared', undefined, [undefined, undefined], undefined],
    ['the cluster declared TripleO', 'tripleo', ['kolla-ansible'], undefined],
    ['no nodes', undefined, [], undefined],
  ] as const)('%s: %s', (_what, cluster, nodes, expected) => {
    expect(declaredOpenrc(cluster, nodes)).toBe(expected);
  });

  it("keeps kolla-ansible's own multinode inventory, kolla only by its group names, on the usual openrc", () => {
    const inv = loadInventory(write('multinode', readFileSync(MULTINODE, 'utf8')), { knownHostsPath: '/dev/null' });
    expect(inv.nodes.some((n) => n.roles.includes('controller'))).toBe(true);
    expect(inv.openrcPath).toBeUndefined();
  });

  it('switches an Ansible inventory that declares kolla for every host ([all:vars] stackmedic_deployment=kolla)', () => {
    const path = write('declared', `${readFileSync(MULTINODE, 'utf8')}\n[all:vars]\nstackmedic_deployment=kolla\n`);
    expect(loadInventory(path, { knownHostsPath: '/dev/null' }).openrcPath).toBe(KOLLA_OPENRC);
  });

  it('leaves an Ansible inventory declaring kolla on some hosts only, and one naming its openrc, as they say', () => {
    const some = write('some', '[control]\nc1 stackmedic_deployment=kolla\n[compute]\nk1\n');
    expect(loadInventory(some, { knownHostsPath: '/dev/null' }).openrcPath).toBeUndefined();
    const named = write('named', '[control]\nc1\n[all:vars]\nstackmedic_deployment=kolla\nstackmedic_openrc=/root/admin.sh\n');
    expect(loadInventory(named, { knownHostsPath: '/dev/null' }).openrcPath).toBe('/root/admin.sh');
    // STACKMEDIC_OPENRC (the loader's default) wins over the kolla default too.
    const env = write('env', '[control]\nc1\n[all:vars]\nstackmedic_deployment=kolla\n');
    expect(loadInventory(env, { knownHostsPath: '/dev/null', openrcPath: '/srv/openrc' }).openrcPath).toBe('/srv/openrc');
  });

  it('switches a stackmedic inventory whose every node says kolla, not one whose nodes do not', () => {
    const all = write(
      'all.yml',
      'known_hosts: /dev/null\nnodes:\n  - { name: c1, address: 10.0.0.1, roles: [controller], deployment: kolla }\n  - { name: k1, address: 10.0.0.2, roles: [compute], deployment: kolla }\n',
    );
    expect(loadInventory(all).openrcPath).toBe(KOLLA_OPENRC);
    const none = write('none.yml', 'known_hosts: /dev/null\nnodes:\n  - { name: c1, address: 10.0.0.1, roles: [controller] }\n');
    expect(loadInventory(none).openrcPath).toBeUndefined();
  });
});
