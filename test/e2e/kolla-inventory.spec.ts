import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp, type StackmedicApp } from '../../src/app/create-app.js';
import { readEnvOptions } from '../../src/config/env.js';
import { loadInventory } from '../../src/inventory/load.js';
import type { Actor, Reply } from '../../src/router/types.js';
import { startSimCluster, type SimCluster } from '../../src/sim/index.js';

const MULTINODE = join(import.meta.dirname, '../fixtures/inventory/real/kolla-ansible/multinode');
const actor: Actor = { id: 'console:test', name: 'test', via: 'console' };

/**
 * Kolla-ansible's own multinode file, with each host pointed at a simulated node the way an
 * operator points it at a machine: ansible_host/ansible_port on the host line. The network,
 * monitoring and storage hosts share the controllers' simulated machines (kolla allows network
 * hosts to be control hosts); localhost stays `ansible_connection=local`.
 */
function kollaMultinodeFor(sim: SimCluster, openrc = '/root/openrc'): string {
  const machine: Readonly<Record<string, string>> = {
    control01: 'node-10',
    control02: 'node-11',
    control03: 'node-12',
    compute01: 'node-18',
    network01: 'node-10',
    network02: 'node-11',
    monitoring01: 'node-12',
    storage01: 'node-12',
  };
  const lines = readFileSync(MULTINODE, 'utf8')
    .split('\n')
    .map((line) => {
      const name = machine[line.trim()];
      return name ? `${line.trim()} ansible_host=127.0.0.1 ansible_port=${sim.portOf(name)}` : line;
    });
  return [
    ...lines,
    '[all:vars]',
    `ansible_ssh_private_key_file=${sim.clientKeyPath}`,
    `stackmedic_known_hosts=${sim.knownHostsPath}`,
    `stackmedic_openrc=${openrc}`,
    '',
  ].join('\n');
}

interface AreaReport {
  readonly area: string;
  readonly checked: string;
  readonly status: string;
  readonly coverage: string;
}

describe("kolla-ansible's multinode inventory, hosts pointed at the simulator", () => {
  let sim: SimCluster;
  let app: StackmedicApp;
  beforeAll(async () => {
    sim = await startSimCluster({ scenario: 'healthy', computes: 1 });
    const path = join(sim.dir, 'multinode');
    writeFileSync(path, kollaMultinodeFor(sim));
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

  it('/cluster status checks every area, on the controllers and the compute kolla names', async () => {
    const reply = await dispatch('/cluster status');
    const report = (reply.data as { report: { verdict: string; headline: string; areas: AreaReport[]; unprobed: { node: string; roles: string[] }[] } }).report;
    expect(report.areas.map((a) => a.area)).toEqual(['pacemaker', 'rabbitmq', 'galera', 'ceph', 'nova', 'neutron', 'ovn', 'disk', 'libvirt']);
    // This cluster runs ML2/OVS: OVN is not checked, and says why (never a tick, no gap).
    for (const a of report.areas) expect([a.area, a.checked, a.status]).toEqual([a.area, 'all', a.area === 'ovn' ? 'unchecked' : 'ok']);
    expect(reply.text).toMatch(/^– OVN +not checked: no OVN \(/m);
    expect(reply.text).toMatch(/✔ RabbitMQ .* checked on 3 of 3 controllers/);
    expect(reply.text).toMatch(/✔ Galera .* checked on 3 of 3 controllers/);
    expect(reply.text).toMatch(/✔ libvirt .* checked on 1 of 1 compute/);
    expect(reply.text).toMatch(/✔ Pacemaker .* checked cluster-wide from control01/);
    // Every cluster host kolla names is probed (network, monitoring and storage ones by the node
    // probes); kolla's deployment host is no cluster node, so it is no gap: the verdict says so.
    expect(report.unprobed).toEqual([]);
    expect((report as { deployHosts?: unknown }).deployHosts).toEqual([{ node: 'localhost', why: 'in the deployment group, no cluster role' }]);
    expect(report.verdict).toBe('HEALTHY');
    expect(report.headline).toBe(
      'HEALTHY: 9 nodes answer, no problems found; localhost: the deployment host, not a cluster node (in the deployment group, no cluster role)',
    );
    expect(reply.text).not.toMatch(/Not probed/);
  });

  it('/cluster ping reaches every host, localhost on this machine through ansible_connection=local', async () => {
    const before = sim.commandLog.length;
    const reply = await dispatch('/cluster ping');
    expect(reply.title).toBe('All 9 nodes answer.');
    expect(reply.text).toMatch(/^localhost +deployment +ok /m);
    expect(reply.text).toMatch(/^control01 +controller +ok /m);
    // Eight hosts went to the simulated machines over SSH; localhost's ping ran here instead.
    expect(sim.commandLog.slice(before).filter((c) => c.command === 'cat /proc/uptime; hostname')).toHaveLength(8);
  });
});

describe("kolla-ansible's multinode inventory on a simulated kolla-ansible cluster (containers, no pacemaker)", () => {
  let sim: SimCluster;
  let app: StackmedicApp;
  beforeAll(async () => {
    sim = await startSimCluster({ scenario: 'kolla-healthy', computes: 1 });
    const path = join(sim.dir, 'multinode');
    writeFileSync(path, kollaMultinodeFor(sim, '/etc/kolla/admin-openrc.sh'));
    app = createApp({ inventory: loadInventory(path), env: readEnvOptions({ STACKMEDIC_DB: ':memory:' }) });
  });
  afterAll(async () => {
    await app?.close();
    await sim?.stop();
  });

  it('/cluster status checks every area inside the containers; pacemaker is not used, and the deployment is detected', async () => {
    const r = await app.router.dispatch({ text: '/cluster status', actor, role: 'viewer' });
    if (r.kind !== 'reply') throw new Error('expected a reply');
    const report = (r.reply.data as { report: { areas: AreaReport[] } }).report;
    for (const a of report.areas) expect([a.area, a.checked, a.status]).toEqual([a.area, 'all', a.area === 'ovn' ? 'unchecked' : 'ok']);
    expect(r.reply.text).toMatch(/✔ Pacemaker +not used by this deployment \(kolla-ansible: HA through keepalived and haproxy\)/);
    expect(r.reply.text).toMatch(/^Deployment: kolla-ansible \(detected on control01: \/etc\/kolla, no pacemaker\)$/m);
    expect(sim.commandLog.some((c) => c.command.includes("docker exec mariadb sh -c 'mysql -N -B"))).toBe(true);
  });
});
