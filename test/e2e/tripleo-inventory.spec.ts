import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp, type StackmedicApp } from '../../src/app/create-app.js';
import { readEnvOptions } from '../../src/config/env.js';
import { loadInventory } from '../../src/inventory/load.js';
import type { Actor, Reply } from '../../src/router/types.js';
import { startSimCluster, type SimCluster } from '../../src/sim/index.js';

/** tripleo-ansible-inventory's own static YAML (tripleo-common's test data), see test/fixtures/inventory/real/SOURCE.md. */
const STATIC = join(import.meta.dirname, '../fixtures/inventory/real/tripleo/overcloud_static.yaml');
const actor: Actor = { id: 'console:test', name: 'test', via: 'console' };

interface AreaReport {
  readonly area: string;
  readonly checked: string;
  readonly status: string;
}

/**
 * The inventory pointed at the simulator the way an operator points it at machines: each
 * overcloud host's ansible_host (with a port, and root, whom the simulator lets in, for
 * heat-admin) replaced, and the undercloud reached over SSH (stackmedic does not run on the
 * undercloud here, and the overcloud's openstack CLI is read there, with its overcloudrc).
 */
function staticInventoryFor(sim: SimCluster): string {
  const text = readFileSync(STATIC, 'utf8')
    .replace('{ansible_host: 192.168.24.12,', `{ansible_host: 127.0.0.1, ansible_port: ${sim.portOf('node-10')}, ansible_ssh_user: root,`)
    .replace('{ansible_host: 192.168.24.13,', `{ansible_host: 127.0.0.1, ansible_port: ${sim.portOf('node-18')}, ansible_ssh_user: root,`)
    .replace('    ansible_connection: local\n    ansible_host: localhost\n', `    ansible_host: 127.0.0.1\n    ansible_port: ${sim.portOf('undercloud')}\n`);
  return `${text}all:\n  vars:\n    ansible_ssh_private_key_file: ${sim.clientKeyPath}\n    stackmedic_known_hosts: ${sim.knownHostsPath}\n`;
}

describe("tripleo-ansible-inventory's static inventory, hosts pointed at a simulated TripleO cluster", () => {
  let sim: SimCluster;
  let app: StackmedicApp;
  beforeAll(async () => {
    sim = await startSimCluster({ scenario: 'tripleo-healthy', controllers: 1, computes: 1 });
    const path = join(sim.dir, 'tripleo-ansible-inventory.yaml');
    writeFileSync(path, staticInventoryFor(sim));
    app = createApp({ inventory: loadInventory(path), env: readEnvOptions({ STACKMEDIC_DB: ':memory:' }) });
  });
  afterAll(async () => {
    await app?.close();
    await sim?.stop();
  });

  const dispatch = async (text: string): Promise<Reply> => {
    const r = await app.router.dispatch({ text, actor, role: 'viewer' });
    if (r.kind !== 'reply') throw new Error(`expected a reply to ${text}`);
    return r.reply;
  };

  it('/cluster status checks every area inside the bundles and containers, detects TripleO, and reads nova and neutron on the undercloud', async () => {
    const reply = await dispatch('/cluster status');
    const report = (reply.data as { report: { verdict: string; headline: string; areas: AreaReport[]; unprobed: unknown[]; deployHosts?: unknown[] } }).report;
    // The TripleO simulator has no ovn-dbs-bundle yet: OVN says it is not checked, and why.
    for (const a of report.areas) expect([a.area, a.checked, a.status], reply.text).toEqual([a.area, 'all', a.area === 'ovn' ? 'unchecked' : 'ok']);
    expect(report.unprobed).toEqual([]);
    expect(report.deployHosts).toEqual([{ node: 'undercloud', why: "TripleO's undercloud, no cluster role" }]);
    // `plan: overcloud` in the Undercloud group's vars: tripleoclient's overcloudrc in the stack user's home.
    for (const area of ['nova', 'neutron']) {
      expect(report.areas.find((a) => a.area === area)).toMatchObject({ coverage: 'checked cluster-wide on undercloud with /home/stack/overcloudrc' });
    }
    expect(report.verdict).toBe('HEALTHY');
    expect(reply.text).toMatch(
      /^Deployment: tripleo \(detected on overcloud-controller-0: pacemaker bundles galera-bundle, rabbitmq-bundle, haproxy-bundle\)$/m,
    );
    expect(sim.commandLog.some((c) => c.node === 'node-10' && c.command.includes('podman container inspect rabbitmq-bundle-podman-$n'))).toBe(true);
  });
});
