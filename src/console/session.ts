import type { CommandRouter } from '../router/cluster-router.js';
import type { Actor, PermissionRole } from '../router/types.js';
import { redact, redactDeep } from '../redact.js';
import { formatPlan, formatReply, replyJson } from './format.js';
import { saveBinaryFiles } from './saved-files.js';

/** How a console session asks for and prints things. */
export interface ConsoleIO {
  print(text: string): void;
  /** Asks a yes/no question; undefined when nobody can answer (standard input is not a terminal). */
  ask?: (question: string) => Promise<string>;
}

/** Options shared by `run` and `console`. */
export interface SessionOptions {
  readonly router: CommandRouter;
  readonly actor: Actor;
  readonly role: PermissionRole;
  readonly json: boolean;
  /** Answer yes to confirmations (for scripts). */
  readonly yes: boolean;
  readonly io: ConsoleIO;
}

/** Runs one command line end to end, confirmation included; returns whether it succeeded. */
export async function runLine(text: string, options: SessionOptions): Promise<boolean> {
  const { router, actor, role, io } = options;
  // Progress lines can carry node text too: everything printed here is redacted, as replies are.
  const progress = options.json ? () => undefined : (m: string) => io.print(redact(`  … ${m}`));
  let result = await router.dispatch({ text, actor, role, progress });
  if (result.kind === 'confirm') {
    if (!options.json) io.print(`This will change the cluster:\n${formatPlan(result.plan)}`);
    let confirmed = options.yes;
    if (!confirmed && io.ask) {
      const answer = await io.ask('Proceed? [y/N] ');
      confirmed = /^y(es)?$/i.test(answer.trim());
    }
    if (!confirmed) {
      const why = io.ask ? 'Cancelled: nothing was changed.' : 'Not confirmed: this command changes the cluster; rerun with --yes to confirm from a script.';
      await options.router.recordCancellation(result.auditId, actor, why);
      io.print(options.json ? JSON.stringify(redactDeep({ ok: false, title: why, plan: result.plan }), null, 2) : why);
      return false;
    }
    // The request waited for this answer: it ends here; the run that follows has its own record.
    await router.recordConfirmation(result.auditId, actor, options.yes ? 'confirmed with --yes' : 'confirmed at the console');
    result = await router.dispatch({ text: result.text, actor, role, progress, confirmed: true });
  }
  io.print(options.json ? replyJson(result) : result.kind === 'reply' ? formatReply(result.reply) : formatPlan(result.plan));
  if (!options.json && result.kind === 'reply') for (const line of saveBinaryFiles(result.reply.files)) io.print(line);
  return result.kind === 'reply' && result.reply.ok;
}
