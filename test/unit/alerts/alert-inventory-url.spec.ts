import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { chooseAlertmanagerUrl } from '../../../src/alerts/alertmanager-urls.js';
import { readEnvOptions } from '../../../src/config/env.js';
import { checkClusters } from '../../../src/doctor/config.js';
import { ConfigError } from '../../../src/errors.js';
import { findCluster, loadClusters, parseClusters } from '../../../src/inventory/clusters.js';
import { parseInventory } from '../../../src/inventory/load.js';

const dir = mkdtempSync(join(tmpdir(), 'stackmedic-am-inventory-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const TWO = `clusters:
  east:
    alertmanager_url: http://am-east.example:9093
    nodes:
      - { name: node-1, address: 10.1.0.1, roles: [controller] }
  west:
    alertmanager_url: " https://am.west.example/alertmanager/ "
    nodes:
      - { name: node-1, address: 10.2.0.1, roles: [controller] }
  edge:
    nodes:
      - { name: node-1, address: 10.3.0.1, roles: [controller] }
`;

function configError(run: () => unknown): ConfigError {
  try {
    run();
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
  throw new Error('no ConfigError');
}

describe("a cluster's Alertmanager in the inventory (alertmanager_url:)", () => {
  it('is read per cluster, inline, trimmed; a cluster without it has none', () => {
    const set = parseClusters(TWO, '/etc/stackmedic/clusters.yml');
    expect(set.clusters.map((c) => [c.cluster, c.alertmanagerUrl])).toEqual([
      ['east', 'http://am-east.example:9093'],
      ['west', 'https://am.west.example/alertmanager/'],
      ['edge', undefined],
    ]);
  });

  it('is read in a one-cluster file, and beside inventory: FILE', () => {
    const one = parseInventory(
      'cluster: prod\nalertmanager_url: http://10.0.0.5:9093\nnodes:\n  - { name: node-1, address: 10.0.0.1, roles: [controller] }\n',
      '/etc/stackmedic/prod.yml',
    );
    expect(one.alertmanagerUrl).toBe('http://10.0.0.5:9093');
    writeFileSync(join(dir, 'lab.ini'), '[controller]\nnode-1 ansible_host=10.9.0.1\n');
    writeFileSync(join(dir, 'clusters.yml'), 'clusters:\n  lab:\n    inventory: ./lab.ini\n    alertmanager_url: http://am-lab:9093\n');
    expect(findCluster(loadClusters(join(dir, 'clusters.yml')), 'lab')?.alertmanagerUrl).toBe('http://am-lab:9093');
  });

  it.each([
    ['ftp://am-east:9093', 'ftp is not http'],
    ['am-east:9093', 'no scheme'],
    ['http://', 'no host'],
    ['http://am east:9093', 'a space'],
    ['', 'empty'],
  ])('refuses %j (%s), naming the file, the cluster and the fix', (value) => {
    const text = TWO.replace('http://am-east.example:9093', JSON.stringify(value));
    const error = configError(() => parseClusters(text, '/etc/stackmedic/clusters.yml'));
    expect(error.file).toBe('/etc/stackmedic/clusters.yml');
    expect(error.field).toBe('clusters.east.alertmanager_url');
    expect(error.expected).toBe(
      `the http(s) URL of cluster east's Alertmanager, e.g. http://alertmanager-east:9093 (got "${value}"); or remove it and set STACKMEDIC_ALERTMANAGER_URL=east=URL`,
    );
  });

  it('names the file and the cluster in a directory of inventories and in a one-cluster file', () => {
    const clusters = join(dir, 'dir');
    mkdirSync(clusters);
    writeFileSync(join(clusters, 'east.yml'), 'alertmanager_url: tcp://am:9093\nnodes:\n  - { name: node-1, address: 10.1.0.1, roles: [controller] }\n');
    const error = configError(() => loadClusters(clusters));
    expect(error.message).toBe(
      `${join(clusters, 'east.yml')}: alertmanager_url: the http(s) URL of cluster east's Alertmanager, e.g. http://alertmanager-east:9093 (got "tcp://am:9093"); or remove it and set STACKMEDIC_ALERTMANAGER_URL=east=URL`,
    );
    const inline = configError(() =>
      parseInventory(
        'cluster: prod\nalertmanager_url: 9093\nnodes:\n  - { name: node-1, address: 10.0.0.1, roles: [controller] }\n',
        '/etc/stackmedic/prod.yml',
      ),
    );
    // YAML reads 9093 as a number: the schema says a string is wanted, in the field.
    expect(`${inline.file} ${inline.field}`).toBe('/etc/stackmedic/prod.yml alertmanager_url');
  });
});

describe('stackmedic doctor on a bad alertmanager_url:', () => {
  it('fails the inventory check with the file, the field and the fix', () => {
    const path = join(dir, 'bad-am.yml');
    writeFileSync(path, TWO.replace('http://am-east.example:9093', 'am-east.example:9093'));
    const { inventories, check } = checkClusters(path, readEnvOptions({}));
    expect(inventories).toEqual([]);
    expect(check.status).toBe('fail');
    expect(check.detail).toBe(
      `${path}: clusters.east.alertmanager_url: the http(s) URL of cluster east's Alertmanager, e.g. http://alertmanager-east:9093 (got "am-east.example:9093"); or remove it and set STACKMEDIC_ALERTMANAGER_URL=east=URL`,
    );
  });
});

describe('which Alertmanager URL a cluster uses', () => {
  const inventoryUrl = 'http://am-east-inventory:9093';

  it("takes the environment's CLUSTER=URL over the inventory, and says what it overrode", () => {
    const env = readEnvOptions({ STACKMEDIC_ALERTMANAGER_URL: 'east=http://am-east-env:9093,http://am-all:9093' }).alertmanager;
    expect(chooseAlertmanagerUrl(env, 'east', inventoryUrl)).toEqual({ url: 'http://am-east-env:9093', from: 'environment', overridden: inventoryUrl });
    expect(chooseAlertmanagerUrl(env, 'east', 'http://am-east-env:9093')).toEqual({ url: 'http://am-east-env:9093', from: 'environment' });
  });

  it("takes the inventory's URL over the bare one, which serves the clusters that have none", () => {
    const env = readEnvOptions({ STACKMEDIC_ALERTMANAGER_URL: 'http://am-all:9093' }).alertmanager;
    expect(chooseAlertmanagerUrl(env, 'east', inventoryUrl)).toEqual({ url: inventoryUrl, from: 'inventory' });
    expect(chooseAlertmanagerUrl(env, 'west', undefined)).toEqual({ url: 'http://am-all:9093', from: 'shared' });
    expect(chooseAlertmanagerUrl(readEnvOptions({}).alertmanager, 'east', inventoryUrl)).toEqual({ url: inventoryUrl, from: 'inventory' });
    expect(chooseAlertmanagerUrl(readEnvOptions({}).alertmanager, 'west', undefined)).toEqual({ url: undefined, from: 'none' });
  });
});
