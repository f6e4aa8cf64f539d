#!/usr/bin/env node
// @ts-check
/**
 * The real components the tests start (OpenSSH sshd, RabbitMQ, pacemaker's CLI, ...), found on
 * this machine or installed once with apt-get before the test run. `npm test` runs this first, so
 * the README's one test command passes on a fresh Debian/Ubuntu machine; where it cannot install
 * (not root, no apt) it stops at once with one line naming the packages and the command that
 * installs them, instead of letting test files fail one by one on `spawn ... ENOENT`.
 *
 * Plain JavaScript on purpose: it must run before anything is type-checked or built.
 *
 * Usage: node test/support/components.mjs [--check] [--root DIR]
 *   --check     only report (exit 2 when something is missing); the vitest global setup uses it
 *   --root DIR  look for absolute paths under DIR (the test that hides the components uses it)
 */
import { spawnSync } from 'node:child_process';
import process from 'node:process';
import { accessSync, constants } from 'node:fs';
import { delimiter, join } from 'node:path';

/**
 * What the tests run, by Debian package. A binary given by absolute path is checked there (the
 * tests spawn it by that path); a bare name is looked up on PATH and the sbin directories.
 * @type {readonly { package: string; binaries: readonly string[]; why: string }[]}
 */
export const COMPONENTS = [
  { package: 'openssh-server', binaries: ['/usr/sbin/sshd'], why: 'real sshd for the SSH executor and runbook tests' },
  { package: 'openssh-client', binaries: ['ssh', 'ssh-keygen'], why: 'keys and known_hosts for the sshd tests' },
  {
    package: 'rabbitmq-server',
    binaries: ['/usr/lib/rabbitmq/bin/rabbitmq-server', '/usr/lib/rabbitmq/bin/rabbitmqctl', 'epmd'],
    why: 'real RabbitMQ brokers',
  },
  { package: 'pacemaker-cli-utils', binaries: ['crm_mon', 'cibadmin', 'crm_simulate', 'crm_attribute'], why: 'crm_mon on a saved CIB' },
  { package: 'lsof', binaries: ['lsof'], why: 'open-file checks before removals' },
  { package: 'psmisc', binaries: ['fuser'], why: 'open-file checks before removals' },
  { package: 'procps', binaries: ['pgrep', 'ps'], why: 'process checks' },
  { package: 'util-linux', binaries: ['unshare', 'flock'], why: 'private mount namespaces, the install lock' },
  { package: 'passwd', binaries: ['useradd', 'usermod'], why: 'the unprivileged user the sshd tests log in as' },
  {
    package: 'postgresql',
    binaries: [
      '/usr/lib/postgresql/15/bin/initdb',
      '/usr/lib/postgresql/15/bin/pg_ctl',
      '/usr/lib/postgresql/15/bin/postgres',
      '/usr/lib/postgresql/15/bin/createdb',
    ],
    why: 'a real PostgreSQL, the shared store of several replicas',
  },
  { package: 'prometheus', binaries: ['/usr/bin/promtool'], why: 'promtool checks and unit-tests the alert rules in deploy/prometheus' },
  {
    package: 'prometheus-alertmanager',
    binaries: ['/usr/bin/prometheus-alertmanager', '/usr/bin/amtool'],
    why: 'a real Alertmanager routing alerts to the webhook',
  },
];

const SBIN = ['/usr/local/sbin', '/usr/sbin', '/sbin'];

/**
 * @param {string} path
 * @returns {boolean}
 */
