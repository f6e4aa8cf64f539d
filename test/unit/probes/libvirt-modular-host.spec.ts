/**
 * A classic (package-installed, no containers) host running libvirt's modular daemons, as RHEL 9
 * installs them: virtqemud.socket enabled and listening on /var/run/libvirt/virtqemud-sock,
 * virtqemud.service started by socket activation (and exiting when idle), libvirtd.service
 * installed but disabled. The probe's script runs in the simulator's shell on a simulated compute
 * whose `systemctl` answers `is-enabled` and `is-active` as systemd does: the state word on stdout
 * (nothing with `-q`), exit 0 for enabled/active, 1 for disabled, 3 for inactive, and for a unit
 * that does not exist "Failed to get unit file state for UNIT: No such file or directory" on stderr
 * with exit 1 (sources: libvirt.org/daemons.html and virtqemud(8) for the modular daemons,
 * their sockets and socket activation; systemctl(1)'s is-enabled table and is-active).
 */
import { describe, expect, it } from 'vitest';
import type { Inventory } from '../../../src/inventory/types.js';
import { libvirtStatus } from '../../../src/probes/libvirt-status.js';
import { buildFixLibvirt } from '../../../src/runbooks/fix-libvirt.js';
import type { RunbookContext } from '../../../src/runbooks/types.js';
import { createClusterState } from '../../../src/sim/create.js';
import { lookupProgram } from '../../../src/sim/programs/index.js';
import { runScript } from '../../../src/sim/shell/interpreter.js';
import { fail, result, type ProgramContext, type ProgramDef } from '../../../src/sim/shell/types.js';
import type { SimNode } from '../../../src/sim/state/types.js';
import { runExecutor } from '../../support/run-executor.js';

/** What `systemctl is-enabled` and `is-active` print for each unit of the host. */
interface Units {
  readonly enabled: Readonly<Record<string, 'enabled' | 'disabled' | 'static' | 'masked'>>;
  readonly active: Readonly<Record<string, 'active' | 'inactive' | 'failed'>>;
}

/** systemctl's answers to is-enabled and is-active, the rest left to the simulator's systemctl. */
function systemctlOf(units: Units, fallback: ProgramDef | undefined): ProgramDef {
  return {
    run: (ctx: ProgramContext) => {
      const quiet = ctx.args.includes('-q') || ctx.args.includes('--quiet');
      const [verb, unit] = ctx.args.filter((a) => !a.startsWith('-'));
      if (verb === 'is-enabled' && unit) {
        const state = units.enabled[unit];
        if (!state) return fail(`Failed to get unit file state for ${unit}: No such file or directory`, 1);
        return result(quiet ? '' : `${state}\n`, '', state === 'enabled' || state === 'static' ? 0 : 1);
      }
      if (verb === 'is-active' && unit) {
        const state = units.active[unit] ?? 'inactive';
        return result(quiet ? '' : `${state}\n`, '', state === 'active' ? 0 : 3);
      }
      return fallback ? fallback.run(ctx) : fail(`systemctl ${ctx.args.join(' ')}: not emulated here`, 1);
    },
  };
}

/** RHEL 9's defaults: the modular daemons' sockets enabled, libvirtd's unit installed and disabled. */
const RHEL9: Units = {
  enabled: { 'virtqemud.socket': 'enabled', 'virtqemud.service': 'enabled', 'libvirtd.service': 'disabled', 'libvirtd.socket': 'disabled' },
  active: { 'virtqemud.socket': 'active', 'virtqemud.service': 'active' },
};

/** A compute of the healthy (systemd) cluster turned into a RHEL 9 host: virtqemud instead of libvirtd. */
function rhel9Compute(opts: { virtqemud: boolean; socket: boolean; units: Units }) {
  const c = createClusterState({ scenario: 'healthy', controllers: 1, computes: 1, init: 'systemd' });
  const node = c.computes[0] as SimNode;
  const since = node.services.get('libvirtd')?.since ?? 0;
  node.services.delete('libvirtd');
  node.fs.remove('/var/run/libvirt/libvirt-sock');
  node.services.set('virtqemud', { running: opts.virtqemud, pid: opts.virtqemud ? 4242 : 0, since });
  if (opts.socket) node.fs.put('/var/run/libvirt/virtqemud-sock', { kind: 'socket', mtime: since });
  const systemctl = systemctlOf(opts.units, lookupProgram('systemctl', node));
  const lookup = (name: string, n: SimNode, env?: ReadonlyMap<string, string>) => (name === 'systemctl' ? systemctl : lookupProgram(name, n, env));
  const run = (text: string) => runScript({ cluster: c, node, lookup }, text);
  return { c, node, run };
}

