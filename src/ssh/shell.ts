/**
 * Remote commands are fixed templates written in this code base. Every value that is not part of
 * the template (a node name, a resource id, a path) is inserted through `sh`, which single-quotes it,
 * so nothing a user types can ever be read by the remote shell as syntax.
 */

/** A shell script fragment whose text is trusted: it came from a template literal in this code. */
export class ShellScript {
  /** @internal use `sh` or `ShellScript.raw` (for constants only). */
  private constructor(readonly text: string) {}

  /** Wraps a constant, written-in-the-code script. Never pass user input here. */
  static raw(text: string): ShellScript {
    return new ShellScript(text);
  }

  /** Joins trusted fragments with a separator (e.g. `' && '`). */
  static join(parts: readonly ShellScript[], separator: string): ShellScript {
    return new ShellScript(parts.map((p) => p.text).join(separator));
  }

  toString(): string {
    return this.text;
  }
}

const SAFE_WORD = /^[A-Za-z0-9_@%+=:,./-]+$/;

/** Quotes one word for a POSIX shell. Words made only of safe characters are left bare. */
export function shellQuote(value: string): string {
  if (value.includes('\0')) throw new TypeError('a shell argument cannot contain a NUL byte');
  if (value !== '' && SAFE_WORD.test(value)) return value;
  return `'${value.replace(/'/g, `'\\''`)}'`;
}

/** Values `sh` accepts: strings and numbers are quoted, arrays become several quoted words. */
export type ShellValue = string | number | ShellScript | readonly (string | number)[];

/**
 * Tagged template for remote commands: the literal parts are trusted code, every interpolated value
 * is shell-quoted (a `ShellScript` is inserted as is, since it was built the same way).
 *
 * @example sh`rabbitmqctl -n ${nodeName} cluster_status --formatter json`
 */
export function sh(strings: TemplateStringsArray, ...values: ShellValue[]): ShellScript {
  let text = strings[0] ?? '';
  values.forEach((value, i) => {
    text += renderValue(value) + (strings[i + 1] ?? '');
  });
  return ShellScript.raw(text);
}

function renderValue(value: ShellValue): string {
  if (value instanceof ShellScript) return value.text;
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new TypeError('a shell argument must be a finite number');
    return String(value);
  }
  if (typeof value === 'string') return shellQuote(value);
  return value.map((v) => (typeof v === 'number' ? renderValue(v) : shellQuote(v))).join(' ');
}

/** A command to run on a node: a trusted script plus how it must be run there. */
export interface RemoteCommand {
  /** The script, built with `sh`. */
  readonly script: ShellScript;
  /** Needs root: run through `sudo -n` on nodes whose SSH user is not root. */
  readonly privileged: boolean;
  /** Needs OpenStack credentials: the cluster's openrc file is sourced first. */
  readonly openrc: boolean;
}

/** Declares a remote command. */
export function remote(script: ShellScript, options: { privileged?: boolean; openrc?: boolean } = {}): RemoteCommand {
  return { script, privileged: options.privileged ?? false, openrc: options.openrc ?? false };
}

/** How a node runs commands: used to turn a RemoteCommand into the exact text sent over SSH. */
export interface ShellContext {
  /** The node's SSH user is not root and privileged commands go through `sudo -n`. */
  readonly become: boolean;
  /** Path of the OpenStack credentials file to source, if the cluster has one. */
  readonly openrcPath?: string | undefined;
}

/** The exact text sent to the node for `command`. */
export function renderRemoteCommand(command: RemoteCommand, context: ShellContext): string {
  let script = command.script.text;
  if (command.openrc && context.openrcPath) {
    script = `. ${shellQuote(context.openrcPath)} && ${script}`;
  }
  if (command.privileged && context.become) {
    return `sudo -n -- sh -c ${shellQuote(script)}`;
  }
  return script;
}
