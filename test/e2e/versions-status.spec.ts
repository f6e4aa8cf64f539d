import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createApp, type StackmedicApp } from '../../src/app/create-app.js';
import { readEnvOptions } from '../../src/config/env.js';
import type { VersionsView } from '../../src/health/versions.js';
import { runCheck } from '../../src/incidents/index.js';
import type { DispatchResult } from '../../src/router/router.js';
import type { Actor } from '../../src/router/types.js';
import { loadCatalog } from '../../src/signatures/index.js';
import { startSimCluster, type SimCluster } from '../../src/sim/index.js';
import { appendLog } from '../../src/sim/state/logging.js';
import { SshPool } from '../../src/ssh/pool.js';

/** Installed versions in `/cluster status` and in the incident check, on the simulator's three deployments. */
const actor: Actor = { id: 'console:test', name: 'test', via: 'console' };

let sim: SimCluster | undefined;
let app: StackmedicApp | undefined;
let pool: SshPool | undefined;
afterEach(async () => {
  await app?.close();
  await pool?.close();
  await sim?.stop();
  app = undefined;
  pool = undefined;
  sim = undefined;
});

async function status(scenario: Parameters<typeof startSimCluster>[0]['scenario'], before?: (s: SimCluster) => Promise<void>) {
  sim = await startSimCluster({ scenario });
  await before?.(sim);
  app = createApp({ inventory: sim.inventory, env: readEnvOptions({ STACKMEDIC_DB: ':memory:' }) });
  const r: DispatchResult = await app.router.dispatch({ text: '/cluster status', actor, role: 'viewer' });
  if (r.kind !== 'reply') throw new Error('expected a reply');
  return { text: r.reply.text, blocks: JSON.stringify(r.reply.blocks), versions: (r.reply.data as { versions: VersionsView }).versions };
}

describe('/cluster status shows installed versions per role, judged by nothing', () => {
  it('classic packages (seed incident, Ubuntu 14.04 nodes): the OpenStack packages of controllers and computes', async () => {
    const { text, blocks, versions } = await status('seed-incident');
    expect(text).toMatch(
      /\nVersions \(installed, not judged\):\n {2}controller \(3\): keystone 2:9\.3\.0-1~u14\.04\+mos23, nova-api [^\n]*rabbitmq-server 3\.6\.6-1~u14\.04\+mos6/,
    );
    expect(text).toMatch(/\n {2}compute \(3\): nova-compute 2:13\.1\.4-1~u14\.04\+mos17/);
    // Removed packages (dpkg's `rc`) are not installed: the probe leaves them out.
    expect(versions.roles.flatMap((r) => r.packages.map((p) => p.package))).not.toContain('ceph-common');
    expect(versions.unread).toEqual([]);
    expect(blocks).toContain('Versions: controller (3): keystone 2:9.3.0-1~u14.04+mos23');
    // The line is information: no ✔ and no area of its own in the verdict.
    expect(text).not.toMatch(/✔ Versions/);
  }, 60_000);

  it('kolla-ansible hosts: only the container engine is a host package', async () => {
    const { text } = await status('kolla-healthy');
    expect(text).toMatch(/\n {2}controller \(\d+\): docker-ce 5:24\.0\.7-1~ubuntu\.22\.04~jammy\n/);
    expect(text).not.toMatch(/keystone \d/);
  }, 60_000);

  it('TripleO hosts (RHEL, rpm): pacemaker, corosync and podman with their epochs as rpm prints them', async () => {
    const { text, versions } = await status('tripleo-healthy');
    expect(text).toMatch(/controller \(\d\): pacemaker 2\.1\.5-9\.el9_2, corosync 3\.1\.7-1\.el9, podman 2:4\.4\.1-21\.el9_2/);
    expect(versions.unread).toEqual([]);
  }, 60_000);

  it('names a node whose versions could not be read as not read, never as a version', async () => {
    const { text, versions } = await status('healthy', (s) => s.setNodeDown('node-19', true));
    expect(versions.unread.map((u) => u.node)).toEqual(['node-19']);
    expect(text).toMatch(/\n {2}not read: node-19 \(/);
    expect(text).toMatch(/compute \(2\): /);
  }, 90_000);
});

describe('package lists are reused for 10 minutes by one app, and say when they were read', () => {
  it('a second status a few minutes later lists no packages over SSH and shows the read time; 10 minutes on it reads again', async () => {
    sim = await startSimCluster({ scenario: 'healthy' });
    let now = new Date('2026-12-01T10:00:00Z');
    app = createApp({ inventory: sim.inventory, env: readEnvOptions({ STACKMEDIC_DB: ':memory:' }), clock: () => now });
    const current = sim;
    const listed = () => current.commandLog.filter((e) => e.command.includes('dpkg-query -W')).length;
    const run = async () => {
      const r = await app?.router.dispatch({ text: '/cluster status', actor, role: 'viewer' });
      if (r?.kind !== 'reply') throw new Error('expected a reply');
      return r.reply;
    };
    const first = await run();
    const nodes = sim.inventory.nodes.length;
    expect(listed()).toBe(nodes);
    expect(first.text).toContain('\nVersions (installed, not judged):\n');

    now = new Date('2026-12-01T10:03:00Z');
    const second = await run();
    expect(listed()).toBe(nodes);
    expect(second.text).toContain('\nVersions (installed, not judged; read 10:00 UTC):\n');
    expect(JSON.stringify(second.blocks)).toContain('Versions (read 10:00 UTC): controller (3)');

    now = new Date('2026-12-01T10:10:30Z');
    const third = await run();
    expect(listed()).toBe(2 * nodes);
    expect(third.text).toContain('\nVersions (installed, not judged):\n');
  }, 90_000);
});

describe('the incident check reads signature versions from the probed packages', () => {
  it("marks keystone's LDAP pool exhaustion (hotsos's real line) on node-10's keystone 2:17.0.0 as an affected version", async () => {
    sim = await startSimCluster({ scenario: 'healthy' });
    pool = new SshPool(sim.inventory);
    const node = sim.state.nodes.get('node-10');
    if (!node) throw new Error('no node-10');
    const line = readFileSync(join(import.meta.dirname, '../fixtures/logs/real/keystone/hotsos_lp1896125_ldap_pool.log'), 'utf8')
      .replace(/\n$/, '')
      .split('\n');
    appendLog(node, '/var/log/keystone/keystone.log', line, sim.state.clock.now());
    const current = sim;
    const check = await runCheck(sim.inventory, pool, await loadCatalog(), {
      clock: () => new Date(current.state.clock.now()),
      // The real line is from 2021: the window reaches it.
      evidenceHours: 24 * 365 * 10,
      external: { evidence: [], signatures: [], nodes: ['node-10'] },
    });
    const ldap = check.logFindings.find((f) => f.signature === 'keystone-ldap-pool-exhausted');
    expect(ldap?.node).toBe('node-10');
    expect(ldap?.fields).toMatchObject({ package: 'keystone', installedVersion: '2:17.0.0-0ubuntu0.20.04.1', versionVerdict: 'affected', fixedIn: '2:17.0.1' });
  }, 90_000);
});
