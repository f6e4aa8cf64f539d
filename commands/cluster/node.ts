import { assessSnapshot } from '../../src/health/assess.js';
import { takeSnapshot, type NodeProbeOutcome } from '../../src/health/snapshot.js';
import { allProbes } from '../../src/health/registry.js';
import type { Probe } from '../../src/probes/types.js';
import { redactAndCut } from '../../src/redact.js';
import { defineCommand } from '../../src/router/command.js';
import { describeExit, tailLines } from '../../src/ssh/exit-codes.js';

function outcomeLine(title: string, o: NodeProbeOutcome<unknown>): string {
  if (o.kind === 'failed') return `${title}: FAILED (${o.failure.kind}): ${o.failure.message}`;
  if (o.kind === 'unknown')
    return `${title}: could not read (${describeExit(o.exitCode)}): ${o.reason}${o.raw ? `\n    ${tailLines(o.raw, 3).split('\n').join('\n    ')}` : ''}`;
  // Redacted before the cut, so that the cut cannot halve a secret into something unrecognised.
  return `${title} (${o.durationMs} ms):\n    ${redactAndCut(JSON.stringify(o.value, null, 1).replace(/\n\s*/g, ' '), 1500, '')}`;
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
    const roles = node?.roles.join(', ') || 'no role';
    if (probes.length === 0) {
      const probed = [...new Set(allProbes.flatMap((p) => p.roles))].join(', ');
      return {
        ok: false,
        title: `${name} (${roles}): not checked: no probe runs on its roles (map a group in the inventory)`,
        text: `Probes run on nodes with the roles ${probed}.`,
      };
    }
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
    // A probe that gave no reading checked nothing: the node is not called fine on its account.
    const unread = probes.filter((p) => snapshot.of(p)[0]?.kind !== 'ok').length;
    const title =
      problems.length > 0
        ? `${name} (${roles}): ${problems.length} problem${problems.length === 1 ? '' : 's'}.`
        : unread > 0
          ? `${name} (${roles}): no problem found in what was checked; ${unread} of ${probes.length} probes could not be read.`
          : `${name} (${roles}): no problems found.`;
    const text = [...problems.map((p) => `✘ ${p.summary}`), ...(problems.length ? [''] : []), ...lines].join('\n');
    return {
      ok: problems.length === 0 && unread === 0,
      title,
      text,
      data: { node: state, problems, probes: Object.fromEntries(probes.map((p) => [p.id, snapshot.of(p)[0]])) },
    };
  },
});
