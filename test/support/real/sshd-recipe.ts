/**
 * The recipe for a real OpenSSH sshd on 127.0.0.1, shared by the tests (test/support/sshd.ts) and
 * the benchmark (bench/sshd.ts): an unprivileged login user (root's shell start-up is slow here),
 * ed25519 keys, an absolute config path (sshd re-executes itself from / for every connection).
 */
import { execFileSync, spawn, type ChildProcess, type SpawnOptions } from 'node:child_process';
import { chmodSync, mkdirSync, readFileSync } from 'node:fs';
import { waitForBanner } from './net.js';

/** The unprivileged user the test and bench sshd instances log in as. */
export const SSH_TEST_USER = 'smtest';
/** Its home (world-writable: every harness shares it). */
export const SSH_TEST_HOME = '/var/tmp/stackmedic-smtest-home';

/** Creates the login user once (and its home); safe when several test files race to do it. */
export function ensureTestUser(): void {
  mkdirSync(SSH_TEST_HOME, { recursive: true });
  chmodSync(SSH_TEST_HOME, 0o777);
  try {
    execFileSync('id', [SSH_TEST_USER], { stdio: 'ignore' });
  } catch {
    try {
      execFileSync('useradd', ['-M', '-d', SSH_TEST_HOME, '-s', '/bin/sh', SSH_TEST_USER], { stdio: 'pipe' });
    } catch (error) {
      // Another test file may have created it in the meantime.
      execFileSync('id', [SSH_TEST_USER], { stdio: 'ignore' });
      void error;
    }
  }
  // With UsePAM no, a locked '!' password is refused; '*' is not.
  execFileSync('usermod', ['-p', '*', '-d', SSH_TEST_HOME, SSH_TEST_USER], { stdio: 'ignore' });
  mkdirSync('/run/sshd', { recursive: true });
}

/** Writes an ed25519 key pair without a passphrase at `path` and `path.pub`. */
export function keygen(path: string, comment = 'stackmedic-test'): void {
  execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', comment, '-f', path]);
}

/** The sshd_config of one loopback node. */
export function sshdConfig(o: {
  port: number;
  hostKey: string;
  pidFile: string;
  authorizedKeys: string;
  logLevel?: string;
  extra?: readonly string[];
}): string {
  return [
    `Port ${o.port}`,
    'ListenAddress 127.0.0.1',
    `HostKey ${o.hostKey}`,
    `PidFile ${o.pidFile}`,
    `AuthorizedKeysFile ${o.authorizedKeys}`,
    'PubkeyAuthentication yes',
    'PasswordAuthentication no',
    'KbdInteractiveAuthentication no',
    'UsePAM no',
    'StrictModes no',
    'MaxStartups 100:30:200',
    `LogLevel ${o.logLevel ?? 'INFO'}`,
    ...(o.extra ?? []),
    '',
  ].join('\n');
}

/** The known_hosts line for a host key served on 127.0.0.1:`port`. */
export function knownHostsLine(port: number, hostKeyPath: string): string {
  const pub = readFileSync(`${hostKeyPath}.pub`, 'utf8').trim().split(/\s+/);
  return `[127.0.0.1]:${port} ${pub[0]} ${pub[1]}`;
}

/** Starts sshd on `config` and waits for its banner; `spawnWith` lets the bench track the process. */
export async function startSshd(
  o: { config: string; port: number; logFile: string },
  spawnWith: (cmd: string, args: readonly string[], options: SpawnOptions) => ChildProcess = (c, a, s) => spawn(c, a, s),
): Promise<ChildProcess> {
  const child = spawnWith('/usr/sbin/sshd', ['-D', '-f', o.config, '-E', o.logFile], { stdio: 'ignore' });
  await waitForBanner(o.port, { banner: 'SSH-', what: 'sshd', child });
  return child;
}