async function probe(run: (text: string) => Promise<{ stdout: string; stderr: string; code: number }>) {
  const r = await run(libvirtStatus.command.script.text);
  return libvirtStatus.parse({ stdout: r.stdout, stderr: r.stderr, exitCode: r.code });
}

describe('the libvirt probe on a classic host with modular libvirt (RHEL 9)', () => {
  it('reads virtqemud and virtqemud-sock where virtqemud runs and there is no libvirtd', async () => {
    const { run } = rhel9Compute({ virtqemud: true, socket: true, units: RHEL9 });
    expect(await probe(run)).toEqual({ kind: 'ok', value: { socketPresent: true, daemonRunning: true, daemon: 'virtqemud' } });
  });

  it('reads an idle, socket-activated virtqemud (process gone, virtqemud.socket listening) as running', async () => {
    const units: Units = { ...RHEL9, active: { 'virtqemud.socket': 'active', 'virtqemud.service': 'inactive' } };
    const { run } = rhel9Compute({ virtqemud: false, socket: true, units });
    expect(await probe(run)).toEqual({ kind: 'ok', value: { socketPresent: true, daemonRunning: true, daemon: 'virtqemud' } });
  });

  it('names virtqemud, not libvirtd, when virtqemud and its socket are both gone', async () => {
    const units: Units = { ...RHEL9, active: { 'virtqemud.socket': 'failed', 'virtqemud.service': 'inactive' } };
    const { run } = rhel9Compute({ virtqemud: false, socket: false, units });
    expect(await probe(run)).toEqual({ kind: 'ok', value: { socketPresent: false, daemonRunning: false, daemon: 'virtqemud' } });
  });

  it('keeps a stopped monolithic libvirtd (libvirtd.service enabled) as libvirtd, even where the modular units exist disabled', async () => {
    const units: Units = {
      enabled: { 'libvirtd.service': 'enabled', 'virtqemud.socket': 'disabled', 'virtqemud.service': 'disabled' },
      active: {},
    };
    const { node, run } = rhel9Compute({ virtqemud: false, socket: false, units });
    node.services.delete('virtqemud');
    expect(await probe(run)).toEqual({ kind: 'ok', value: { socketPresent: false, daemonRunning: false } });
  });

  it('reads libvirtd where systemd knows none of the units (the unit-not-found answer)', async () => {
    const { node, run } = rhel9Compute({ virtqemud: false, socket: false, units: { enabled: {}, active: {} } });
    node.services.delete('virtqemud');
    expect(await probe(run)).toEqual({ kind: 'ok', value: { socketPresent: false, daemonRunning: false } });
  });
});

describe('/compute fix-libvirt on a classic RHEL 9 host', () => {
  it('stops virtqemud, restarts virtqemud.socket, starts virtqemud and waits for virtqemud-sock; never libvirtd', async () => {
    const units: Units = { ...RHEL9, active: { 'virtqemud.socket': 'failed', 'virtqemud.service': 'inactive' } };
    const { node, run } = rhel9Compute({ virtqemud: false, socket: false, units });
    const executor = runExecutor(node.name, run);
    const inventory = { cluster: 't', nodes: [{ name: node.name, roles: ['compute'] }] } as unknown as Inventory;
    const rb = await buildFixLibvirt({ executor, inventory } as unknown as RunbookContext, node.name);
    const acts = rb.steps.filter((s) => s.kind === 'act').map((s) => (s.kind === 'act' ? s.command.script.text : ''));
    expect(acts).toEqual(
      expect.arrayContaining(['systemctl stop nova-compute', 'systemctl stop virtqemud', 'systemctl restart virtqemud.socket', 'systemctl start virtqemud']),
    );
    expect(acts.some((a) => a.includes('libvirtd'))).toBe(false);
    expect(rb.steps.map((s) => s.description)).toContain(`virtqemud runs and /var/run/libvirt/virtqemud-sock exists on ${node.name}`);
  });
});
