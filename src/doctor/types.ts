/** What `stackmedic doctor` reports: one verdict per check, grouped as the operator reads them. */

/** `pass` ✔, `fail` ✘, `warn` ! (works, but something should be done), `skip` - (not configured, so not checked). */
export type CheckStatus = 'pass' | 'fail' | 'warn' | 'skip';

/** The sections of the report, in the order they are printed. */
export const CHECK_GROUPS = ['configuration', 'nodes', 'coverage', 'slack', 'store', 'schedule'] as const;

/** One section of the report. */
export type CheckGroup = (typeof CHECK_GROUPS)[number];

/** One check and its verdict. */
export interface Check {
  readonly group: CheckGroup;
  /** What was checked, as the line starts: `environment`, `node-10 host key`. */
  readonly name: string;
  readonly status: CheckStatus;
  /** What was seen, in one line. */
  readonly detail: string;
  /** What to do about a failure or a warning; may hold a command to run on its own line. */
  readonly fix?: string | undefined;
  /** A failure here is bad configuration (exit code 2), not a problem found (exit code 1). */
  readonly configuration: boolean;
}

/** The whole report. */
export interface DoctorReport {
  /** One line naming what was examined ("cluster prod-east (12 nodes, inventory ./inventory.yml)"). */
  readonly target: string;
  readonly checks: readonly Check[];
  /** 0 all pass, 1 a check failed, 2 the configuration is bad. */
  readonly exitCode: 0 | 1 | 2;
}

/** Builds checks of one group; `configuration` marks failures that mean bad configuration. */
export function checksOf(group: CheckGroup, configuration = group === 'configuration') {
  const make =
    (status: CheckStatus) =>
    (name: string, detail: string, fix?: string): Check => ({ group, name, status, detail, ...(fix === undefined ? {} : { fix }), configuration });
  return { pass: make('pass'), fail: make('fail'), warn: make('warn'), skip: make('skip') };
}

/** The exit code a set of checks earns. */
export function exitCodeOf(checks: readonly Check[]): 0 | 1 | 2 {
  const failed = checks.filter((c) => c.status === 'fail');
  if (failed.some((c) => c.configuration)) return 2;
  return failed.length > 0 ? 1 : 0;
}
