import { defineCommand, defineFamily } from '../src/router/command.js';
import { redact, redactAndCut } from '../src/redact.js';
import { logTimestampIso, parseLogFetchOutput, traceCommand } from '../src/signatures/index.js';
import { compareNodes } from '../src/inventory/node-order.js';

const REQUEST_ID = /^req-[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const MAX_LINES = 200;
const MAX_LINE_CHARS = 400;

/** One log line carrying the request id. */
interface TraceLine {
  readonly node: string;
  readonly file: string;
  readonly line: number;
  readonly time: string | null;
  readonly text: string;
}

/**
 * `/trace request REQ_ID`: every line of every OpenStack service log on every node carrying the
 * request id (grep on the nodes, rotations included, capped per node), merged by time.
 */
const request = defineCommand({
  family: 'trace',
  name: 'request',
  summary: 'follow a request id (req-<uuid>) across every service log on every node',
  args: [
    {
      name: 'id',
      kind: 'word',
      description: 'the request id, req-<uuid>',
      pattern: REQUEST_ID,
      patternHint: 'a request id: req- and a uuid (req-36aaf95c-53ed-4b77-8bc9-9cc0f6d90feb)',
    },
  ],
  permission: 'viewer',
  async run(ctx) {
    const id = ctx.args.positional.id as string;
    const nodes = ctx.inventory.nodes.map((n) => n.name);
    ctx.progress(`searching the logs of ${nodes.length} nodes for ${id}...`);
    const outcomes = await ctx.executor.fanOut(nodes, traceCommand(id, { maxBytes: 256 * 1024 }));
    const lines: TraceLine[] = [];
    const problems: string[] = [];
    let truncated = false;
    for (const out of outcomes) {
      if (!out.ok) {
        problems.push(`${out.node}: ${out.message}`);
        continue;
      }
      const fetched = parseLogFetchOutput(out.stdout);
      truncated ||= fetched.truncated;
      for (const run of fetched.runs) {
        // Redacted as a whole run of lines (a private key spans several), line breaks kept.
        const raw = run.text.split('\n').slice(0, -1);
        const shown = redact(run.text, { keepLines: true }).split('\n');
        raw.forEach((text, i) => {
          lines.push({ node: out.node, file: run.file, line: run.firstLine + i, time: logTimestampIso(text), text: shown[i] ?? '' });
        });
      }
    }
    lines.sort((a, b) => (a.time ?? '9').localeCompare(b.time ?? '9') || compareNodes(a.node, b.node) || a.file.localeCompare(b.file) || a.line - b.line);
    const shown = lines.slice(0, MAX_LINES);
    const where = [...new Set(lines.map((l) => l.node))];
    const files = [...new Set(lines.map((l) => `${l.node}:${l.file}`))];
    const body = shown.map((l) => `${l.node} ${l.file}:${l.line}\n  ${redactAndCut(l.text, MAX_LINE_CHARS)}`);
    const notes = [
      ...(lines.length > MAX_LINES ? [`(${lines.length - MAX_LINES} more lines not shown)`] : []),
      ...(truncated ? ['(a node hit the output cap: its oldest matches may be missing)'] : []),
      ...problems.map((p) => `could not search ${p}`),
    ];
    return {
      ok: lines.length > 0 && problems.length === 0,
      title:
        lines.length === 0
          ? `${id}: not found in the logs of ${nodes.length - problems.length} node${nodes.length - problems.length === 1 ? '' : 's'}`
          : `${id}: ${lines.length} line${lines.length === 1 ? '' : 's'} in ${files.length} log${files.length === 1 ? '' : 's'} on ${where.join(', ')}`,
      text: [...body, ...notes].join('\n'),
      data: { requestId: id, lines: shown, total: lines.length, nodes: where, problems },
    };
  },
});

/** `/trace`: follow a request through the services. */
export default defineFamily({ name: 'trace', summary: 'follow a request id across services and nodes', commands: [request], defaultCommand: 'request' });
