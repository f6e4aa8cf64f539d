import type { DispatchResult } from '../router/router.js';
import type { ActionPlan, Reply } from '../router/types.js';
import { redact, redactDeep } from '../redact.js';

/** A reply as the terminal shows it: the verdict line, then the details. */
export function formatReply(reply: Reply): string {
  return redact(reply.text ? `${reply.title}\n${reply.text}` : reply.title);
}

/** A reply as `--json` prints it. */
export function replyJson(result: DispatchResult): string {
  if (result.kind === 'confirm') {
    return JSON.stringify(redactDeep({ ok: false, needsConfirmation: true, command: result.text, plan: result.plan }), null, 2);
  }
  const { ok, title, text, data } = result.reply;
  return JSON.stringify(redactDeep({ ok, title, text, ...(data === undefined ? {} : { data }) }), null, 2);
}

/** The confirmation text: exactly what will run on which node. */
export function formatPlan(plan: ActionPlan): string {
  return redact([plan.summary, ...plan.actions.map((a, i) => `  ${i + 1}. [${a.node}] ${a.description}\n       $ ${a.command}`)].join('\n'));
}
