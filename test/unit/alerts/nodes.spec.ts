import { describe, expect, it } from 'vitest';
import { hostOf, placeAlert } from '../../../src/alerts/nodes.js';
import type { Inventory, NodeSpec } from '../../../src/inventory/types.js';

const node = (name: string, address: string): NodeSpec => ({ name, address, port: 22, user: 'root', roles: ['controller'], become: false });
const inventory: Inventory = {
  cluster: 'prod-east',
  knownHostsPath: '/dev/null',
  source: 'test',
  jumpHosts: [],
  nodes: [
    node('node-10', '192.168.0.6'),
    node('node-11', '192.168.0.7'),
    node('cmp-01', 'cmp-01.example.org'),
    node('dup-a', '10.0.0.9'),
    node('dup-b', '10.0.0.9'),
  ],
};

describe('hostOf', () => {
  it.each([
    ['node-10:9100', 'node-10'],
    ['192.168.0.6:9100', '192.168.0.6'],
    ['[fd00::6]:9100', 'fd00::6'],
    ['fd00::6', 'fd00::6'],
    ['http://node-10:15692/metrics', 'node-10'],
    ['rabbit@node-10', 'node-10'],
    ['node-10', 'node-10'],
  ])('%s names %s', (value, host) => {
    expect(hostOf(value)).toBe(host);
  });
});

describe('placeAlert', () => {
  it.each([
    ['instance with a port', { instance: 'node-10:9100' }, 'node-10', 'instance'],
    ['instance as an address with a port', { instance: '192.168.0.7:9100' }, 'node-11', 'instance'],
    ['instance as an address without a port', { instance: '192.168.0.6' }, 'node-10', 'instance'],
    ['a fully qualified name whose first label is the node', { instance: 'node-10.prod.example.org:9100' }, 'node-10', 'instance'],
    ['an address the inventory gives as a domain name', { instance: 'cmp-01.example.org:9100' }, 'cmp-01', 'instance'],
    ['hostname before instance (openstack-exporter: instance is the exporter)', { hostname: 'cmp-01', instance: 'node-10:9180' }, 'cmp-01', 'hostname'],
    ['node before hostname', { node: 'node-11', hostname: 'node-10' }, 'node-11', 'node'],
    ['an Erlang node name', { node: 'rabbit@node-10' }, 'node-10', 'node'],
    ['in any case', { instance: 'NODE-10:9100' }, 'node-10', 'instance'],
  ])('maps %s', (_what, labels, expected, label) => {
    expect(placeAlert(labels, inventory)).toEqual({ node: expected, known: true, label });
  });

  it('tries the configured label first', () => {
    expect(placeAlert({ host_name: 'node-11', instance: 'node-10:9100' }, inventory, 'host_name')).toMatchObject({
      node: 'node-11',
      known: true,
      label: 'host_name',
    });
  });

  it('falls through a label naming no node to the next one that does', () => {
    expect(placeAlert({ node: 'lb-01', instance: 'node-10:9100' }, inventory)).toMatchObject({ node: 'node-10', known: true });
  });

  it('keeps a host the inventory does not have, as it was named, and says so', () => {
    expect(placeAlert({ instance: '10.20.30.40:9100' }, inventory)).toEqual({
      node: '10.20.30.40',
      known: false,
      label: 'instance',
      note: '10.20.30.40 is not in the inventory',
    });
  });

  it('does not guess between nodes that share an address', () => {
    expect(placeAlert({ instance: '10.0.0.9:9100' }, inventory)).toMatchObject({
      node: '10.0.0.9',
      known: false,
      note: '10.0.0.9 is the address of 2 nodes (dup-a, dup-b)',
    });
  });

  it('takes an alert naming no host as about the cluster', () => {
    expect(placeAlert({ alertname: 'GaleraClusterDown' }, inventory)).toMatchObject({ node: 'prod-east', known: false, label: null });
  });
});
