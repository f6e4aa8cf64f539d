import { UsageError, UserError } from '../errors.js';
import type { Inventory } from '../inventory/types.js';
import type { CommandSpec } from './command.js';
import { usageOf } from './command.js';
import { closest } from './help.js';
import type { ParsedArgs } from './types.js';

/** Validates the words after `/family sub` against the command's declaration and the inventory. */
export function parseArgs(spec: CommandSpec, words: readonly string[], inventory: Inventory): ParsedArgs {
  const usage = usageOf(spec);
  const positional: Record<string, string | undefined> = {};
  const flags = new Set<string>();
  const options: Record<string, string | undefined> = {};
  const rest: string[] = [];
  for (let i = 0; i < words.length; i++) {
    const w = words[i] ?? '';
    if (w.startsWith('--')) {
      const [name = '', inline] = w.slice(2).split('=', 2);
      const flag = (spec.flags ?? []).find((f) => f.name === name);
      if (!flag) {
        const known = (spec.flags ?? []).map((f) => `--${f.name}`);
        throw new UsageError(
          `unknown option --${name}${known.length ? ` (this command takes ${known.join(', ')})` : ' (this command takes no options)'}`,
          usage,
        );
      }
      if (flag.value) {
        const value = inline ?? words[++i];
        if (value === undefined || !flag.value.pattern.test(value)) throw new UsageError(`--${name} needs ${flag.value.hint}`, usage);
        options[name] = value;
      } else {
        if (inline !== undefined) throw new UsageError(`--${name} takes no value`, usage);
        flags.add(name);
      }
    } else {
      rest.push(w);
    }
  }
  if (rest.length > spec.args.length) {
    throw new UsageError(`too many arguments: "${rest.slice(spec.args.length).join(' ')}"`, usage);
  }
  spec.args.forEach((a, i) => {
    const value = rest[i];
    if (value === undefined) {
      if (!a.optional) throw new UsageError(`missing ${a.name.toUpperCase()}: ${a.description}`, usage);
      return;
    }
    if (a.kind === 'node') checkNode(value, a.nodeRoles, inventory, spec);
    if (a.kind === 'int' && !/^\d{1,6}$/.test(value)) throw new UsageError(`${a.name.toUpperCase()} must be a whole number`, usage);
    if (a.kind === 'word' && a.pattern && !a.pattern.test(value))
      throw new UsageError(`${a.name.toUpperCase()} must be ${a.patternHint ?? 'a valid value'}`, usage);
    positional[a.name] = value;
  });
  return { positional, flags, options };
}

function checkNode(name: string, roles: readonly string[] | undefined, inventory: Inventory, spec: CommandSpec): void {
  const node = inventory.nodes.find((n) => n.name === name);
  if (!node) {
    const guess = closest(
      name,
      inventory.nodes.map((n) => n.name),
    );
    const eligible = inventory.nodes.filter((n) => !roles || n.roles.some((r) => roles.includes(r))).map((n) => n.name);
    throw new UserError(
      `unknown node "${name}"${guess ? ` (did you mean ${guess}?)` : ''}. Nodes${roles ? ` with role ${roles.join('/')}` : ''} in ${inventory.cluster}: ${summarizeList(eligible)}`,
      'stackmedic_unknown_node',
    );
  }
  if (roles && !node.roles.some((r) => roles.includes(r))) {
    const eligible = inventory.nodes.filter((n) => n.roles.some((r) => roles.includes(r))).map((n) => n.name);
    throw new UserError(
      `${name} is a ${node.roles.join('/')} node; /${spec.family} ${spec.name} needs a ${roles.join(' or ')} node: ${summarizeList(eligible)}`,
      'stackmedic_wrong_role',
    );
  }
}

function summarizeList(names: readonly string[]): string {
  if (names.length === 0) return '(none)';
  return names.length <= 12 ? names.join(', ') : `${names.slice(0, 12).join(', ')} and ${names.length - 12} more`;
}
