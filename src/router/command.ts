import type { Inventory } from '../inventory/types.js';
import type { Actor, ActionPlan, ParsedArgs, PermissionRole, ProgressSink, Reply } from './types.js';
import type { Executor } from '../ssh/types.js';
import type { Services } from '../app/services.js';

/** A positional argument. */
export interface ArgSpec {
  readonly name: string;
  /** `node`: must be an inventory node (optionally with one of `nodeRoles`). */
  readonly kind: 'node' | 'word' | 'int';
  readonly description: string;
  readonly optional?: boolean;
  /** For `node`: the roles the node must have one of. */
  readonly nodeRoles?: readonly string[];
  /** For `word`: the accepted shape, and how to say it. */
  readonly pattern?: RegExp;
  readonly patternHint?: string;
}

/** A boolean flag (`--dry-run`) or an option with a value (`--since 2h`). */
export interface FlagSpec {
  readonly name: string;
  readonly description: string;
  /** When set, the flag takes a value of this shape. */
  readonly value?: { readonly pattern: RegExp; readonly hint: string };
}

/** Everything a command handler gets. */
export interface CommandContext {
  readonly inventory: Inventory;
  /** Audited: every remote command is recorded with this invocation. */
  readonly executor: Executor;
  readonly actor: Actor;
  readonly args: ParsedArgs;
  readonly progress: ProgressSink;
  readonly services: Services;
  /** The invocation text, as typed. */
  readonly text: string;
  /** The invocation's audit record (absent while the store is unreachable and nothing may change). */
  readonly auditId?: number;
}

/** A command's declaration: the router does parsing, help, permissions and errors for it. */
export interface CommandSpec {
  readonly family: string;
  readonly name: string;
  readonly summary: string;
  readonly args: readonly ArgSpec[];
  readonly flags?: readonly FlagSpec[];
  readonly permission: PermissionRole;
  /** Restarts, resets or deletes something: needs confirmation showing `plan`. */
  readonly dangerous?: boolean;
  /** Exactly what will run where; required for dangerous commands. */
  plan?(ctx: CommandContext): Promise<ActionPlan>;
  run(ctx: CommandContext): Promise<Reply>;
}

/** A family of commands behind one slash command (`/cluster`). */
export interface CommandFamily {
  readonly name: string;
  readonly summary: string;
  readonly commands: readonly CommandSpec[];
  /**
   * The command that takes the words when the first one is not a subcommand name, so that
   * `/trace req-...` works as `/trace request req-...`.
   */
  readonly defaultCommand?: string;
}

/** Declares a command (typed helper, so `satisfies` is not needed at every site). */
export function defineCommand(spec: CommandSpec): CommandSpec {
  if (spec.dangerous && !spec.plan) throw new Error(`command /${spec.family} ${spec.name} is dangerous but has no plan`);
  return spec;
}

/** Declares a command family. */
export function defineFamily(family: CommandFamily): CommandFamily {
  for (const c of family.commands) {
    if (c.family !== family.name) throw new Error(`command ${c.name} declares family ${c.family}, listed under ${family.name}`);
  }
  if (family.defaultCommand && !family.commands.some((c) => c.name === family.defaultCommand)) {
    throw new Error(`family ${family.name}: default command ${family.defaultCommand} is not one of its commands`);
  }
  return family;
}

/** `/cluster node NODE [--verbose]` */
export function usageOf(spec: CommandSpec): string {
  const args = spec.args.map((a) => (a.optional ? `[${a.name.toUpperCase()}]` : a.name.toUpperCase()));
  const flags = (spec.flags ?? []).map((f) => (f.value ? `[--${f.name} ${f.value.hint}]` : `[--${f.name}]`));
  return [`/${spec.family}`, spec.name, ...args, ...flags].join(' ');
}
