import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp, type StackmedicApp } from '../../src/app/create-app.js';
import { readEnvOptions } from '../../src/config/env.js';
import { runDoctor } from '../../src/doctor/run.js';
import { loadInventory } from '../../src/inventory/load.js';
import type { Actor, Reply } from '../../src/router/types.js';
import { startSimCluster, type SimCluster } from '../../src/sim/index.js';
import { remote, ShellScript } from '../../src/ssh/shell.js';

const actor: Actor = { id: 'console:test', name: 'test', via: 'console' };

interface AreaReport {
  readonly area: string;
  readonly status: string;
  readonly coverage: string;
}
interface StatusData {
  readonly report: { readonly verdict: string; readonly headline: string; readonly areas: readonly AreaReport[]; readonly problems: readonly unknown[] };
}

/**
 * TripleO operators read nova and neutron on the undercloud with `source ~/overcloudrc`: the
 * simulated TripleO cluster has an undercloud holding /home/stack/overcloudrc, and its controllers
 * hold no credentials, so only a read on the undercloud can answer.
 */
describe('/cluster status on a simulated TripleO cluster reads the OpenStack API on the undercloud', () => {
  let sim: SimCluster;
  let app: StackmedicApp;
  beforeAll(async () => {
    sim = await startSimCluster({ scenario: 'tripleo-healthy', controllers: 3, computes: 2 });
    // Through the loader: the simulator's inventory names the undercloud by its role only.
    app = createApp({ inventory: loadInventory(sim.inventoryPath), env: readEnvOptions({ STACKMEDIC_DB: ':memory:' }) });
  }, 60_000);
  afterAll(async () => {
    await app?.close();
    await sim?.stop();
  });

  const status = async (): Promise<{ reply: Reply; data: StatusData }> => {
    const r = await app.router.dispatch({ text: '/cluster status', actor, role: 'viewer' });
    if (r.kind !== 'reply') throw new Error('expected a reply to /cluster status');
    return { reply: r.reply, data: r.reply.data as StatusData };
  };
  const apiCommands = (from: number) => sim.commandLog.slice(from).filter((c) => /\bopenstack\b/.test(c.command));

  it('the controllers do not answer the overcloud CLI without credentials', async () => {
    const r = await app.pool.exec('node-10', remote(ShellScript.raw('openstack compute service list -f json'), { openrc: true }));
    expect(r.ok && r.exitCode).toBe(1);
    expect(r.ok ? r.stderr : r.message).toMatch(/Missing value auth-url required for auth plugin password/);
  });

  it('reads nova services and neutron agents on the undercloud with the overcloudrc, says so, and is HEALTHY', async () => {
    const from = sim.commandLog.length;
    const { reply, data } = await status();
    const byArea = new Map(data.report.areas.map((a) => [a.area, a]));
    for (const area of ['nova', 'neutron']) {
      expect(byArea.get(area), reply.text).toMatchObject({ status: 'ok', coverage: 'checked cluster-wide on undercloud with /home/stack/overcloudrc' });
    }
    expect(reply.text).toMatch(/^✔ Nova +\d+ services up · checked cluster-wide on undercloud with \/home\/stack\/overcloudrc$/m);
    // The two listings run at the same time: compared in a fixed order.
    expect(
      apiCommands(from)
        .map((c) => `${c.node}: ${c.command}`)
        .sort(),
    ).toEqual([
      'undercloud: . /home/stack/overcloudrc && openstack compute service list -f json',
      'undercloud: . /home/stack/overcloudrc && openstack network agent list -f json',
    ]);
    expect(data.report.verdict, reply.text).toBe('HEALTHY');
    expect(data.report.headline).toMatch(/undercloud: the deployment host, not a cluster node \(TripleO's undercloud, no cluster role\)/);
  }, 60_000);

  it('with the undercloud unreachable, nova and neutron read "not checked: undercloud unreachable", never ✔, and no controller is asked instead', async () => {
    await sim.setNodeDown('undercloud', true);
    try {
      const from = sim.commandLog.length;
      const { reply, data } = await status();
      const byArea = new Map(data.report.areas.map((a) => [a.area, a]));
      for (const area of ['nova', 'neutron']) {
        expect(byArea.get(area), reply.text).toMatchObject({
          status: 'unchecked',
          coverage: 'not checked: undercloud unreachable (the openstack CLI runs there, with /home/stack/overcloudrc)',
        });
      }
      expect(reply.text).not.toMatch(/✔ (Nova|Neutron)/);
      expect(reply.text).toMatch(/^– Nova +not checked: undercloud unreachable/m);
      // The overcloudrc is only on the undercloud: no fallback to a controller (src/deployment/openstack-cli.ts).
      expect(apiCommands(from)).toEqual([]);
      // The undercloud is no cluster node: the verdict is INCOMPLETE and names it, with nothing else wrong.
      expect(data.report.verdict).toBe('INCOMPLETE');
      expect(data.report.problems).toEqual([]);
      expect(data.report.headline).toMatch(/^NO PROBLEM FOUND in what was checked; 2 of \d+ areas not checked \(Nova, Neutron/);
      expect(data.report.headline).toMatch(/undercloud: the deployment host, not a cluster node \(TripleO's undercloud, no cluster role; unreachable: /);
    } finally {
      await sim.setNodeDown('undercloud', false);
    }
    const { data } = await status();
    expect(data.report.areas.find((a) => a.area === 'nova')?.status).toBe('ok');
  }, 120_000);

  it('without the overcloudrc on the undercloud: the doctor fails its tools line, the status says unknown, never ✔', async () => {
    const undercloud = sim.state.nodes.get('undercloud');
    const rc = undercloud?.fs.remove('/home/stack/overcloudrc');
    expect(rc).toBeDefined();
    try {
      const report = await runDoctor({ env: { STACKMEDIC_DB: ':memory:' }, inventory: sim.inventoryPath });
      expect(report.checks.find((c) => c.name === 'undercloud tools')).toMatchObject({
        status: 'fail',
        detail: 'openrc /home/stack/overcloudrc is not readable by root (nova-services, neutron-agents)',
        fix: expect.stringMatching(
          /^put the OpenStack credentials at \/home\/stack\/overcloudrc on undercloud, .*openstack_cli: \(Ansible: stackmedic_overcloudrc\)/,
        ),
      });
      const { reply, data } = await status();
      expect(
        data.report.areas.find((a) => a.area === 'nova'),
        reply.text,
      ).toMatchObject({ status: 'unknown' });
      expect(reply.text).toMatch(/undercloud: .*cannot open \/home\/stack\/overcloudrc/);
    } finally {
      if (rc) undercloud?.fs.put('/home/stack/overcloudrc', rc);
    }
  }, 120_000);
});

describe('the TripleO seed outage, nova read on the undercloud', () => {
  let sim: SimCluster;
  let app: StackmedicApp;
  beforeAll(async () => {
    sim = await startSimCluster({ scenario: 'tripleo-seed-incident' });
    app = createApp({ inventory: sim.inventory, env: readEnvOptions({ STACKMEDIC_DB: ':memory:' }) });
  }, 60_000);
  afterAll(async () => {
    await app?.close();
    await sim?.stop();
  });

  it('names the computes nova reports down, from the undercloud', async () => {
    const r = await app.router.dispatch({ text: '/cluster status', actor, role: 'viewer' });
    if (r.kind !== 'reply') throw new Error('expected a reply');
    expect(r.reply.text).toMatch(/^✘ Nova +.*DOWN/m);
    expect(r.reply.text).toMatch(/nova-compute DOWN on node-18, node-19, node-20/);
    expect(r.reply.text).toMatch(/checked cluster-wide on undercloud with \/home\/stack\/overcloudrc/);
    expect(sim.commandLog.filter((c) => /\bopenstack\b/.test(c.command)).every((c) => c.node === 'undercloud')).toBe(true);
  }, 60_000);
});
