import { defineCommand } from '../../src/router/command.js';
import { table } from '../../src/render/table.js';
import { readRabbit, type RabbitView } from '../../src/runbooks/rabbit-facts.js';
import { nodesWithRole } from '../../src/runbooks/read.js';

/** One row of `/rabbit status`. */
export interface RabbitStatusRow {
  readonly node: string;
  readonly state: 'running' | 'app-stopped' | 'down' | 'missing' | 'unknown';
  readonly running: readonly string[];
  readonly members: readonly string[];
  readonly alarms: readonly string[];
  readonly partitions: readonly string[];
  readonly problem?: string | undefined;
}

function row(v: RabbitView): RabbitStatusRow {
  if (v.kind === 'running') {
    const s = v.status;
    return {
      node: v.node,
      state: 'running',
      running: s.runningNodes,
      members: [...new Set([...s.diskNodes, ...s.ramNodes])],
      alarms: s.alarms.map((a) => `${a.kind}@${a.node}`),
      partitions: s.partitions.map((p) => `${p.node} x ${p.partitionedFrom.join(',')}`),
    };
  }
  const problem =
    v.kind === 'down'
      ? v.message
      : v.kind === 'unknown'
        ? v.problem
        : v.kind === 'app-stopped'
          ? 'Erlang VM up, rabbit application stopped'
          : 'rabbitmqctl not installed';
  return { node: v.node, state: v.kind, running: [], members: [], alarms: [], partitions: [], problem };
}

function healthy(r: RabbitStatusRow): boolean {
  return r.state === 'running' && r.alarms.length === 0 && r.partitions.length === 0 && r.members.every((m) => r.running.includes(m));
}

/** `/rabbit status [NODE]`: each broker's own view: running members, alarms, partitions. */
export default defineCommand({
  family: 'rabbit',
  name: 'status',
  summary: 'RabbitMQ per controller: cluster members running, alarms, partitions (read-only)',
  args: [{ name: 'node', kind: 'node', nodeRoles: ['controller'], description: 'only this controller', optional: true }],
  permission: 'viewer',
  async run(ctx) {
    const only = ctx.args.positional.node;
    const nodes = only ? [only] : nodesWithRole(ctx.inventory, 'controller');
    const rows = (await Promise.all(nodes.map((n) => readRabbit(ctx, n)))).map(row).filter((r) => r.state !== 'missing' || only !== undefined);
    const bad = rows.filter((r) => !healthy(r));
    const title =
      bad.length === 0
        ? `RabbitMQ healthy on ${rows.length} node${rows.length === 1 ? '' : 's'}: every member running, no alarms, no partitions.`
        : `RabbitMQ: problems on ${bad.map((r) => r.node).join(', ')}: ${bad
            .map((r) =>
              r.state !== 'running'
                ? `${r.node} ${r.state}`
                : r.alarms.length
                  ? `${r.alarms.join(', ')} alarm`
                  : r.partitions.length
                    ? `${r.node} partitioned`
                    : `${r.node} sees members down`,
            )
            .join('; ')}. Fix with /rabbit heal ${bad[0]?.node ?? ''}`;
    const text = table([
      ['NODE', 'STATE', 'RUNNING / MEMBERS', 'ALARMS', 'PARTITIONS'],
      ...rows.map((r) => [
        r.node,
        r.state,
        r.state === 'running' ? `${r.running.length}/${r.members.length}` : (r.problem ?? ''),
        r.alarms.join(', ') || '-',
        r.partitions.join('; ') || '-',
      ]),
    ]);
    return { ok: bad.length === 0, title, text, data: { nodes: rows } };
  },
});
