import type { AuditEntry } from '../../src/audit/audit-log.js';
import { defineCommand } from '../../src/router/command.js';
import { describeExit } from '../../src/ssh/exit-codes.js';

const DEFAULT_COUNT = 20;
const MAX_COUNT = 500;

function time(iso: string): string {
  return `${iso.slice(0, 10)} ${iso.slice(11, 19)}`;
}

function where(e: AuditEntry): string {
  if (e.via === 'slack') return e.channel ? `slack ${e.channel}` : 'slack';
  return e.via;
}

/** One audit entry: who, where, when, what, the outcome, then each remote command with its exit. */
export function formatAuditEntry(e: AuditEntry): string {
  const outcome = e.outcome ?? 'pending';
  const head = `#${e.id} ${time(e.startedAt)} ${e.actorName} (${e.actorId}) via ${where(e)} [${e.kind}] ${e.command}${e.node ? ` @${e.node}` : ''} -> ${outcome}${e.detail ? `: ${e.detail.split('\n')[0]}` : ''}`;
  const remotes = e.remote.map((r) => {
    const result = r.ok ? (r.exitCode === 0 ? 'exit 0' : describeExit(r.exitCode, undefined)) : (r.failure ?? 'failed');
    return `    ${r.node} $ ${r.command}  => ${result} (${r.durationMs} ms)`;
  });
  return [head, ...remotes].join('\n');
}

/** `/cluster audit [N]`: the latest N entries of the audit trail, newest first. */
export default defineCommand({
  family: 'cluster',
  name: 'audit',
  summary: 'who ran what, where and when: the latest N audit entries (default 20) with remote commands and exit codes',
  args: [{ name: 'n', kind: 'int', description: `how many entries (1 to ${MAX_COUNT})`, optional: true }],
  permission: 'viewer',
  async run(ctx) {
    const wanted = ctx.args.positional.n === undefined ? DEFAULT_COUNT : Number(ctx.args.positional.n);
    const count = Math.min(Math.max(wanted, 1), MAX_COUNT);
    // The listing itself is an invocation already begun by the router: skip it so the answer
    // shows what happened before the question.
    const entries = ctx.services.audit
      .list(count + 1)
      .filter((e) => !(e.command === ctx.text && e.outcome === 'pending' && e.actorId === ctx.actor.id))
      .slice(0, count);
    if (entries.length === 0) return { ok: true, title: 'The audit trail is empty.', text: '', data: { entries: [] } };
    const title = `Last ${entries.length} audit ${entries.length === 1 ? 'entry' : 'entries'} (newest first)${wanted > MAX_COUNT ? `; at most ${MAX_COUNT} are shown` : ''}.`;
    return { ok: true, title, text: entries.map(formatAuditEntry).join('\n'), data: { entries } };
  },
});
