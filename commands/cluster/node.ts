import { assessSnapshot } from '../../src/health/assess.js';
import { takeSnapshot, type NodeProbeOutcome } from '../../src/health/snapshot.js';
import { allProbes } from '../../src/health/registry.js';
import type { Probe } from '../../src/probes/types.js';
import { defineCommand } from '../../src/router/command.js';
import { describeExit, tailLines } from '../../src/ssh/exit-codes.js';

function outcomeLine(title: string, o: NodeProbeOutcome<unknown>): string {
  if (o.kind === 'failed') return `${title}: FAILED (${o.failure.kind}): ${o.failure.message}`;
  if (o.kind === 'unknown')
    return `${title}: could not read (${describeExit(o.exitCode)}): ${o.reason}${o.raw ? `\n    ${tailLines(o.raw, 3).split('\n').join('\n    ')}` : ''}`;
  return `${title} (${o.durationMs} ms):\n    ${JSON.stringify(o.value, null, 1).replace(/\n\s*/g, ' ').slice(0, 1500)}`;
}

/** `/cluster node NODE`: every probe of one node, in detail. */
export default defineCommand({
  family: 'cluster',
  name: 'node',
  summary: 'every probe of one node, in detail',
  args: [{ name: 'node', kind: 'node', description: 'the node to inspect' }],
  permission: 'viewer',
  async run(ctx) {
    const name = ctx.args.positional.node ?? '';
    const node = ctx.inventory.nodes.find((n) => n.name === name);
    // Cluster-wide probes are run on this node too, so that its own view is shown.
    const probes = allProbes.filter((p) => node?.roles.some((r) => p.roles.includes(r))).map((p): Probe<unknown> => ({ ...p, scope: 'node' }));
    const snapshot = await takeSnapshot(ctx.inventory, ctx.executor, { probes, nodes: [name], clock: ctx.services.clock });
    const state = snapshot.nodes[0];
    if (!state?.reachable) {
      return {
        ok: false,
        title: `${name} is unreachable: ${state?.problem ?? 'no answer'}`,
        text: 'Check the node from its console or IPMI; /cluster ping shows which nodes answer.',
      };
    }
    const report = assessSnapshot(snapshot);
    const lines = probes.map((p) => {
      const o = snapshot.of(p)[0];
      return o ? outcomeLine(p.title, o) : `${p.title}: not run`;
    });
    const problems = report.problems.filter((p) => p.nodes.length === 0 || p.nodes.includes(name));
    const title =
      problems.length === 0
        ? `${name} (${node?.roles.join(', ')}): no problems found.`
        : `${name} (${node?.roles.join(', ')}): ${problems.length} problem${problems.length === 1 ? '' : 's'}.`;
    const text = [...problems.map((p) => `✘ ${p.summary}`), ...(problems.length ? [''] : []), ...lines].join('\n');
    return {
      ok: problems.length === 0,
      title,
      text,
      data: { node: state, problems, probes: Object.fromEntries(probes.map((p) => [p.id, snapshot.of(p)[0]])) },
    };
  },
});
