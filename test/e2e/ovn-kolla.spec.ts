import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp, type StackmedicApp } from '../../src/app/create-app.js';
import { readEnvOptions } from '../../src/config/env.js';
import type { Actor, Reply } from '../../src/router/types.js';
import { startSimCluster, type SimCluster } from '../../src/sim/index.js';
import { startService, stopService } from '../../src/sim/state/actions.js';

const actor: Actor = { id: 'console:test', name: 'test', via: 'console' };

interface AreaReport {
  readonly area: string;
  readonly checked: string;
  readonly status: string;
  readonly coverage: string;
  readonly problems: readonly { severity: string; summary: string }[];
}

describe('/cluster status on a kolla-ansible ML2/OVN cluster (kolla-ovn-healthy)', () => {
  let sim: SimCluster;
  let app: StackmedicApp;
  beforeAll(async () => {
    sim = await startSimCluster({ scenario: 'kolla-ovn-healthy' });
    app = createApp({ inventory: sim.inventory, env: readEnvOptions({ STACKMEDIC_DB: ':memory:' }) });
  });
  afterAll(async () => {
    await app?.close();
    await sim?.stop();
  });

  const status = async (): Promise<{ reply: Reply; verdict: string; ovn: AreaReport }> => {
    const r = await app.router.dispatch({ text: '/cluster status', actor, role: 'viewer' });
    if (r.kind !== 'reply') throw new Error('expected a reply');
    const report = (r.reply.data as { report: { verdict: string; areas: AreaReport[] } }).report;
    const ovn = report.areas.find((a) => a.area === 'ovn');
    if (!ovn) throw new Error(`no OVN area in ${r.reply.text}`);
    return { reply: r.reply, verdict: report.verdict, ovn };
  };
  const node = (name: string) => {
    const n = sim.state.nodes.get(name);
    if (!n) throw new Error(`no ${name}`);
    return n;
  };

  it('checks OVN on every controller and every chassis, inside the ovn containers', async () => {
    const before = sim.commandLog.length;
    const { reply, verdict, ovn } = await status();
    expect([ovn.status, ovn.checked]).toEqual(['ok', 'all']);
    expect(ovn.coverage).toBe('checked on 3 of 3 controllers; checked on 3 of 3 nodes');
    expect(reply.text).toMatch(/^✔ OVN +NB leader node-10, 3 servers; SB leader node-10, 3 servers; 3 of 3 chassis connected to SB · /m);
    expect(verdict).toBe('HEALTHY');
    const commands = sim.commandLog.slice(before).map((c) => c.command);
    expect(commands.some((c) => c.includes("docker exec ovn_nb_db sh -c 'c=;"))).toBe(true);
    expect(commands.some((c) => c.includes("docker exec ovn_controller sh -c '"))).toBe(true);
  }, 60_000);

  it('reads critical when the Northbound database has no leader (two of three servers stopped), then ok again', async () => {
    for (const n of ['node-11', 'node-12']) expect(stopService(sim.state, node(n), 'ovn-nb-db').ok).toBe(true);
    const { verdict, ovn } = await status();
    expect(ovn.status).toBe('problem');
    const critical = ovn.problems.filter((p) => p.severity === 'critical').map((p) => p.summary);
    expect(critical).toContain('OVN_Northbound has no leader (node-10 candidate; Leader: unknown)');
    expect(critical).toContain('OVN_Northbound server down on node-11: docker container ovn_nb_db is not running');
    expect(verdict).toBe('CRITICAL');
    for (const n of ['node-11', 'node-12']) expect(startService(sim.state, node(n), 'ovn-nb-db').ok).toBe(true);
    expect((await status()).ovn.status).toBe('ok');
  }, 60_000);

  it('names every chassis that lost the Southbound database when it has no leader', async () => {
    for (const n of ['node-10', 'node-11']) stopService(sim.state, node(n), 'ovn-sb-db');
    const { ovn } = await status();
    const summaries = ovn.problems.map((p) => p.summary);
    for (const chassis of ['node-18', 'node-19', 'node-20'])
      expect(summaries).toContain(`ovn-controller on ${chassis} is not connected to the Southbound database`);
    expect(summaries).toContain('OVN_Southbound has no leader (node-12 candidate; Leader: unknown)');
    for (const n of ['node-10', 'node-11']) startService(sim.state, node(n), 'ovn-sb-db');
  }, 60_000);
});

describe('/cluster status on a kolla-ansible ML2/OVS cluster (kolla-healthy)', () => {
  let sim: SimCluster;
  let app: StackmedicApp;
  beforeAll(async () => {
    sim = await startSimCluster({ scenario: 'kolla-healthy', computes: 1 });
    app = createApp({ inventory: sim.inventory, env: readEnvOptions({ STACKMEDIC_DB: ':memory:' }) });
  });
  afterAll(async () => {
    await app?.close();
    await sim?.stop();
  });

  it('says OVN is not checked because there is none, never a tick, and stays HEALTHY', async () => {
    const r = await app.router.dispatch({ text: '/cluster status', actor, role: 'viewer' });
    if (r.kind !== 'reply') throw new Error('expected a reply');
    expect(r.reply.text).toMatch(/^– OVN +not checked: no OVN \(no OVN database or ovn-controller on node-10, node-11, node-12, node-18\)$/m);
    expect(r.reply.text).not.toMatch(/✔ OVN/);
    expect((r.reply.data as { report: { verdict: string } }).report.verdict).toBe('HEALTHY');
  }, 60_000);
});
