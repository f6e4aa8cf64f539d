import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp, type StackmedicApp } from '../../src/app/create-app.js';
import { readEnvOptions } from '../../src/config/env.js';
import type { Actor } from '../../src/router/types.js';
import { startSimCluster, type SimCluster } from '../../src/sim/index.js';
import { lookupProgram } from '../../src/sim/programs/index.js';

const actor: Actor = { id: 'console:test', name: 'test', via: 'console' };

describe('/cluster status on kolla-ansible with kolla_container_engine: podman (kolla-podman-healthy)', () => {
  let sim: SimCluster;
  let app: StackmedicApp;
  beforeAll(async () => {
    sim = await startSimCluster({ scenario: 'kolla-podman-healthy' });
    app = createApp({ inventory: sim.inventory, env: readEnvOptions({ STACKMEDIC_DB: ':memory:' }) });
  });
  afterAll(async () => {
    await app?.close();
    await sim?.stop();
  });

  it('checks every area through podman, and docker is not there', async () => {
    const before = sim.commandLog.length;
    const r = await app.router.dispatch({ text: '/cluster status', actor, role: 'viewer' });
    if (r.kind !== 'reply') throw new Error('expected a reply');
    const report = (r.reply.data as { report: { verdict: string; areas: { area: string; checked: string; status: string }[] } }).report;
    for (const a of report.areas) expect([a.area, a.checked, a.status], r.reply.text).toEqual([a.area, 'all', 'ok']);
    expect(report.areas.map((a) => a.area)).toContain('ovn');
    expect(report.verdict).toBe('HEALTHY');
    const commands = sim.commandLog.slice(before).map((c) => c.command);
    expect(commands.some((c) => c.includes("podman exec mariadb sh -c 'mysql -N -B"))).toBe(true);
    expect(commands.some((c) => c.includes("podman exec ovn_sb_db sh -c 'c=;"))).toBe(true);
    // The installed versions are the podman host's: podman listed, docker's packages not.
    expect(r.reply.text).toMatch(/podman 3\.4\.4/);
    expect(r.reply.text).not.toMatch(/docker-ce/);
  }, 60_000);

  it('answers as a podman host does: podman is installed, docker is not, the volumes are under podman storage', () => {
    for (const node of sim.state.nodes.values()) {
      expect([node.name, lookupProgram('podman', node, undefined) !== undefined, lookupProgram('docker', node, undefined) !== undefined]).toEqual([
        node.name,
        true,
        false,
      ]);
    }
    const n10 = sim.state.nodes.get('node-10');
    expect(n10?.fs.exists('/var/lib/containers/storage/volumes/cinder/_data/conversion')).toBe(true);
    expect(n10?.fs.exists('/var/lib/docker/volumes/cinder/_data/conversion')).toBe(false);
  });
});
