import { afterEach, describe, expect, it } from 'vitest';
import { createApp, type StackmedicApp } from '../../src/app/create-app.js';
import { readEnvOptions } from '../../src/config/env.js';
import type { Actor } from '../../src/router/types.js';
import { startSimCluster, type SimCluster } from '../../src/sim/index.js';
import { stopService } from '../../src/sim/state/actions.js';

/**
 * Whether a compute runs an ovn-controller is asked once per 10 minutes where it runs none (most
 * clusters are ML2/OVS), every status where it runs one; what was reused says when it was read.
 */
const actor: Actor = { id: 'console:test', name: 'test', via: 'console' };

interface AreaReport {
  readonly area: string;
  readonly status: string;
  readonly notUsed?: boolean;
  readonly note: string;
  readonly coverage: string;
}

let sim: SimCluster | undefined;
let app: StackmedicApp | undefined;
afterEach(async () => {
  await app?.close();
  await sim?.stop();
  app = undefined;
  sim = undefined;
});

async function start(scenario: 'healthy' | 'kolla-ovn-healthy') {
  const s = await startSimCluster({ scenario });
  sim = s;
  const clock = { now: new Date('2026-12-01T10:00:00Z') };
  const a = createApp({ inventory: s.inventory, env: readEnvOptions({ STACKMEDIC_DB: ':memory:' }), clock: () => clock.now });
  app = a;
  const asked = () => s.commandLog.filter((e) => e.command.includes('ovn_controller')).map((e) => e.node);
  const status = async () => {
    const r = await a.router.dispatch({ text: '/cluster status', actor, role: 'viewer' });
    if (r.kind !== 'reply') throw new Error('expected a reply');
    const areas = (r.reply.data as { report: { areas: AreaReport[] } }).report.areas;
    const ovn = areas.find((x) => x.area === 'ovn');
    if (!ovn) throw new Error(`no OVN area in ${r.reply.text}`);
    return { text: r.reply.text, ovn };
  };
  return { clock, asked, status };
}

describe('the ovn-controller question, reused where a node has none', () => {
  it('ML2/OVS: asked on each compute once, then not for 10 minutes, and the not-checked line says when it was read', async () => {
    const { clock, asked, status } = await start('healthy');
    const first = await status();
    const computes = asked().length;
    expect(computes).toBeGreaterThan(0);
    expect([first.ovn.status, first.ovn.notUsed]).toEqual(['unchecked', true]);
    expect(first.ovn.note).toMatch(/^not checked: no OVN \(no OVN database or ovn-controller on [^)]*\)$/);
    expect(first.ovn.note).not.toMatch(/read \d\d:\d\d UTC/);

    clock.now = new Date('2026-12-01T10:05:00Z');
    const second = await status();
    expect(asked().length).toBe(computes);
    expect([second.ovn.status, second.ovn.notUsed]).toEqual(['unchecked', true]);
    expect(second.ovn.note).toMatch(/^not checked: no OVN \(no OVN database or ovn-controller on [^)]*; read 10:00 UTC\)$/);
    expect(second.text).toContain('read 10:00 UTC)');

    clock.now = new Date('2026-12-01T10:10:01Z');
    await status();
    expect(asked().length).toBe(2 * computes);
  }, 90_000);

  it('ML2/OVN: every chassis is asked on every status, and a chassis that loses its controller shows at once', async () => {
    const { clock, asked, status } = await start('kolla-ovn-healthy');
    await status();
    const chassis = asked().length;
    expect(chassis).toBeGreaterThan(0);
    clock.now = new Date('2026-12-01T10:01:00Z');
    const again = await status();
    expect(asked().length).toBe(2 * chassis);
    expect(again.ovn.status).toBe('ok');

    // A minute later the controller of one chassis stops: the next status sees it, nothing reused.
    const name = asked()[0] as string;
    const node = sim?.state.nodes.get(name);
    if (!node || !sim) throw new Error(`no ${name}`);
    expect(stopService(sim.state, node, 'ovn-controller').ok).toBe(true);
    clock.now = new Date('2026-12-01T10:02:00Z');
    const after = await status();
    expect(after.ovn.status).toBe('problem');
    expect(after.text).toMatch(new RegExp(`ovn-controller not running on ${name}`));
  }, 90_000);
});
