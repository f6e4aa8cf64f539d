import { execFile } from 'node:child_process';
import { createServer, type AddressInfo } from 'node:net';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp, type StackmedicApp } from '../../src/app/create-app.js';
import { readEnvOptions } from '../../src/config/env.js';
import type { Inventory } from '../../src/inventory/types.js';
import type { DispatchResult } from '../../src/router/router.js';
import type { Actor } from '../../src/router/types.js';
import { startSimCluster, type SimCluster } from '../../src/sim/index.js';
import { healthAreas } from '../../src/health/registry.js';
import { takeSnapshot } from '../../src/health/snapshot.js';
import { diskUsage, libvirtStatus } from '../../src/probes/index.js';

const actor: Actor = { id: 'console:test', name: 'test', via: 'console' };
const MAIN = join(import.meta.dirname, '../../dist/src/main.js');

function replyOf(r: DispatchResult): { ok: boolean; title: string; text: string; data?: unknown; blocks?: readonly unknown[] } {
  if (r.kind !== 'reply') throw new Error('expected a reply');
  return r.reply;
}

describe('/cluster status on the simulated seed incident', () => {
  let sim: SimCluster;
  let app: StackmedicApp;
  beforeAll(async () => {
    sim = await startSimCluster({ scenario: 'seed-incident' });
    app = createApp({ inventory: sim.inventory, env: readEnvOptions({ STACKMEDIC_DB: ':memory:' }) });
  });
  afterAll(async () => {
    await app?.close();
    await sim?.stop();
  });

  it('names the full root disk, the stopped RabbitMQ and pacemaker resources, the down agents and computes', async () => {
    const reply = replyOf(await app.router.dispatch({ text: '/cluster status', actor, role: 'viewer' }));
    expect(reply.ok).toBe(false);
    expect(reply.title).toMatch(/^CRITICAL: \d+ problems on 6 nodes$/);
    const text = reply.text;
    expect(text).toMatch(/Likely cause: Disk full \(df\) on node-10 -> .*RabbitMQ not running on node-10.* -> .*nova-compute reported down on 3 nodes/);
    expect(text).toMatch(/✘ Disk +node-10 \/ 100% full, 0 B free \(83\.7 GB in \/var\/lib\/cinder\/conversion\)/);
    expect(text).toMatch(/✘ RabbitMQ +RabbitMQ not running on node-10/);
    expect(text).toMatch(/✘ Pacemaker +\d+ resources stopped on node-10: .*clone_p_rabbitmq-server/);
    expect(text).toMatch(/agents DOWN on node-10: .*L3 agent/);
    expect(text).toMatch(/agents DOWN on node-11/);
    expect(text).toMatch(/agents DOWN on node-12/);
    expect(text).toMatch(/nova-compute DOWN on node-18, node-19, node-20/);
    expect(text).toMatch(/✘ libvirt +node-18: socket \/var\/run\/libvirt\/libvirt-sock missing/);
    expect(text).toMatch(/Next:\n {2}\/cluster free-disk node-10\n[\s\S]*\/rabbit heal node-10[\s\S]*\/compute fix-libvirt node-18/);
    const blocks = JSON.stringify(reply.blocks);
    expect(blocks).toContain('node-10 / 100% full');
    expect(blocks).toContain('nova-compute DOWN on node-18, node-19, node-20');
    // Every area says what it read, in the text, in Slack and in the JSON.
    expect(text).toMatch(/✘ RabbitMQ +RabbitMQ not running on node-10\n +· checked on 3 of 3 controllers\n/);
    expect(text).toMatch(/✘ libvirt +[\s\S]*?· checked on 3 of 3 computes\n/);
    expect(blocks).toContain('(checked on 6 of 6 nodes)');
    const data = reply.data as { report: { areas: { area: string; checked: string; coverage: string }[] } };
    expect(data.report.areas.map((a) => a.checked)).toEqual(healthAreas.map(() => 'all'));
    expect(data.report.areas.find((a) => a.area === 'nova')?.coverage).toMatch(/^checked cluster-wide from node-1\d$/);
  });

  it('/cluster disk names node-10 full and the 83.7 GB cinder conversion leftover', async () => {
    const reply = replyOf(await app.router.dispatch({ text: '/cluster disk', actor, role: 'viewer' }));
    expect(reply.ok).toBe(false);
    expect(reply.title).toBe('1 full and 0 high mount.');
    expect(reply.text).toMatch(/^node-10 +\/ +100% FULL +0 B +107 GB$/m);
    expect(reply.text).toMatch(/^node-11 +\/ +\d+% +[\d.]+ GB/m);
    expect(reply.text).toMatch(/83\.7 GB +\/var\/lib\/cinder\/conversion\/tmp\w+ +\[cinder-conversion, modified 2017-02-14/);
  });

  it('/cluster node node-18 shows the missing libvirt socket and each probe', async () => {
    const reply = replyOf(await app.router.dispatch({ text: '/cluster node node-18', actor, role: 'viewer' }));
    expect(reply.title).toBe('node-18 (compute): 1 problem.');
    expect(reply.text).toMatch(/^✘ node-18: socket \/var\/run\/libvirt\/libvirt-sock missing$/m);
    expect(reply.text).toMatch(/^libvirt \(\d+ ms\):\n {4}\{ "socketPresent": false, "daemonRunning": true \}$/m);
    expect(reply.text).toMatch(/^Init system \(\d+ ms\):\n {4}"sysv"$/m);
  });

  it('reads only: every command the nodes received is a probe', () => {
    const writes = sim.commandLog.filter(
      (c) => /\b(rm|restart|stop|start|reset|cleanup)\b/.test(c.command) && !/status|list|crm_mon|cluster_status/.test(c.command),
    );
    expect(writes).toEqual([]);
  });
});

describe('/cluster status on a healthy cluster and with a node that never answers', () => {
  let sim: SimCluster;
  beforeAll(async () => {
    sim = await startSimCluster({ scenario: 'healthy', slowNodes: { 'node-19': 60_000 } });
  });
  afterAll(async () => {
    await sim?.stop();
  });

  it('says HEALTHY when the slow node answers in time', async () => {
    sim.setNodeDelay('node-19', 0);
    const app = createApp({ inventory: sim.inventory, env: readEnvOptions({ STACKMEDIC_DB: ':memory:' }) });
    try {
      const reply = replyOf(await app.router.dispatch({ text: '/cluster status', actor, role: 'viewer' }));
      expect(reply.title).toBe('HEALTHY: 6 nodes answer, no problems found');
      expect(reply.ok).toBe(true);
      expect(reply.text).toMatch(/✔ Pacemaker +3 nodes online/);
      expect(reply.text).toMatch(/✔ libvirt +libvirtd running on 3 computes · checked on 3 of 3 computes$/m);
    } finally {
      await app.close();
    }
  });

  it('shows a node that times out as unreachable while the rest of the report is complete', async () => {
    sim.setNodeDelay('node-19', 60_000);
    const app = createApp({ inventory: sim.inventory, env: readEnvOptions({ STACKMEDIC_DB: ':memory:' }) });
    try {
      const reply = replyOf(await app.router.dispatch({ text: '/cluster status', actor, role: 'viewer' }));
      expect(reply.title).toBe('CRITICAL: 1 problem on 1 node, 1 unreachable');
      expect(reply.text).toMatch(/Unreachable:\n {2}node-19: no answer from node-19 within 10 s/);
      // The dead node costs one timeout: disk usage (20 s budget) was abandoned when libvirt's
      // probe (10 s) gave up, and says so.
      const data = reply.data as { report: { unreachable: { node: string }[] } };
      expect(data.report.unreachable.map((u) => u.node)).toEqual(['node-19']);
      const snapshot = await takeSnapshot(sim.inventory, app.pool, { probes: [diskUsage, libvirtStatus], nodes: ['node-19'] });
      const disk = snapshot.of(diskUsage)[0];
      expect(disk?.kind === 'failed' && disk.failure.message).toBe('no answer from node-19 within 10 s');
      expect(reply.text).toMatch(/✔ RabbitMQ +3 nodes running/);
      expect(reply.text).toMatch(/✔ Nova +12 services up/);
      expect(reply.text).toMatch(/✔ libvirt +libvirtd running on 2 computes · checked on 2 of 3 computes; not checked: node-19 unreachable$/m);
    } finally {
      await app.close();
      sim.setNodeDelay('node-19', 0);
    }
    // Two 10 s timeouts by design (the status, then the snapshot): ~21 s on a loaded machine, too
    // close to the default 30 s.
  }, 90_000);
});

describe('/cluster status on inventories it cannot fully check', () => {
  let sim: SimCluster;
  beforeAll(async () => {
    sim = await startSimCluster({ scenario: 'healthy' });
  });
  afterAll(async () => {
    await sim?.stop();
  });

  async function statusOf(inventory: Inventory): Promise<ReturnType<typeof replyOf>> {
    const app = createApp({ inventory, env: readEnvOptions({ STACKMEDIC_DB: ':memory:' }) });
    try {
      return replyOf(await app.router.dispatch({ text: '/cluster status', actor, role: 'viewer' }));
    } finally {
      await app.close();
    }
  }

  const ALL_AREAS_NOT_CHECKED = `${healthAreas.length} of ${healthAreas.length} areas not checked (${healthAreas.map((a) => a.title).join(', ')})`;

  /** kolla-ansible's groups (`control`, `deployment`) as roles, as an inventory without a role mapping gives them. */
  const kollaRoles = (roles: readonly string[]): string[] => (roles.includes('controller') ? ['control'] : ['deployment']);

  it('checks nothing and says why when no node has a role any area uses: never healthy, never ✔', async () => {
    const inventory = { ...sim.inventory, nodes: sim.inventory.nodes.map((n) => ({ ...n, roles: kollaRoles(n.roles) })) };
    const sent = sim.commandLog.length;
    const reply = await statusOf(inventory);
    expect(sim.commandLog.length).toBe(sent);
    expect(reply.ok).toBe(false);
    const verdict = `NOTHING CHECKED: ${ALL_AREAS_NOT_CHECKED}; 6 nodes not probed`;
    expect(reply.title.slice(0, verdict.length)).toBe(verdict);
    expect(reply.title).not.toMatch(/healthy/i);
    expect(reply.text).not.toContain('✔');
    expect(reply.text).toMatch(/^– Pacemaker +not checked: no node has the controller role \(map a group in the inventory\)$/m);
    expect(reply.text).toMatch(/^– Disk +not checked: no node has the controller or compute or network or .* role \(map a group in the inventory\)$/m);
    expect(reply.text).toMatch(/^Not probed \(no area checks their roles; map their groups in the inventory\):\n {2}node-10 \(control\)$/m);
    expect(JSON.stringify(reply.blocks)).toContain(':white_circle: *RabbitMQ*: not checked: no node has the controller role (map a group in the inventory)');
    const data = reply.data as { report: { verdict: string; areas: { status: string }[] } };
    expect(data.report.verdict).toBe('INCOMPLETE');
    expect(data.report.areas.map((a) => a.status)).toEqual(healthAreas.map(() => 'unchecked'));
    const app = createApp({ inventory, env: readEnvOptions({ STACKMEDIC_DB: ':memory:' }) });
    try {
      const node = replyOf(await app.router.dispatch({ text: '/cluster node node-10', actor, role: 'viewer' }));
      expect(node.ok).toBe(false);
      expect(node.title).toBe('node-10 (control): not checked: no probe runs on its roles (map a group in the inventory)');
    } finally {
      await app.close();
    }
  });

  it('never ticks Disk or libvirt when the only compute probed is unreachable', async () => {
    const closedPort = await new Promise<number>((resolve) => {
      const server = createServer().listen(0, '127.0.0.1', () => {
        const { port } = server.address() as AddressInfo;
        server.close(() => resolve(port));
      });
    });
    const controllers = sim.inventory.nodes.filter((n) => n.roles.includes('controller')).map((n) => ({ ...n, roles: kollaRoles(n.roles) }));
    const compute = sim.inventory.nodes.find((n) => n.name === 'node-18');
    if (!compute) throw new Error('the simulator has no node-18');
    const reply = await statusOf({ ...sim.inventory, nodes: [...controllers, { ...compute, port: closedPort }] });
    expect(reply.ok).toBe(false);
    const verdict = `CRITICAL: 1 problem on 1 node, 1 unreachable; ${ALL_AREAS_NOT_CHECKED}; 3 nodes not probed`;
    expect(reply.title.slice(0, verdict.length)).toBe(verdict);
    expect(reply.text).not.toContain('✔');
    expect(reply.text).toMatch(/^– Disk +not checked: node-18 unreachable$/m);
    expect(reply.text).toMatch(/^– libvirt +not checked: node-18 unreachable$/m);
    expect(reply.text).toMatch(/Unreachable:\n {2}node-18: /);
  });
});

describe('stackmedic run "/cluster status" --sim', () => {
  const run = promisify(execFile);
  const env = { PATH: process.env.PATH, HOME: process.env.HOME, STACKMEDIC_DB: join(mkdtempSync(join(tmpdir(), 'stackmedic-status-')), 'db.sqlite') };

  it('--sim seed-incident names the outage and exits 1', async () => {
    const r = await run(process.execPath, [MAIN, 'run', '/cluster status', '--sim', 'seed-incident'], { env, timeout: 60_000 }).catch(
      (e: { code: number; stdout: string }) => e,
    );
    expect('code' in r ? r.code : 0).toBe(1);
    expect(r.stdout).toMatch(/CRITICAL: \d+ problems on 6 nodes/);
    expect(r.stdout).toMatch(/node-10 \/ 100% full/);
  });

  it('--sim healthy says healthy and exits 0', async () => {
    const r = await run(process.execPath, [MAIN, 'run', '/cluster status', '--sim', 'healthy'], { env, timeout: 60_000 });
    expect(r.stdout).toMatch(/^ {2}… probing 6 nodes\.\.\.\nHEALTHY: 6 nodes answer, no problems found\n/);
  });

  it('--sim with an unknown scenario is a usage error naming the scenarios', async () => {
    const r = await run(process.execPath, [MAIN, 'run', '/cluster status', '--sim', 'nope'], { env, timeout: 60_000 }).catch(
      (e: { code: number; stderr: string }) => e,
    );
    expect('code' in r ? r.code : 0).toBe(2);
    expect(r.stderr).toMatch(/unknown simulator scenario "nope"; choose one of: healthy, seed-incident/);
  });
});
