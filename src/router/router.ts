import { AuditedExecutor } from '../audit/audited-executor.js';
import type { Services } from '../app/services.js';
import { errorReference, UsageError, UserError } from '../errors.js';
import type { Inventory } from '../inventory/types.js';
import type { CommandContext, CommandFamily, CommandSpec } from './command.js';
import { usageOf } from './command.js';
import { closest, commandHelp, familyHelp, globalHelp } from './help.js';
import { parseArgs } from './parse-args.js';
import { tokenize } from './tokenize.js';
import type { ActionPlan, Actor, ParsedArgs, PermissionRole, ProgressSink, Reply } from './types.js';
import type { Executor } from '../ssh/types.js';

const RANK: Record<PermissionRole, number> = { viewer: 0, operator: 1, admin: 2 };

/** Whether `have` is at least `need`. */
export function roleAllows(have: PermissionRole, need: PermissionRole): boolean {
  return RANK[have] >= RANK[need];
}

/** One request to the router. */
export interface Invocation {
  readonly text: string;
  readonly actor: Actor;
  readonly role: PermissionRole;
  /** The user already confirmed this exact text (console y/N or Slack button). */
  readonly confirmed?: boolean;
  readonly progress?: ProgressSink;
}

/** What the router answers. */
export type DispatchResult =
  | {
      readonly kind: 'reply';
      readonly reply: Reply;
      /** Usage errors, help and refusals go only to the person who asked. */
      readonly ephemeral: boolean;
      readonly auditId?: number;
      /** The audit record being written, when `prepare` answered without waiting for it (a refusal for the role). */
      readonly audited?: Promise<number | undefined>;
    }
  | {
      readonly kind: 'confirm';
      readonly plan: ActionPlan;
      readonly command: CommandSpec;
      /** Canonical text to re-dispatch with `confirmed: true`. */
      readonly text: string;
      readonly auditId: number;
    };

/** The line a command that only reads adds to its answer while the store is unreachable. */
export const STORE_DOWN_NOTE = 'Note: the audit and incidents are unavailable: the store cannot be reached, so this answer is not in /cluster audit';

/** The result with the id of its audit record once written (a refusal `prepare` answered before its record was in). */
export async function withAuditId(result: DispatchResult): Promise<DispatchResult> {
  if (result.kind !== 'reply' || !result.audited) return result;
  const auditId = await result.audited;
  return { kind: 'reply', reply: result.reply, ephemeral: result.ephemeral, ...(auditId !== undefined ? { auditId } : {}) };
}

/** Logs internal errors; the user sees only a reference. */
export type ErrorLogger = (reference: string, error: unknown, invocation: Invocation) => void;

const defaultLogger: ErrorLogger = (ref, error) => {
  console.error(`[stackmedic] internal error ref ${ref}:`, error);
};

/** Parses, validates, authorizes, audits and runs commands: shared by the console and Slack. */
export class Router {
  constructor(
    private readonly families: readonly CommandFamily[],
    private readonly inventory: Inventory,
    private readonly executor: Executor,
    private readonly services: Services,
    private readonly logError: ErrorLogger = defaultLogger,
  ) {}

  /** The families this router serves. */
  get commandFamilies(): readonly CommandFamily[] {
    return this.families;
  }

  /** Handles one command line. Never throws: every problem becomes a reply. */
  async dispatch(inv: Invocation): Promise<DispatchResult> {
    const prepared = this.prepare(inv);
    return prepared.kind === 'ready' ? prepared.run() : withAuditId(prepared.result);
  }

  /**
   * The synchronous half of `dispatch`: parsing, help, validation and permissions, with no
   * remote work. Adapters that must answer fast (Slack's 3-second ack) call this first: an
   * `answered` result can be shown at once, a `ready` one is acknowledged, then run. A refusal
   * for the role is audited in the background: its record id comes as `audited`.
   */
  prepare(inv: Invocation): { readonly kind: 'answered'; readonly result: DispatchResult } | { readonly kind: 'ready'; run(): Promise<DispatchResult> } {
    let resolved: { spec: CommandSpec; args: ParsedArgs; text: string } | Reply;
    try {
      resolved = this.resolve(inv.text);
    } catch (error) {
      return { kind: 'answered', result: { kind: 'reply', reply: this.errorReply(error, inv), ephemeral: true } };
    }
    if (!('spec' in resolved)) return { kind: 'answered', result: { kind: 'reply', reply: resolved, ephemeral: true } };
    const { spec, args, text } = resolved;
    const node = Object.entries(args.positional).find(([k]) => spec.args.find((a) => a.name === k)?.kind === 'node')?.[1];
    const { audit } = this.services;
    if (!roleAllows(inv.role, spec.permission)) {
      const audited = audit
        .record({
          actor: inv.actor,
          command: text,
          ...(node ? { node } : {}),
          kind: 'command',
          outcome: 'denied',
          detail: `role ${inv.role} < ${spec.permission}`,
        })
        .catch(() => undefined);
      return {
        kind: 'answered',
        result: {
          kind: 'reply',
          ephemeral: true,
          audited,
          reply: {
            ok: false,
            title: `Not allowed: /${spec.family} ${spec.name} needs the ${spec.permission} role; you are a ${inv.role}.`,
            text: 'Ask an admin to add you to the permissions file (STACKMEDIC_PERMISSIONS).',
          },
        },
      };
    }
    return { kind: 'ready', run: () => this.run(spec, args, text, node, inv) };
  }

