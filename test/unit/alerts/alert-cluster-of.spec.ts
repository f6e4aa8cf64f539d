import { describe, expect, it } from 'vitest';
import { clusterOfAlert } from '../../../src/alerts/cluster-of.js';
import type { Inventory, NodeSpec } from '../../../src/inventory/types.js';

const node = (name: string, address: string): NodeSpec => ({ name, address, port: 22, user: 'root', roles: ['controller'], become: false });
const cluster = (name: string, nodes: NodeSpec[]): Inventory => ({ cluster: name, knownHostsPath: '/dev/null', source: 'test', jumpHosts: [], nodes });
const east = cluster('east', [node('ctl-1', '10.1.0.1'), node('node-10', '10.1.0.10')]);
// node-10 exists in both clusters (names repeat across clusters), ctl-9 only in west.
const west = cluster('west', [node('ctl-9', '10.2.0.9'), node('node-10', '10.2.0.10')]);
const clusters = [east, west];

describe('the cluster of an alert', () => {
  it('is the one the cluster label names, whatever its nodes say', () => {
    expect(clusterOfAlert({ alertname: 'X', cluster: 'west', instance: 'ctl-1:9100' }, { clusters })).toEqual({ cluster: 'west', by: 'label' });
    expect(clusterOfAlert({ alertname: 'X', cluster: 'East' }, { clusters })).toEqual({ cluster: 'east', by: 'label' });
  });

  it('reads the configured label instead of `cluster`', () => {
    const labels = { alertname: 'X', cluster: 'prometheus-ha', region: 'west' };
    expect(clusterOfAlert(labels, { clusters, clusterLabel: 'region' })).toEqual({ cluster: 'west', by: 'label' });
  });

  it('refuses a label naming a cluster the inventory lacks, naming the ones it has', () => {
    const choice = clusterOfAlert({ alertname: 'X', cluster: 'north', instance: 'ctl-1:9100' }, { clusters });
    expect(choice).toEqual({ cluster: null, kind: 'unknown-cluster', reason: 'label cluster="north" names no cluster of the inventory (east, west)' });
  });

  it('without the label, takes the only cluster whose inventory has the node (by name or by address)', () => {
    expect(clusterOfAlert({ alertname: 'X', instance: 'ctl-9:9100' }, { clusters })).toEqual({ cluster: 'west', by: 'node' });
    expect(clusterOfAlert({ alertname: 'X', instance: '10.1.0.1:9100' }, { clusters })).toEqual({ cluster: 'east', by: 'node' });
    expect(clusterOfAlert({ alertname: 'X', hostname: 'ctl-1', instance: 'exporter:9180' }, { clusters })).toEqual({ cluster: 'east', by: 'node' });
  });

  it('gives a node found in several clusters, or in none, to no cluster', () => {
    expect(clusterOfAlert({ alertname: 'X', instance: 'node-10:9100' }, { clusters })).toEqual({
      cluster: null,
      kind: 'several-clusters',
      reason: 'no cluster label, and node-10 is a node of several clusters (east, west)',
    });
    expect(clusterOfAlert({ alertname: 'X', instance: '192.0.2.7:9100' }, { clusters })).toEqual({
      cluster: null,
      kind: 'unknown-node',
      reason: 'no cluster label, and 192.0.2.7 is a node of no cluster',
    });
    expect(clusterOfAlert({ alertname: 'Watchdog' }, { clusters })).toEqual({
      cluster: null,
      kind: 'no-node',
      reason: 'no cluster label and no node label (instance, hostname, node)',
    });
  });

  it('with one cluster, gives it everything, as before several clusters existed', () => {
    expect(clusterOfAlert({ alertname: 'X', cluster: 'prod', instance: '192.0.2.7:9100' }, { clusters: [east] })).toEqual({ cluster: 'east', by: 'only' });
  });

  it('takes the cluster of the webhook path over every label, and refuses a path naming no cluster', () => {
    expect(clusterOfAlert({ alertname: 'X', cluster: 'east', instance: 'ctl-1' }, { clusters, pathCluster: 'west' })).toEqual({ cluster: 'west', by: 'path' });
    expect(clusterOfAlert({ alertname: 'X' }, { clusters, pathCluster: 'north' }).cluster).toBeNull();
    expect(clusterOfAlert({ alertname: 'X' }, { clusters, pathCluster: 'north' })).toMatchObject({ kind: 'unknown-path' });
  });
});
