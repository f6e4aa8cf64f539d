import { uptime } from '../../src/probes/uptime.js';
import { defineCommand } from '../../src/router/command.js';
import { humanDuration } from '../../src/render/duration.js';
import { table } from '../../src/render/table.js';
import { describeExit, tailLines } from '../../src/ssh/exit-codes.js';

/** One row of `/cluster ping`. */
export interface PingRow {
  readonly node: string;
  readonly roles: readonly string[];
  readonly reachable: boolean;
  readonly latencyMs: number;
  readonly uptimeSeconds?: number;
  readonly problem?: string;
}

/** `/cluster ping`: reachability, round-trip latency and uptime of every node. */
export default defineCommand({
  family: 'cluster',
  name: 'ping',
  summary: 'reachability, round-trip latency and uptime of every node',
  args: [],
  permission: 'viewer',
  async run(ctx) {
    const nodes = ctx.inventory.nodes;
    const results = await ctx.executor.fanOut(
      nodes.map((n) => n.name),
      uptime.command,
      { timeoutMs: uptime.timeoutMs },
    );
    const rows: PingRow[] = results.map((r, i) => {
      const roles = nodes[i]?.roles ?? [];
      if (!r.ok) return { node: r.node, roles, reachable: false, latencyMs: r.durationMs, problem: r.message };
      if (r.exitCode !== 0) {
        return {
          node: r.node,
          roles,
          reachable: true,
          latencyMs: r.durationMs,
          problem: `uptime check ${describeExit(r.exitCode, r.signal)}: ${tailLines(r.stderr, 1)}`,
        };
      }
      const parsed = uptime.parse(r);
      if (parsed.kind === 'unknown') return { node: r.node, roles, reachable: true, latencyMs: r.durationMs, problem: `unreadable uptime (${parsed.reason})` };
      return { node: r.node, roles, reachable: true, latencyMs: r.durationMs, uptimeSeconds: parsed.value.uptimeSeconds };
    });
    const down = rows.filter((r) => !r.reachable);
    const odd = rows.filter((r) => r.reachable && r.problem);
    const title =
      down.length === 0 && odd.length === 0
        ? `All ${rows.length} nodes answer.`
        : `${down.length} of ${rows.length} nodes unreachable${odd.length ? `, ${odd.length} answered oddly` : ''}: ${[...down, ...odd].map((r) => r.node).join(', ')}`;
    const text = table([
      ['NODE', 'ROLES', 'STATUS', 'RTT', 'UPTIME / PROBLEM'],
      ...rows.map((r) => [
        r.node,
        r.roles.join(','),
        !r.reachable ? 'UNREACHABLE' : r.problem ? 'ODD' : 'ok',
        `${r.latencyMs} ms`,
        r.problem ?? humanDuration(r.uptimeSeconds ?? 0),
      ]),
    ]);
    return { ok: down.length === 0 && odd.length === 0, title, text, data: { nodes: rows } };
  },
});
