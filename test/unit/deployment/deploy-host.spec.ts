import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { deployHostReason } from '../../../src/deployment/deploy-host.js';
import pacemakerArea from '../../../src/health/areas/pacemaker.js';
import { assessSnapshot } from '../../../src/health/assess.js';
import { loadInventory } from '../../../src/inventory/load.js';
import { pacemakerStatus } from '../../../src/probes/pacemaker-status.js';
import { SEED_NODES, snapshotOf } from '../health/areas/fixture-snapshot.js';

const MULTINODE = join(import.meta.dirname, '../../fixtures/inventory/real/kolla-ansible/multinode');

describe('the deployment host is not a cluster node', () => {
  const dir = mkdtempSync(join(tmpdir(), 'stackmedic-deployhost-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("finds kolla-ansible's localhost in its own multinode inventory, and no cluster host", () => {
    const path = join(dir, 'multinode');
    writeFileSync(path, readFileSync(MULTINODE, 'utf8'));
    const inv = loadInventory(path, { knownHostsPath: '/dev/null' });
    const hosts = inv.nodes.filter((n) => deployHostReason(n) !== undefined).map((n) => [n.name, deployHostReason(n)]);
    expect(hosts).toEqual([['localhost', 'in the deployment group, no cluster role']]);
  });

  it.each([
    ['an all-in-one node reached locally with a role', { roles: ['controller', 'compute'], connection: 'local' as const, groups: ['all'] }, undefined],
    [
      'a local host without any role',
      { roles: ['ungrouped'], connection: 'local' as const, groups: ['ungrouped'] },
      'ansible_connection=local, no cluster role',
    ],
    ['an SSH host of a group nobody maps', { roles: ['bastions'], groups: ['bastions'] }, undefined],
    ['a stackmedic YAML node', { roles: ['compute'] }, undefined],
    ["TripleO's undercloud reached over SSH", { roles: ['Undercloud'], groups: ['all', 'Undercloud'] }, "TripleO's undercloud, no cluster role"],
    ['a stackmedic YAML node with the undercloud role', { roles: ['undercloud'] }, "TripleO's undercloud, no cluster role"],
  ])('%s', (_what, node, expected) => {
    expect(deployHostReason(node)).toBe(expected);
  });

  it('the host openstack_cli: names is no cluster node either, unless it has a cluster role', () => {
    expect(deployHostReason({ name: 'ops', roles: ['tools'] }, 'ops')).toBe('the openstack CLI host, no cluster role');
    expect(deployHostReason({ name: 'ops', roles: ['tools'] }, 'other')).toBeUndefined();
    expect(deployHostReason({ name: 'node-10', roles: ['controller'] }, 'node-10')).toBeUndefined();
  });

  it('keeps the verdict HEALTHY with a deployment host, naming it in the verdict line; any other unprobed node is still a gap', () => {
    const healthyCrmMon: [typeof pacemakerStatus, { node: string; stdout: string }[]] = [
      pacemakerStatus,
      [{ node: 'node-10', stdout: 'probes/pacemaker/crm_mon_healthy.xml' }],
    ];
    const withHost = [...SEED_NODES.slice(0, 3), { name: 'localhost', roles: ['deployment'], deployHost: 'in the deployment group, no cluster role' }];
    const r = assessSnapshot(snapshotOf([healthyCrmMon], withHost), [pacemakerArea]);
    expect(r.verdict).toBe('HEALTHY');
    expect(r.unprobed).toEqual([]);
    expect(r.deployHosts).toEqual([{ node: 'localhost', why: 'in the deployment group, no cluster role' }]);
    expect(r.headline).toBe(
      'HEALTHY: 4 nodes answer, no problems found; localhost: the deployment host, not a cluster node (in the deployment group, no cluster role)',
    );
    const withStranger = [...SEED_NODES.slice(0, 3), { name: 'bastion', roles: ['bastions'] }];
    const s = assessSnapshot(snapshotOf([healthyCrmMon], withStranger), [pacemakerArea]);
    expect(s.verdict).toBe('INCOMPLETE');
    expect(s.unprobed).toEqual([{ node: 'bastion', roles: ['bastions'] }]);
  });
});