  private async run(spec: CommandSpec, args: ParsedArgs, text: string, node: string | undefined, inv: Invocation): Promise<DispatchResult> {
    const { audit } = this.services;
    let auditId: number;
    try {
      auditId = await audit.begin({ actor: inv.actor, command: text, family: spec.family, name: spec.name, ...(node ? { node } : {}), kind: 'command' });
    } catch (error) {
      return this.runUnaudited(spec, args, text, inv, error);
    }
    const ctx: CommandContext = {
      inventory: this.inventory,
      executor: new AuditedExecutor(this.executor, audit, auditId),
      actor: inv.actor,
      args,
      progress: inv.progress ?? (() => undefined),
      services: this.services,
      text,
      auditId,
    };
    try {
      if (spec.dangerous && !inv.confirmed && !args.flags.has('dry-run') && spec.plan) {
        const plan = await spec.plan(ctx);
        await audit.end(auditId, 'pending', 'awaiting confirmation');
        return { kind: 'confirm', plan, command: spec, text, auditId };
      }
      const reply = await spec.run(ctx);
      await audit.end(auditId, reply.ok ? 'ok' : 'failed', reply.title).catch((error: unknown) => this.logError(errorReference(), error, inv));
      return { kind: 'reply', reply, ephemeral: false, auditId };
    } catch (error) {
      const reply = this.errorReply(error, inv);
      await audit.end(auditId, error instanceof UserError ? 'refused' : 'error', reply.title).catch((e: unknown) => this.logError(errorReference(), e, inv));
      return { kind: 'reply', reply, ephemeral: error instanceof UserError, auditId };
    }
  }

  /**
   * The store did not take the audit record. A command that changes the cluster is refused: it
   * never runs without its record (nor, for runbooks, its lock, which lives in the same store). A
   * command that only reads still answers, with a note that the audit and incidents are out.
   */
  private async runUnaudited(spec: CommandSpec, args: ParsedArgs, text: string, inv: Invocation, cause: unknown): Promise<DispatchResult> {
    const why = cause instanceof Error ? cause.message : String(cause);
    if (spec.dangerous || spec.permission !== 'viewer') {
      return {
        kind: 'reply',
        ephemeral: true,
        reply: {
          ok: false,
          title: `Not run: the store is unavailable (${why.split('\n')[0]}), and /${spec.family} ${spec.name} does not run without its audit record and lock.`,
          text: 'Commands that only read the cluster still answer. Try again once the database is back.',
        },
      };
    }
    const ctx: CommandContext = {
      inventory: this.inventory,
      executor: this.executor,
      actor: inv.actor,
      args,
      progress: inv.progress ?? (() => undefined),
      services: this.services,
      text,
    };
    const note = `${STORE_DOWN_NOTE} (${why.split('\n')[0]})`;
    try {
      const reply = await spec.run(ctx);
      return { kind: 'reply', reply: { ...reply, text: reply.text ? `${reply.text}\n\n${note}` : note }, ephemeral: false };
    } catch (error) {
      const reply = this.errorReply(error, inv);
      return { kind: 'reply', reply: { ...reply, text: reply.text ? `${reply.text}\n\n${note}` : note }, ephemeral: error instanceof UserError };
    }
  }

  /** Records that a requested confirmation was declined or never given. */
  async recordCancellation(auditId: number, actor: Actor, detail: string): Promise<void> {
    await this.services.audit.end(auditId, 'cancelled', `${detail} (${actor.name})`);
  }

  /** Records that a requested confirmation was given (the run that follows has its own record). */
  async recordConfirmation(auditId: number, actor: Actor, detail: string): Promise<void> {
    await this.services.audit.end(auditId, 'confirmed', `${detail} (${actor.name})`);
  }

  /** Finds the command and validates arguments; returns a help reply for help requests. */
  private resolve(raw: string): { spec: CommandSpec; args: ParsedArgs; text: string } | Reply {
    const all = globalHelp(this.families);
    const words = tokenize(raw.replace(/^\s*\//, ''), all);
    const [familyName, sub, ...rest] = words;
    if (!familyName || familyName === 'help') return { ok: true, title: 'stackmedic help', text: all };
    const family = this.families.find((f) => f.name === familyName);
    if (!family) {
      const guess = closest(
        familyName,
        this.families.map((f) => f.name),
      );
      throw new UsageError(`unknown command /${familyName}${guess ? ` (did you mean /${guess}?)` : ''}`, all);
    }
    if (!sub || sub === 'help') {
      const target = sub === 'help' && rest[0] ? family.commands.find((c) => c.name === rest[0]) : undefined;
      if (target) return { ok: true, title: `/${family.name} ${target.name}`, text: commandHelp(target) };
      return { ok: true, title: `/${family.name} help`, text: familyHelp(family) };
    }
    let spec = family.commands.find((c) => c.name === sub);
    let argWords = rest;
    if (!spec && family.defaultCommand) {
      spec = family.commands.find((c) => c.name === family.defaultCommand);
      argWords = [sub, ...rest];
    }
    if (!spec) {
      const guess = closest(
        sub,
        family.commands.map((c) => c.name),
      );
      throw new UsageError(`unknown subcommand "${sub}" for /${family.name}${guess ? ` (did you mean ${guess}?)` : ''}`, familyHelp(family));
    }
    if (argWords.includes('--help') || argWords.includes('-h')) return { ok: true, title: usageOf(spec), text: commandHelp(spec) };
    const args = parseArgs(spec, argWords, this.inventory);
    return { spec, args, text: ['/' + family.name, spec.name, ...argWords].join(' ') };
  }

  private errorReply(error: unknown, inv: Invocation): Reply {
    if (error instanceof UsageError) return { ok: false, title: error.message, text: error.usage };
    if (error instanceof UserError) return { ok: false, title: error.message, text: '' };
    const ref = errorReference();
    this.logError(ref, error, inv);
    return { ok: false, title: `Internal error (ref ${ref}): the details are in stackmedic's log.`, text: '' };
  }
}
