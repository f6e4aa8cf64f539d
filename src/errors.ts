import { randomBytes } from 'node:crypto';

/**
 * Every stable error code stackmedic gives, in one list (as bolt-js's `ErrorCode`): operators'
 * scripts and the audit log may match on them, so they are never renamed.
 */
export const ERROR_CODES = [
  'stackmedic_user_error',
  'stackmedic_usage',
  'stackmedic_config',
  'stackmedic_catalog_invalid',
  'stackmedic_unknown_node',
  'stackmedic_wrong_role',
  'stackmedic_runbook_refused',
  'stackmedic_node_locked',
  'stackmedic_store_unavailable',
  'stackmedic_bad_request_id',
  'stackmedic_diagnose_read',
  'stackmedic_diagnose_dir',
  'stackmedic_diagnose_nothing',
  'stackmedic_no_such_incident',
  'stackmedic_incident_resolved',
  'stackmedic_slack_post',
] as const;

/** A stable error code. */
export type ErrorCode = (typeof ERROR_CODES)[number];

/** An error whose message is meant for the operator, shown as is. */
export class UserError extends Error {
  override readonly name: string = 'UserError';
  constructor(
    message: string,
    /** Stable code, e.g. `stackmedic_unknown_node`. */
    readonly code: ErrorCode = 'stackmedic_user_error',
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
  readonly code: ErrorCode = 'stackmedic_config';
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
