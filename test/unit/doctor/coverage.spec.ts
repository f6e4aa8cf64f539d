import { describe, expect, it } from 'vitest';
import { checkCoverage } from '../../../src/doctor/coverage.js';
import type { Inventory, NodeSpec } from '../../../src/inventory/types.js';

function inventory(nodes: { name: string; roles: string[]; groups?: string[] }[]): Inventory {
  return {
    cluster: 'lab',
    knownHostsPath: '/etc/stackmedic/known_hosts',
    nodes: nodes.map((n): NodeSpec => ({ address: '10.0.0.1', port: 22, user: 'root', become: false, ...n })),
    jumpHosts: [],
    source: '/etc/stackmedic/inventory.ini',
  };
}

describe('doctor: coverage', () => {
  it('passes when every area of /cluster status has nodes to check it', () => {
    const checks = checkCoverage(
      inventory([
        { name: 'c1', roles: ['controller'] },
        { name: 'n1', roles: ['compute'] },
      ]),
    );
    expect(checks).toHaveLength(1);
    expect(checks[0]?.status).toBe('pass');
    expect(checks[0]?.detail).toMatch(/^every area of \/cluster status has nodes to check it: Pacemaker, RabbitMQ, .*libvirt$/);
  });

  it('names the areas nobody checks when no node has the controller role, and how to fix it', () => {
    const checks = checkCoverage(inventory([{ name: 'n1', roles: ['compute'] }]));
    const c = checks.find((x) => x.name === 'controller role');
    expect(c?.status).toBe('fail');
    // Ceph is also read from ceph-mon nodes, so it is not one of the controller role's areas.
    expect(c?.detail).toBe('no node has the controller role: Pacemaker, RabbitMQ, Galera, Nova and Neutron will not be checked');
    expect(c?.fix).toMatch(/^map a group to it in \/etc\/stackmedic\/inventory\.ini: roles: \[controller\]/);
    // Disk runs on computes too: it stays checked.
    expect(c?.detail).not.toMatch(/Disk/);
    expect(checks.some((x) => x.status === 'pass')).toBe(false);
  });

  it('names libvirt when no node is a compute', () => {
    const checks = checkCoverage(inventory([{ name: 'c1', roles: ['controller'] }]));
    expect(checks.map((c) => c.detail)).toEqual(['no node has the compute role: libvirt will not be checked']);
  });

  it('warns about a group that maps to no role any probe runs on', () => {
    const checks = checkCoverage(
      inventory([
        { name: 'c1', roles: ['controller'] },
        { name: 'n1', roles: ['compute'] },
        { name: 'lb1', roles: ['loadbalancer'], groups: ['haproxy'] },
        { name: 'lb2', roles: ['loadbalancer'], groups: ['haproxy'] },
      ]),
    );
    const w = checks.find((c) => c.status === 'warn');
    expect(w?.name).toBe('group haproxy');
    expect(w?.detail).toBe(
      'lb1 and lb2 (group haproxy) map to no role stackmedic checks (controller, ceph-mon, compute, network, storage, ceph-osd, ceph-mgr and monitoring): nothing will check them',
    );
    expect(checks.find((c) => c.status === 'pass')).toBeDefined();
  });
});
