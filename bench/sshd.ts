/**
 * Real OpenSSH sshd instances on 127.0.0.1, one per port, for the peer comparison: the recipe of
 * test/support/sshd.ts (unprivileged login user, absolute config path, ed25519 keys), plus the
 * inventories parallel-ssh and ansible read.
 */
import { execFileSync, type ChildProcess } from 'node:child_process';
import { chmodSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { connect, createServer } from 'node:net';
import { join } from 'node:path';
import { spawnTracked, type Cleanup } from './util.js';

/** The login user of the sshd nodes (root's shell start-up is slow on these machines). */
export const SSHD_USER = 'smtest';
const SSHD_HOME = '/var/tmp/stackmedic-smtest-home';

/** Files describing a running set of sshd nodes to each tool. */
export interface SshdNodes {
  readonly dir: string;
  readonly ports: readonly number[];
  readonly clientKeyPath: string;
  readonly knownHostsPath: string;
  /** stackmedic's inventory. */
  readonly inventoryPath: string;
  /** parallel-ssh's `-h` file (`127.0.0.1:PORT` per line). */
  readonly psshHostsPath: string;
  /** ansible's INI inventory. */
  readonly ansibleInventoryPath: string;
}

function ensureUser(): void {
  mkdirSync(SSHD_HOME, { recursive: true });
  chmodSync(SSHD_HOME, 0o777);
  try {
    execFileSync('id', [SSHD_USER], { stdio: 'ignore' });
  } catch {
    execFileSync('useradd', ['-M', '-d', SSHD_HOME, '-s', '/bin/sh', SSHD_USER], { stdio: 'pipe' });
  }
  // With UsePAM no, a locked '!' password is refused; '*' is not.
  execFileSync('usermod', ['-p', '*', SSHD_USER], { stdio: 'ignore' });
}

function keygen(path: string): void {
  execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', 'stackmedic-bench', '-f', path]);
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

function waitForBanner(port: number, child: ChildProcess, deadlineMs = 15_000): Promise<void> {
  const until = Date.now() + deadlineMs;
  return new Promise((resolve, reject) => {
    const attempt = (): void => {
      if (child.exitCode !== null) {
        reject(new Error(`sshd on port ${port} exited with ${child.exitCode}`));
        return;
      }
      const sock = connect(port, '127.0.0.1');
      sock.once('data', (d) => {
        sock.destroy();
        if (d.toString().startsWith('SSH-')) resolve();
        else retry();
      });
      sock.once('error', () => {
        sock.destroy();
        retry();
      });
    };
    const retry = (): void => {
      if (Date.now() > until) reject(new Error(`sshd on port ${port} did not start`));
      else setTimeout(attempt, 50);
    };
    attempt();
  });
}

/** Starts `count` sshd nodes; they are stopped (by process group) when `cleanup` runs. */
export async function startSshdNodes(cleanup: Cleanup, count: number): Promise<SshdNodes> {
  ensureUser();
  mkdirSync('/run/sshd', { recursive: true });
  const dir = cleanup.tempDir('sshd');
  chmodSync(dir, 0o755);
  const clientKeyPath = join(dir, 'id_client');
  keygen(clientKeyPath);
  const authorizedKeys = join(dir, 'authorized_keys');
  writeFileSync(authorizedKeys, readFileSync(`${clientKeyPath}.pub`));
  chmodSync(authorizedKeys, 0o644);
  const ports: number[] = [];
  const knownLines: string[] = [];
  const starts: Promise<void>[] = [];
  for (let i = 1; i <= count; i++) {
    const ndir = join(dir, `node-${i}`);
    mkdirSync(ndir);
    chmodSync(ndir, 0o755);
    const hostKey = join(ndir, 'host_key');
    keygen(hostKey);
    const port = await freePort();
    const config = join(ndir, 'sshd_config');
    writeFileSync(
      config,
      [
        `Port ${port}`,
        'ListenAddress 127.0.0.1',
        `HostKey ${hostKey}`,
        `PidFile ${join(ndir, 'sshd.pid')}`,
        `AuthorizedKeysFile ${authorizedKeys}`,
        'PubkeyAuthentication yes',
        'PasswordAuthentication no',
        'KbdInteractiveAuthentication no',
        'UsePAM no',
        'StrictModes no',
        'MaxStartups 100:30:200',
        'LogLevel ERROR',
        '',
      ].join('\n'),
    );
    const pub = readFileSync(`${hostKey}.pub`, 'utf8').trim().split(/\s+/);
    knownLines.push(`[127.0.0.1]:${port} ${pub[0]} ${pub[1]}`);
    ports.push(port);
    // An absolute config path: sshd re-executes itself from / for every connection.
    const child = spawnTracked(cleanup, '/usr/sbin/sshd', ['-D', '-f', config, '-E', join(ndir, 'sshd.log')], { stdio: 'ignore' });
    starts.push(waitForBanner(port, child));
  }
  await Promise.all(starts);
  const knownHostsPath = join(dir, 'known_hosts');
  writeFileSync(knownHostsPath, `${knownLines.join('\n')}\n`);
  const inventoryPath = join(dir, 'inventory.yml');
  writeFileSync(
    inventoryPath,
    [
      'cluster: bench-sshd',
      `known_hosts: ${knownHostsPath}`,
      'defaults:',
      `  user: ${SSHD_USER}`,
      `  private_key: ${clientKeyPath}`,
      '  become: false',
      'nodes:',
      ...ports.map((port, i) => `  - { name: node-${i + 1}, address: 127.0.0.1, port: ${port}, roles: [compute] }`),
      '',
    ].join('\n'),
  );
  const psshHostsPath = join(dir, 'pssh-hosts');
  writeFileSync(psshHostsPath, `${ports.map((p) => `127.0.0.1:${p}`).join('\n')}\n`);
  const ansibleInventoryPath = join(dir, 'ansible.ini');
  writeFileSync(
    ansibleInventoryPath,
    [
      '[nodes]',
      ...ports.map((port, i) => `node-${i + 1} ansible_host=127.0.0.1 ansible_port=${port}`),
      '',
      '[all:vars]',
      `ansible_user=${SSHD_USER}`,
      `ansible_ssh_private_key_file=${clientKeyPath}`,
      `ansible_ssh_common_args='-o UserKnownHostsFile=${knownHostsPath} -o StrictHostKeyChecking=yes'`,
      // Named, as inventories usually do, so ansible spends no round trip discovering it.
      'ansible_python_interpreter=/usr/bin/python3',
      '',
    ].join('\n'),
  );
  return { dir, ports, clientKeyPath, knownHostsPath, inventoryPath, psshHostsPath, ansibleInventoryPath };
}
