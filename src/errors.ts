import { randomBytes } from 'node:crypto';

/** An error whose message is meant for the operator, shown as is. */
export class UserError extends Error {
  override readonly name: string = 'UserError';
  constructor(
    message: string,
    /** Stable code, e.g. `stackmedic_unknown_node`. */
    readonly code = 'stackmedic_user_error',
  ) {
    super(message);
  }
}

/** The command line was malformed: the reply shows the message and the command's usage. */
export class UsageError extends UserError {
  override readonly name = 'UsageError';
  constructor(
    message: string,
    /** Usage text of the command (or family) that was misused. */
    readonly usage: string,
  ) {
    super(message, 'stackmedic_usage');
  }
}

/** A configuration file is invalid: names the file and the field; the CLI exits with code 2. */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
  readonly code = 'stackmedic_config';
  constructor(
    readonly file: string,
    readonly field: string,
    readonly expected: string,
  ) {
    super(`${file}: ${field}: ${expected}`);
  }
}

/** A short random id that ties a generic "internal error" reply to the detailed log line. */
export function errorReference(): string {
  return randomBytes(4).toString('hex');
}

/** Adds "while <doing X>" context to any error, keeping the original as `cause`. */
export function wrapError(error: unknown, doing: string): Error {
  if (error instanceof UserError || error instanceof ConfigError) return error;
  const message = error instanceof Error ? error.message : String(error);
  return new Error(`while ${doing}: ${message}`, { cause: error });
}