function executable(path) {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/**
 * Whether `binary` can be run: an absolute path under `root`, or a name on PATH or in sbin.
 * @param {string} binary
 * @param {{ path: string; root: string }} where
 */
export function found(binary, where) {
  if (binary.startsWith('/')) return executable(join(where.root, binary));
  const dirs = [...where.path.split(delimiter).filter((d) => d !== ''), ...SBIN.map((d) => join(where.root, d))];
  return dirs.some((d) => executable(join(d, binary)));
}

/**
 * The components whose binaries are missing, each with the binaries it lacks.
 * @param {{ path: string; root: string }} where
 * @returns {{ package: string; missing: string[]; why: string }[]}
 */
export function missingComponents(where) {
  return COMPONENTS.flatMap((c) => {
    const missing = c.binaries.filter((b) => !found(b, where));
    return missing.length > 0 ? [{ package: c.package, missing, why: c.why }] : [];
  });
}

/**
 * @param {readonly string[]} packages
 * @param {boolean} sudo
 */
function installCommand(packages, sudo) {
  return `${sudo ? 'sudo ' : ''}apt-get update && ${sudo ? 'sudo ' : ''}apt-get install -y --no-install-recommends ${packages.join(' ')}`;
}

/**
 * @param {{ package: string; missing: string[] }[]} missing
 */
function describe(missing) {
  return missing.map((m) => `${m.package} (${m.missing.join(', ')})`).join(', ');
}

/**
 * Installs `packages` with apt-get under a lock, so that two test runs started together do not
 * clash (the second waits, then finds them installed). Returns apt's exit code.
 * @param {readonly string[]} packages
 * @param {NodeJS.ProcessEnv} env
 */
function aptInstall(packages, env) {
  const script = 'apt-get update -qq && apt-get install -y -qq --no-install-recommends -o DPkg::Lock::Timeout=300 "$@" >/dev/null';
  const r = spawnSync('flock', ['-w', '600', '--', '/var/lock/stackmedic-test-components.lock', 'sh', '-c', script, 'install', ...packages], {
    stdio: ['ignore', 'inherit', 'inherit'],
    env: { ...env, DEBIAN_FRONTEND: 'noninteractive' },
  });
  if (r.error) {
    // No flock (util-linux itself missing): apt's own lock still serialises the runs.
    const plain = spawnSync('sh', ['-c', script, 'install', ...packages], {
      stdio: ['ignore', 'inherit', 'inherit'],
      env: { ...env, DEBIAN_FRONTEND: 'noninteractive' },
    });
    return plain.status ?? 1;
  }
  return r.status ?? 1;
}

/**
 * Checks, and installs what is missing when it can. Returns the exit code: 0 ready, 2 missing.
 * @param {readonly string[]} argv
 * @param {NodeJS.ProcessEnv} env
 * @param {(line: string) => void} say
 */
export function ensureComponents(argv, env, say) {
  const checkOnly = argv.includes('--check');
  const rootAt = argv.indexOf('--root');
  const root = rootAt >= 0 ? (argv[rootAt + 1] ?? '/') : '/';
  const where = { path: env.PATH ?? '', root };
  const missing = missingComponents(where);
  if (missing.length === 0) return 0;
  const packages = missing.map((m) => m.package);
  const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
  const hasApt = found('apt-get', where);
  if (checkOnly || !isRoot || !hasApt) {
    const why = checkOnly ? '' : !hasApt ? ' and there is no apt-get here to install them' : ' and installing them needs root';
    say(
      `stackmedic tests: missing ${describe(missing)}${why}. Install them with: ${installCommand(packages, !isRoot)}${checkOnly ? ' (or run npm test as root: it installs them)' : ''}`,
    );
    return 2;
  }
  say(`stackmedic tests: installing ${packages.join(' ')} with apt-get (once; needed for ${missing.map((m) => m.why).join('; ')})`);
  const code = aptInstall(packages, env);
  const still = missingComponents(where);
  if (code !== 0 || still.length > 0) {
    say(
      `stackmedic tests: apt-get could not install ${describe(still.length > 0 ? still : missing)} (exit ${code}). Install them with: ${installCommand(packages, false)}`,
    );
    return 2;
  }
  say(`stackmedic tests: installed ${packages.join(' ')}`);
  return 0;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  process.exitCode = ensureComponents(process.argv.slice(2), process.env, (line) => process.stderr.write(`${line}\n`));
}
