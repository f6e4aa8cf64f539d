import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ConfigError } from '../../../src/errors.js';
import { findCluster, loadClusters, parseClusters } from '../../../src/inventory/clusters.js';
import { loadInventory } from '../../../src/inventory/load.js';

const fixtures = join(import.meta.dirname, '../../fixtures/inventory');
const fixture = (name: string): string => join(fixtures, name);

function configError(run: () => unknown): ConfigError {
  try {
    run();
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
  throw new Error('no ConfigError');
}

describe('an inventory of several clusters', () => {
  it('gives each cluster its own nodes, jump hosts, known_hosts, openrc, deployment and schedule', () => {
    const set = loadClusters(fixture('clusters.yml'));
    expect(set.clusters.map((c) => c.cluster)).toEqual(['east', 'west', 'lab']);
    const east = findCluster(set, 'east');
    const west = findCluster(set, 'west');
    expect(east).toMatchObject({ knownHostsPath: fixture('known_hosts.east'), openrcPath: '/root/openrc-east', schedule: '*/5 * * * *' });
    expect(east?.jumpHosts.map((j) => j.name)).toEqual(['bastion-east']);
    expect(east?.nodes[0]).toMatchObject({ name: 'node-1', address: '10.1.0.1', jump: 'bastion-east', privateKeyPath: fixture('id_ed25519') });
    // The same node names in two clusters are two different nodes.
    expect(west?.nodes[0]).toMatchObject({ name: 'node-1', address: '10.2.0.1', jump: undefined });
    expect(west).toMatchObject({ knownHostsPath: fixture('known_hosts.west'), deployment: 'kolla-ansible', openrcPath: '/etc/kolla/admin-openrc.sh' });
    expect(west?.schedule).toBeUndefined();
    expect(west?.nodes[1]).toMatchObject({ user: 'stack', become: true });
  });

  it('reads a cluster given as inventory: FILE in any format, named and scheduled by the entry', () => {
    const lab = findCluster(loadClusters(fixture('clusters.yml')), 'lab');
    expect(lab).toMatchObject({ cluster: 'lab', schedule: '0 * * * *', source: fixture('ansible.ini') });
    expect(lab?.nodes.map((n) => n.name)).toEqual(['node-10', 'node-11', 'node-12', 'node-18', 'node-19']);
  });

  it('reads a directory of stackmedic inventories as one cluster per file, named by cluster: or the file', () => {
    const set = loadClusters(fixture('clusters-dir'));
    expect(set.clusters.map((c) => c.cluster)).toEqual(['east', 'west-2']);
    expect(set.clusters[1]?.openrcPath).toBe('/etc/kolla/admin-openrc.sh');
    expect(set.clusters[0]?.knownHostsPath).toBe(fixture('known_hosts'));
  });

  it('keeps a one-cluster inventory exactly as loadInventory reads it', () => {
    for (const name of ['basic.yml', 'ansible.ini', 'ansible.yml']) {
      expect(loadClusters(fixture(name)).clusters).toEqual([loadInventory(fixture(name))]);
    }
  });

  it('refuses, naming the field, a cluster with a bad node, an unknown key or a bad schedule', () => {
    const bad = (yaml: string): string => configError(() => parseClusters(yaml, '/x/inv.yml')).message;
    expect(bad('clusters:\n  east:\n    nodes:\n      - { name: n1, address: a, roles: [] }\n')).toMatch(/clusters\.east\.nodes\.0\.roles: at least one role/);
    expect(bad('clusters:\n  east:\n    nodez: []\n')).toMatch(/clusters\.east/);
    expect(bad('clusters:\n  east:\n    schedule: "daily"\n    nodes: [{ name: n1, address: a, roles: [controller] }]\n')).toMatch(
      /clusters\.east\.schedule: a cron expression with 5 or 6 fields/,
    );
    expect(bad('clusters:\n  "bad name":\n    nodes: []\n')).toMatch(/cluster name/);
    expect(bad('clusters: {}\n')).toMatch(/at least one cluster/);
  });

  it('tells the one-cluster loader that the file holds several', () => {
    expect(configError(() => loadInventory(fixture('clusters.yml'))).message).toMatch(/holds several \(east, west, lab\).*--cluster/);
  });
});

describe('a directory mixing formats', () => {
  let dir: string | undefined;
  afterEach(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('refuses an Ansible file among stackmedic inventories, and two clusters of one name', () => {
    dir = mkdtempSync(join(tmpdir(), 'clusters-'));
    writeFileSync(join(dir, 'east.yml'), 'nodes:\n  - { name: n1, address: a, roles: [controller] }\n');
    writeFileSync(join(dir, 'hosts'), '[controller]\nn1 ansible_host=10.0.0.1\n');
    expect(configError(() => loadClusters(dir ?? '')).message).toMatch(/hosts: \(file\): a stackmedic inventory/);
    rmSync(join(dir, 'hosts'));
    writeFileSync(join(dir, 'other.yml'), 'cluster: east\nnodes:\n  - { name: n1, address: a, roles: [controller] }\n');
    expect(configError(() => loadClusters(dir ?? '')).message).toMatch(/unique cluster names \("east" appears twice/);
  });
});
