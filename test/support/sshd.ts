import type { ChildProcess } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from './real/net.js';
import { ensureTestUser, keygen, knownHostsLine, SSH_TEST_USER, sshdConfig, startSshd } from './real/sshd-recipe.js';

export { freePort } from './real/net.js';
export { SSH_TEST_USER } from './real/sshd-recipe.js';

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

/**
 * Starts sshd and makes sure the banner on `port` is its own: its log says it listens there
 * (another worker's server that took the port would answer `SSH-` too). Rejects, the child
 * stopped, when sshd exits or could not bind.
 */
async function startOwnSshd(o: { config: string; port: number; logFile: string }): Promise<ChildProcess> {
  const listening = `Server listening on 127.0.0.1 port ${o.port}.`;
  // A restarted node appends to the same log: its own start is the next such line.
  const times = (): number => logOf(o.logFile).split(listening).length - 1;
  const before = times();
  const child = await startSshd(o).catch((error: unknown) => {
    throw new Error(`sshd on port ${o.port}: ${error instanceof Error ? error.message : String(error)}; log: ${logOf(o.logFile)}`);
  });
  const deadline = Date.now() + 15_000;
  while (times() <= before) {
    if (child.exitCode !== null || Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`sshd on port ${o.port} is not the one answering there; log: ${logOf(o.logFile)}`);
    }
    await new Promise((r) => setTimeout(r, 20));
  }
  return child;
}

function logOf(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return '';
  }
}

/** Starts `count` sshd instances named `names` (default node-1..N) and writes inventory files. */
export async function startSshdCluster(options: { names?: string[]; roles?: Record<string, string[]> } = {}): Promise<SshdCluster> {
  const names = options.names ?? ['node-1', 'node-2', 'node-3'];
  const dir = mkdtempSync(join(tmpdir(), 'stackmedic-sshd-'));
  chmodSync(dir, 0o755);
  ensureTestUser();
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
    const logFile = join(ndir, 'sshd.log');
    const config = join(ndir, 'sshd_config');
    // Started as soon as its port is chosen, and on another port when that one was taken in the
    // meantime: files of other workers pick loopback ports at the same time.
    let port = 0;
    for (let attempt = 1; ; attempt++) {
      port = await freePort();
      writeFileSync(
        config,
        sshdConfig({
          port,
          hostKey,
          pidFile: join(ndir, 'sshd.pid'),
          authorizedKeys,
          extra: ['MaxSessions 10', `SetEnv PATH=${binDir}:/usr/local/bin:/usr/bin:/bin:/usr/sbin:/sbin LC_ALL=C`],
        }),
      );
      try {
        procs.set(name, await startOwnSshd({ config, port, logFile }));
        break;
      } catch (error) {
        if (attempt >= 3) throw error;
      }
    }
    knownLines.push(knownHostsLine(port, hostKey));
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
    procs.set(name, await startOwnSshd({ config, port: node.port, logFile: node.logFile }));
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
