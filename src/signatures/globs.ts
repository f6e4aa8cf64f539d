import { LOG_GLOB_CHARSET } from './schema.js';

/**
 * Log path globs: validated once (they are inserted unquoted in remote shell commands) and turned
 * into regular expressions for offline matching with the same meaning the remote shell gives them:
 * `*` and `?` never cross a `/`.
 */

/** Why a glob is refused, or `null` when it is safe to insert unquoted in a shell command. */
export function globProblem(glob: string): string | null {
  if (!LOG_GLOB_CHARSET.test(glob)) return 'an absolute path glob made of A-Z a-z 0-9 _ @ . * ? / + -';
  if (glob.split('/').includes('..')) return 'a path without ".." segments';
  return null;
}

/** Regular expression matching the paths the shell would expand `glob` to. */
export function globToRegExp(glob: string): RegExp {
  let source = '^';
  for (const c of glob) {
    if (c === '*') source += '[^/]*';
    else if (c === '?') source += '[^/]';
    else source += c.replace(/[.+^$(){}|[\]\\]/g, '\\$&');
  }
  return new RegExp(`${source}$`);
}

/**
 * The live log path a rotated file came from: `x.log.1`, `x.log.2.gz`, `x.log.gz`,
 * `x.log-20170214(.gz)`, and the same for logs without an extension (`syslog.2.gz`,
 * `messages-20240101`, `startup_log.1`), all map back to the live name, so rotated files are
 * matched by the same globs.
 */
export function unrotatedPath(path: string): string {
  return path
    .replace(/\.gz$/, '')
    .replace(/-\d{8,10}$/, '')
    .replace(/\.\d+$/, '');
}

/** True when `path` (possibly a rotated copy) is one of the files `globs` name. */
export function pathMatchesGlobs(path: string, globs: readonly RegExp[]): boolean {
  const live = unrotatedPath(path);
  return globs.some((g) => g.test(live) || g.test(path));
}
