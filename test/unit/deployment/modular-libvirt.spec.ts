import { describe, expect, it } from 'vitest';
import { nodeDeployment } from '../../../src/deployment/probe.js';
import type { Inventory } from '../../../src/inventory/types.js';
import { initSystem } from '../../../src/probes/init-system.js';
import { libvirtStatus, parseLibvirtStatus, readLibvirtProbe } from '../../../src/probes/libvirt-status.js';
import { buildFixLibvirt } from '../../../src/runbooks/fix-libvirt.js';
import type { RunbookContext } from '../../../src/runbooks/types.js';
import { createClusterState } from '../../../src/sim/create.js';
import { lookupProgram } from '../../../src/sim/programs/index.js';
import { runScript } from '../../../src/sim/shell/interpreter.js';
import { fail, result, type ProgramContext, type ProgramDef } from '../../../src/sim/shell/types.js';
import { runExecutor } from '../../support/run-executor.js';

const out = (stdout: string) => ({ stdout, stderr: '', exitCode: 0 });

describe('the libvirt probe tells virtqemud (modular libvirt) from libvirtd', () => {
  it('reads virtqemud lines and keeps libvirtd values as they were', () => {
    expect(parseLibvirtStatus(out('socket=missing\nvirtqemud=stopped\n'))).toEqual({
      kind: 'ok',
      value: { socketPresent: false, daemonRunning: false, daemon: 'virtqemud' },
    });
    expect(parseLibvirtStatus(out('socket=present\nlibvirtd=running\n'))).toEqual({ kind: 'ok', value: { socketPresent: true, daemonRunning: true } });
    expect(readLibvirtProbe(out('@@container-stopped nova_virtqemud podman\n'))).toEqual({
      kind: 'ok',
      value: { socketPresent: false, daemonRunning: false, daemon: 'virtqemud' },
    });
    expect(parseLibvirtStatus(out('socket=present\n')).kind).toBe('unknown');
  });

  it('checks virtqemud-sock in nova_virtqemud when the node has that container, libvirt-sock in nova_libvirt otherwise', () => {
    const text = libvirtStatus.command.script.text;
    expect(text.indexOf('container inspect nova_virtqemud')).toBeLessThan(text.indexOf('container inspect nova_libvirt'));
    expect(text).toContain('test -S /var/run/libvirt/virtqemud-sock');
    expect(text).toContain('pgrep -x virtqemud');
    expect(text).toContain('test -S /var/run/libvirt/libvirt-sock');
  });
});

/**
 * A TripleO Wallaby (OSP 17) compute on top of the simulated TripleO compute: podman lists
 * `nova_virtqemud` (tripleo_nova_virtqemud.service, see test/fixtures/deployment/tripleo/SOURCE.md)
 * instead of `nova_libvirt`, and inside it virtqemud listens on virtqemud-sock. The model's libvirtd
 * stands for virtqemud; its socket is at the modular path while the daemon runs.
 */
function osp17Compute(virtqemudUp: boolean) {
  const c = createClusterState({ scenario: 'tripleo-healthy', controllers: 1, computes: 1 });
  const node = c.nodes.get('node-18') ?? c.nodes.get([...c.nodes.keys()].at(-1) ?? '');
  if (!node) throw new Error('no compute');
  if (virtqemudUp) node.fs.put('/var/run/libvirt/virtqemud-sock', { kind: 'socket', mtime: 0 });
  const podman = lookupProgram('podman', node);
  if (!podman) throw new Error('no podman on a TripleO node');
  const seen: string[] = [];
  const overlay: ProgramDef = {
    run: async (ctx: ProgramContext) => {
      const [verb, ...rest] = ctx.args;
      if (verb === 'ps') {
        const r = await podman.run(ctx);
        return { ...r, stdout: r.stdout.replace(/nova_libvirt/g, 'nova_virtqemud') };
      }
      const name = verb === 'container' ? rest[1] : rest[0];
      if (name === 'nova_libvirt') return fail('Error: no such container nova_libvirt', 125);
      if (name !== 'nova_virtqemud') return podman.run(ctx);
      if (verb === 'container') return result('[{"Name": "nova_virtqemud"}]\n');
      if (verb === 'exec') {
        if (!virtqemudUp) return fail('Error: can only exec into running containers', 125);
        seen.push(rest.slice(1).join(' '));
        return ctx.runScript(
          rest
            .slice(1)
            .map((a) => `'${a.replace(/'/g, "'\\''")}'`)
            .join(' '),
          ctx.stdin,
          new Map([['container', 'podman']]),
        );
      }
      return fail(`unexpected podman ${ctx.args.join(' ')}`, 2);
    },
  };
  const pgrep: ProgramDef = { run: async (ctx) => (ctx.args.includes('virtqemud') && virtqemudUp ? result('4242\n') : result('', '', 1)) };
  const lookup = (name: string, n: typeof node, env?: ReadonlyMap<string, string>) =>
    name === 'podman' ? overlay : name === 'pgrep' ? pgrep : lookupProgram(name, n, env);
  const run = (text: string) => runScript({ cluster: c, node, lookup }, text);
  return { c, node, run, seen };
}

describe('on a simulated OSP 17 compute (nova_virtqemud)', () => {
  it.each([
    [true, { socketPresent: true, daemonRunning: true, daemon: 'virtqemud' }],
    [false, { socketPresent: false, daemonRunning: false, daemon: 'virtqemud' }],
  ])('the probe reads virtqemud inside nova_virtqemud (up: %s)', async (up, value) => {
    const { run, seen } = osp17Compute(up);
    const r = await run(libvirtStatus.command.script.text);
    expect(libvirtStatus.parse({ stdout: r.stdout, stderr: r.stderr, exitCode: r.code })).toEqual({ kind: 'ok', value });
    if (up) expect(seen.join('\n')).toMatch(/virtqemud-sock/);
  });

  it('/compute fix-libvirt restarts nova_virtqemud through its unit and waits for virtqemud-sock', async () => {
    const { run, node } = osp17Compute(false);
    const executor = runExecutor(node.name, run);
    // The probes the plan reads before any step runs answer from the overlay node.
    const dep = await executor.exec(node.name, nodeDeployment.command);
    expect(dep.ok && dep.stdout).toMatch(/^container=nova_virtqemud$/m);
    expect((await executor.exec(node.name, initSystem.command)).ok).toBe(true);
    const inventory = { cluster: 't', nodes: [{ name: node.name, roles: ['compute'] }], deployment: 'tripleo' } as unknown as Inventory;
    const rctx = { executor, inventory } as unknown as RunbookContext;
    const rb = await buildFixLibvirt(rctx, node.name);
    const acts = rb.steps.filter((s) => s.kind === 'act').map((s) => (s.kind === 'act' ? s.command.script.text : ''));
    expect(acts).toContain('systemctl restart tripleo_nova_virtqemud.service');
    expect(acts.some((a) => a.includes('nova_libvirt'))).toBe(false);
    expect(rb.steps.map((s) => s.description)).toContain(`virtqemud runs and /var/run/libvirt/virtqemud-sock exists on ${node.name}`);
  });
});
