import type { AuditEntry } from '../../src/audit/audit-log.js';
import type { OutboxEntry } from '../../src/outbox/store.js';
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

/** One answer Slack would not take: where it was going, how often it was tried, what is next. */
export function formatUndelivered(e: OutboxEntry): string {
  const to = `${e.ephemeral ? `${e.user} only, ` : ''}${e.channel}`;
  const next = e.state === 'pending' ? `next try ${time(e.nextAttemptAt.toISOString())}` : `expired ${time((e.endedAt ?? e.expiresAt).toISOString())}`;
  const audit = e.auditId !== null ? ` for audit #${e.auditId}` : '';
  return `  outbox #${e.id} [${e.state}] "${e.reply.title}"${audit} to ${to}, kept ${time(e.createdAt.toISOString())}, ${e.attempts} ${e.attempts === 1 ? 'try' : 'tries'}, ${next}${e.lastError ? `; last error: ${e.lastError.split('\n')[0]}` : ''}`;
}

/** `/cluster audit [N]`: the latest N entries of the audit trail, newest first, then undelivered answers. */
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
    const entries = (await ctx.services.audit.list(count + 1))
      .filter((e) => !(e.command === ctx.text && e.outcome === 'pending' && e.actorId === ctx.actor.id))
      .slice(0, count);
    const undelivered = await ctx.services.audit.undelivered(count);
    const pending = undelivered.filter((e) => e.state === 'pending').length;
    const outbox = undelivered.length
      ? [`Answers Slack would not take (${pending} still retried, ${undelivered.length - pending} expired):`, ...undelivered.map(formatUndelivered)].join('\n')
      : '';
    const data = { entries, undelivered };
    if (entries.length === 0) return { ok: true, title: 'The audit trail is empty.', text: outbox, data };
    const title = `Last ${entries.length} audit ${entries.length === 1 ? 'entry' : 'entries'} (newest first)${wanted > MAX_COUNT ? `; at most ${MAX_COUNT} are shown` : ''}${pending ? `; ${pending} answer(s) not delivered yet` : ''}.`;
    return { ok: true, title, text: [entries.map(formatAuditEntry).join('\n'), outbox].filter(Boolean).join('\n\n'), data };
  },
});
