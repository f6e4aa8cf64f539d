import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cephStatus } from '../../../src/probes/ceph-status.js';
import { createClusterState } from '../../../src/sim/create.js';
import { lookupProgram } from '../../../src/sim/programs/index.js';
import { runScript } from '../../../src/sim/shell/interpreter.js';
import { fail, result, type ProgramContext, type ProgramDef } from '../../../src/sim/shell/types.js';
import type { SimNode } from '../../../src/sim/state/types.js';

/** What cephadm printed on an OSP 17 controller before the command's output (see ../../fixtures/deployment/tripleo/ceph/SOURCE.md). */
const CEPHADM_STDERR = readFileSync(join(import.meta.dirname, '../../fixtures/deployment/tripleo/ceph/cephadm_shell_stderr_osp17_controller-0.txt'), 'utf8');

const quote = (a: string): string => `'${a.replace(/'/g, "'\\''")}'`;

/**
 * A simulated TripleO controller whose host has no `ceph` (TripleO installs none there): it is
 * only inside the monitor's container (`osp16`: ceph-ansible's `ceph-mon-<host>` under podman) or
 * through `cephadm shell` (`osp17`). The simulated ceph CLI answers from the cluster's state.
 */
function controller(kind: 'osp16' | 'osp17') {
  const c = createClusterState({ scenario: 'tripleo-healthy', controllers: 3, computes: 1 });
  const node = c.nodes.get('node-10') as SimNode;
  const podman = lookupProgram('podman', node) as ProgramDef;
  const mon = `ceph-mon-${node.name}`;
  const calls: string[] = [];
  const inContainer = new Map([['container', 'podman']]);
  const podmanOverlay: ProgramDef = {
    run: async (ctx: ProgramContext) => {
      const [verb, ...rest] = ctx.args;
      if (verb === 'ps' && kind === 'osp16') {
        const r = await podman.run(ctx);
        const format = rest[rest.indexOf('--format') + 1] ?? '{{.Names}}';
        return { ...r, stdout: `${r.stdout}${format.replace('{{.Names}}', mon)}\n` };
      }
      if (verb === 'exec' && rest[0] === mon && kind === 'osp16') {
        calls.push(`podman exec ${rest.join(' ')}`);
        return ctx.runScript(rest.slice(1).map(quote).join(' '), ctx.stdin, inContainer);
      }
      return podman.run(ctx);
    },
  };
  const cephadm: ProgramDef = {
    run: async (ctx: ProgramContext) => {
      const [verb, dashes, ...argv] = ctx.args;
      if (verb !== 'shell' || dashes !== '--') return fail(`unexpected cephadm ${ctx.args.join(' ')}`, 2);
      calls.push(`cephadm ${ctx.args.join(' ')}`);
      const r = await ctx.runScript(argv.map(quote).join(' '), ctx.stdin, inContainer);
      return result(r.stdout, CEPHADM_STDERR + r.stderr, r.code);
    },
  };
  // `command -v` answers from this node's programs, the overlay's included.
  const commandV: ProgramDef = {
    run: (ctx: ProgramContext) => {
      const name = ctx.args[ctx.args.indexOf('-v') + 1] ?? '';
      return lookup(name, ctx.node, ctx.env) ? result(`/usr/sbin/${name}\n`) : result('', '', 1);
    },
  };
  const lookup = (name: string, n: SimNode, env?: ReadonlyMap<string, string>): ProgramDef | undefined => {
    if (name === 'podman') return podmanOverlay;
    if (name === 'command') return commandV;
    if (name === 'cephadm') return kind === 'osp17' ? cephadm : undefined;
    if (name === 'ceph' && env?.get('container') === undefined) return undefined;
    return lookupProgram(name, n, env);
  };
  return { c, node, calls, run: (text: string) => runScript({ cluster: c, node, lookup }, text) };
}

describe('ceph-status on TripleO runs ceph where the deployment has it', () => {
  it.each([
    ['osp16', /^podman exec ceph-mon-node-10 ceph -s -f json$/],
    ['osp17', /^cephadm shell -- ceph -s -f json$/],
  ] as const)('%s: inside the monitor (no ceph on the host), both calls, read as the cluster', async (kind, first) => {
    const { run, calls } = controller(kind);
    const r = await run(cephStatus.command.script.text);
    expect(r.code, r.stderr).toBe(0);
    expect(calls[0]).toMatch(first);
    expect(calls.some((x) => x.includes('quorum_status -f json'))).toBe(true);
    const parsed = cephStatus.parse({ stdout: r.stdout, stderr: r.stderr, exitCode: r.code });
    expect(parsed).toMatchObject({ kind: 'ok', value: { running: true, health: 'HEALTH_OK', quorum: ['node-10', 'node-11', 'node-12'], outOfQuorum: [] } });
  });

  it('osp17: a monitor out of quorum is named, cephadm’s log lines on stderr notwithstanding', async () => {
    const { run, c } = controller('osp17');
    const n12 = c.nodes.get('node-12') as SimNode;
    const mon = n12.services.get('ceph-mon');
    if (mon) Object.assign(mon, { running: false, pid: 0 });
    const r = await run(cephStatus.command.script.text);
    expect(r.stderr).toContain('Inferring fsid e14864ba-e171-552d-864a-db189e445ef5');
    const parsed = cephStatus.parse({ stdout: r.stdout, stderr: r.stderr, exitCode: r.code });
    expect(parsed).toMatchObject({ kind: 'ok', value: { health: 'HEALTH_WARN', outOfQuorum: ['node-12'] } });
  });

  it('a classic controller still runs the host’s ceph', async () => {
    const c = createClusterState({ scenario: 'healthy', controllers: 3, computes: 1 });
    const node = c.nodes.get('node-10') as SimNode;
    const r = await runScript({ cluster: c, node, lookup: lookupProgram }, cephStatus.command.script.text);
    expect(cephStatus.parse({ stdout: r.stdout, stderr: r.stderr, exitCode: r.code })).toMatchObject({ kind: 'ok', value: { health: 'HEALTH_OK' } });
  });
});
