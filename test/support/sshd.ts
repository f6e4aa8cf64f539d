import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** The unprivileged user the test sshd instances log in as (root's shell start-up is slow here). */
export const SSH_TEST_USER = 'smtest';

/** One real OpenSSH sshd standing for one cluster node. */
export interface SshdNode {
  readonly name: string;
  readonly port: number;
  /** Directory prepended to PATH in this node's sessions: drop fake `crm_mon` etc. here. */
  readonly binDir: string;
  readonly logFile: string;
}

/** Several real sshd instances on 127.0.0.1, an inventory and known_hosts for them. */
export interface SshdCluster {
  readonly dir: string;
  readonly nodes: SshdNode[];
  readonly inventoryPath: string;
  readonly knownHostsPath: string;
  readonly clientKeyPath: string;
  /** A second key pair that is NOT authorized. */
  readonly strangerKeyPath: string;
  stop(name: string): Promise<void>;
  start(name: string): Promise<void>;
  /** Writes an executable script into a node's bin dir. */
  script(name: string, program: string, body: string): void;
  /** How many logins the node's sshd accepted so far (one per TCP connection). */
  acceptedLogins(name: string): number;
  close(): Promise<void>;
}

function ensureTestUser(home: string): void {
  try {
    execFileSync('id', [SSH_TEST_USER], { stdio: 'ignore' });
  } catch {
    try {
      execFileSync('useradd', ['-M', '-d', home, '-s', '/bin/sh', SSH_TEST_USER], { stdio: 'pipe' });
    } catch (error) {
      // Another test file may have created it in the meantime.
      execFileSync('id', [SSH_TEST_USER], { stdio: 'ignore' });
      void error;
    }
  }
  // With UsePAM no, a locked '!' password is refused; '*' is not.
  execFileSync('usermod', ['-p', '*', '-d', home, SSH_TEST_USER], { stdio: 'ignore' });
}

/** A TCP port that was free a moment ago. */
export function freePort(): Promise<number> {
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

function waitForBanner(port: number, deadlineMs = 10_000): Promise<void> {
  const until = Date.now() + deadlineMs;
  return new Promise((resolve, reject) => {
    const attempt = (): void => {
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

function keygen(path: string): void {
  execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', 'stackmedic-test', '-f', path]);
}

/** Starts `count` sshd instances named `names` (default node-1..N) and writes inventory files. */
export async function startSshdCluster(options: { names?: string[]; roles?: Record<string, string[]> } = {}): Promise<SshdCluster> {
  const names = options.names ?? ['node-1', 'node-2', 'node-3'];
  const dir = mkdtempSync(join(tmpdir(), 'stackmedic-sshd-'));
  chmodSync(dir, 0o755);
  const home = '/var/tmp/stackmedic-smtest-home';
  mkdirSync(home, { recursive: true });
  chmodSync(home, 0o777);
  ensureTestUser(home);
  mkdirSync('/run/sshd', { recursive: true });
  const clientKeyPath = join(dir, 'id_client');
  const strangerKeyPath = join(dir, 'id_stranger');
  keygen(clientKeyPath);
  keygen(strangerKeyPath);
  const authorizedKeys = join(dir, 'authorized_keys');
  writeFileSync(authorizedKeys, readFileSync(`${clientKeyPath}.pub`));
  chmodSync(authorizedKeys, 0o644);
  const procs = new Map<string, ChildProcess>();
  const nodes: SshdNode[] = [];
  const knownLines: string[] = [];
  for (const name of names) {
    const ndir = join(dir, name);
    const binDir = join(ndir, 'bin');
    mkdirSync(binDir, { recursive: true });
    chmodSync(ndir, 0o755);
    chmodSync(binDir, 0o755);
    const hostKey = join(ndir, 'host_key');
    keygen(hostKey);
    const port = await freePort();
    const logFile = join(ndir, 'sshd.log');
    writeFileSync(
      join(ndir, 'sshd_config'),
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
        'MaxSessions 10',
        'MaxStartups 100:30:200',
        'LogLevel INFO',
        `SetEnv PATH=${binDir}:/usr/local/bin:/usr/bin:/bin:/usr/sbin:/sbin LC_ALL=C`,
        '',
      ].join('\n'),
    );
    const pub = readFileSync(`${hostKey}.pub`, 'utf8').trim().split(/\s+/);
    knownLines.push(`[127.0.0.1]:${port} ${pub[0]} ${pub[1]}`);
    nodes.push({ name, port, binDir, logFile });
  }
  const knownHostsPath = join(dir, 'known_hosts');
  writeFileSync(knownHostsPath, `${knownLines.join('\n')}\n`);
  const inventoryPath = join(dir, 'inventory.yml');
  writeFileSync(
    inventoryPath,
    [
      'cluster: sshd-test',
      `known_hosts: ${knownHostsPath}`,
      'defaults:',
      `  user: ${SSH_TEST_USER}`,
      `  private_key: ${clientKeyPath}`,
      '  become: false',
      'nodes:',
      ...nodes.map((n) => `  - { name: ${n.name}, address: 127.0.0.1, port: ${n.port}, roles: [${(options.roles?.[n.name] ?? ['controller']).join(', ')}] }`),
      '',
    ].join('\n'),
  );

  const start = async (name: string): Promise<void> => {
    const node = nodes.find((n) => n.name === name);
    if (!node) throw new Error(`no test node ${name}`);
    const config = join(dir, name, 'sshd_config');
    const proc = spawn('/usr/sbin/sshd', ['-D', '-f', config, '-E', node.logFile], { stdio: 'ignore' });
    procs.set(name, proc);
    await waitForBanner(node.port);
  };
  const stop = async (name: string): Promise<void> => {
    const proc = procs.get(name);
    if (!proc || proc.exitCode !== null) return;
    await new Promise<void>((resolve) => {
      proc.once('exit', () => resolve());
      proc.kill('SIGTERM');
    });
    procs.delete(name);
  };
  await Promise.all(names.map((n) => start(n)));
  return {
    dir,
    nodes,
    inventoryPath,
    knownHostsPath,
    clientKeyPath,
    strangerKeyPath,
    start,
    stop,
    script(name, program, body) {
      const node = nodes.find((n) => n.name === name);
      if (!node) throw new Error(`no test node ${name}`);
      const path = join(node.binDir, program);
      writeFileSync(path, body.startsWith('#!') ? body : `#!/bin/sh\n${body}`);
      chmodSync(path, 0o755);
    },
    acceptedLogins(name) {
      const node = nodes.find((n) => n.name === name);
      if (!node) throw new Error(`no test node ${name}`);
      try {
        return (readFileSync(node.logFile, 'utf8').match(/Accepted publickey/g) ?? []).length;
      } catch {
        return 0;
      }
    },
    async close() {
      await Promise.all([...procs.keys()].map((n) => stop(n)));
      // sshd's per-connection children exit with their sessions; give them a moment.
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
