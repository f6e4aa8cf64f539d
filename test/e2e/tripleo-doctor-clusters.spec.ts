import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runDoctor } from '../../src/doctor/run.js';
import { startTwoClusters, type TwoClusters } from '../support/two-clusters.js';

/** `stackmedic doctor` on one inventory holding a classic and a TripleO cluster, both simulated. */
describe('stackmedic doctor on a multi-cluster inventory', () => {
  let two: TwoClusters;
  beforeAll(async () => {
    two = await startTwoClusters({ east: 'healthy', west: 'tripleo-healthy' });
  }, 60_000);
  afterAll(async () => {
    await two?.stop();
  });

  it('checks every cluster, each line naming its cluster, the TripleO tools inside the bundles', async () => {
    const report = await runDoctor({ env: { STACKMEDIC_DB: ':memory:' }, inventory: two.inventoryPath });
    expect(report.checks.find((c) => c.name === 'inventory')).toMatchObject({ status: 'pass', detail: expect.stringMatching(/^2 clusters from /) });
    const tools = report.checks.filter((c) => c.name.endsWith(' tools'));
    // West is TripleO: its undercloud is checked too, for the openstack CLI and the overcloudrc the API probes use there.
    expect(tools.map((c) => c.name.split(':')[0]).sort()).toEqual([...Array(6).fill('east'), ...Array(7).fill('west')]);
    for (const c of tools) expect([c.name, c.status], c.detail).toEqual([c.name, 'pass']);
    expect(tools.find((c) => c.name === 'west: node-10 tools')?.detail).toMatch(/rabbitmqctl \(in rabbitmq-bundle-podman-0\)/);
    expect(tools.find((c) => c.name === 'west: undercloud tools')?.detail).toBe('openstack; openrc /home/stack/overcloudrc readable');
    expect(tools.find((c) => c.name === 'west: node-10 tools')?.detail).not.toMatch(/openrc/);
    expect(report.checks.filter((c) => c.name.endsWith('known_hosts')).map((c) => c.name)).toEqual(['east: known_hosts', 'west: known_hosts']);
    expect(report.target).toMatch(/^2 clusters \(east, west\)/);
  }, 120_000);

  it('--cluster checks only the one named, and names the others when the name is wrong', async () => {
    const west = await runDoctor({ env: { STACKMEDIC_DB: ':memory:' }, inventory: two.inventoryPath, cluster: 'west' });
    const names = west.checks.filter((c) => c.name.endsWith(' tools')).map((c) => c.name);
    expect(names).toHaveLength(7);
    expect(names.every((n) => !n.includes(':'))).toBe(true);
    const wrong = await runDoctor({ env: { STACKMEDIC_DB: ':memory:' }, inventory: two.inventoryPath, cluster: 'north' });
    expect(wrong.checks.find((c) => c.name === 'inventory')).toMatchObject({
      status: 'fail',
      detail: expect.stringMatching(/no cluster north .*\(it holds east, west\)/),
    });
    expect(wrong.exitCode).not.toBe(0);
  }, 120_000);
});
