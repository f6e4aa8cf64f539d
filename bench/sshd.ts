/**
 * Real OpenSSH sshd instances on 127.0.0.1, one per port, for the peer comparison: the recipe the
 * tests use (test/support/real/sshd-recipe.ts), plus the inventories parallel-ssh and ansible read.
 */
import { chmodSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { freePort } from '../test/support/real/net.js';
import { ensureTestUser, keygen, knownHostsLine, SSH_TEST_USER, sshdConfig, startSshd } from '../test/support/real/sshd-recipe.js';
import { spawnTracked, type Cleanup } from './util.js';

/** The login user of the sshd nodes. */
export const SSHD_USER = SSH_TEST_USER;

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

/** Starts `count` sshd nodes; they are stopped (by process group) when `cleanup` runs. */
export async function startSshdNodes(cleanup: Cleanup, count: number): Promise<SshdNodes> {
  ensureTestUser();
  const dir = cleanup.tempDir('sshd');
  chmodSync(dir, 0o755);
  const clientKeyPath = join(dir, 'id_client');
  keygen(clientKeyPath, 'stackmedic-bench');
  const authorizedKeys = join(dir, 'authorized_keys');
  writeFileSync(authorizedKeys, readFileSync(`${clientKeyPath}.pub`));
  chmodSync(authorizedKeys, 0o644);
  const ports: number[] = [];
  const knownLines: string[] = [];
  const starts: Promise<unknown>[] = [];
  for (let i = 1; i <= count; i++) {
    const ndir = join(dir, `node-${i}`);
    mkdirSync(ndir);
    chmodSync(ndir, 0o755);
    const hostKey = join(ndir, 'host_key');
    keygen(hostKey, 'stackmedic-bench');
    const port = await freePort();
    const config = join(ndir, 'sshd_config');
    writeFileSync(config, sshdConfig({ port, hostKey, pidFile: join(ndir, 'sshd.pid'), authorizedKeys, logLevel: 'ERROR' }));
    knownLines.push(knownHostsLine(port, hostKey));
    ports.push(port);
    starts.push(startSshd({ config, port, logFile: join(ndir, 'sshd.log') }, (cmd, args, options) => spawnTracked(cleanup, cmd, args, options)));
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
