import { writeFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadInventory } from '../../src/inventory/load.js';
import type { Inventory } from '../../src/inventory/types.js';
import { SshPool } from '../../src/ssh/pool.js';
import { remote, sh } from '../../src/ssh/shell.js';
import { startSshdCluster, type SshdCluster } from '../support/sshd.js';
import { until } from '../support/wait.js';

let cluster: SshdCluster;
let inventory: Inventory;

beforeAll(async () => {
  cluster = await startSshdCluster({ names: ['node-1', 'node-2', 'node-3', 'node-4'] });
  inventory = loadInventory(cluster.inventoryPath);
});

afterAll(async () => {
  await cluster?.close();
});

describe('SshPool against real OpenSSH sshd', () => {
  it('runs a command and returns stdout, stderr, exit code and duration', async () => {
    const pool = new SshPool(inventory);
    try {
      const r = await pool.exec('node-1', remote(sh`echo out; echo err >&2; exit 3`));
      expect(r.ok).toBe(true);
      if (!r.ok) return;
      expect(r.stdout).toBe('out\n');
      expect(r.stderr).toBe('err\n');
      expect(r.exitCode).toBe(3);
      expect(r.durationMs).toBeGreaterThanOrEqual(0);
      expect(r.truncated).toBe(false);
    } finally {
      await pool.close();
    }
  });

  it('runs scripts from the node PATH (fake tools for probes)', async () => {
    cluster.script('node-2', 'crm_mon', 'echo "fake crm_mon on node-2: $*"; exit 0');
    const pool = new SshPool(inventory);
    try {
      const r = await pool.exec('node-2', remote(sh`crm_mon --output-as=xml`));
      expect(r.ok && r.stdout).toBe('fake crm_mon on node-2: --output-as=xml\n');
    } finally {
      await pool.close();
    }
  });

  it('reports a command not found as exit 127, not as a failure of the node', async () => {
    const pool = new SshPool(inventory);
    try {
      const r = await pool.exec('node-1', remote(sh`no-such-tool-xyz`));
      expect(r.ok && r.exitCode).toBe(127);
    } finally {
      await pool.close();
    }
  });

  it('times out a command that hangs and keeps the connection usable', async () => {
    const pool = new SshPool(inventory);
    try {
      const r = await pool.exec('node-1', remote(sh`sleep 30`), { timeoutMs: 500 });
      expect(r.ok).toBe(false);
      if (!r.ok) {
        expect(r.kind).toBe('timeout');
        expect(r.message).toMatch(/no answer from node-1 within 500 ms/);
      }
      const again = await pool.exec('node-1', remote(sh`echo alive`));
      expect(again.ok && again.stdout).toBe('alive\n');
    } finally {
      await pool.close();
    }
  });

  it('caps output and flags it as truncated', async () => {
    const pool = new SshPool(inventory);
    try {
      const r = await pool.exec('node-1', remote(sh`head -c 1000000 /dev/zero | tr '\\0' x`), { maxOutputBytes: 1000 });
      expect(r.ok).toBe(true);
      if (!r.ok) return;
      expect(r.stdout.length).toBe(1000);
      expect(r.truncated).toBe(true);
    } finally {
      await pool.close();
    }
  });

  it('reports a closed port as unreachable while the other nodes still answer', async () => {
    await cluster.stop('node-3');
    const pool = new SshPool(inventory, { connectTimeoutMs: 3000 });
    try {
      const results = await pool.fanOut(['node-1', 'node-2', 'node-3', 'node-4'], remote(sh`echo up`));
      expect(results.map((r) => r.node)).toEqual(['node-1', 'node-2', 'node-3', 'node-4']);
      expect(results.map((r) => r.ok)).toEqual([true, true, false, true]);
      const down = results[2];
      expect(down && !down.ok && down.kind).toBe('unreachable');
      expect(down && !down.ok && down.message).toMatch(/connection refused/);
    } finally {
      await pool.close();
      await cluster.start('node-3');
    }
  });

  it('refuses a server whose host key changed', async () => {
    const node = cluster.nodes.find((n) => n.name === 'node-1');
    const other = cluster.nodes.find((n) => n.name === 'node-2');
    if (!node || !other) throw new Error('test nodes missing');
    const lines = (await import('node:fs')).readFileSync(cluster.knownHostsPath, 'utf8').trim().split('\n');
    const otherKey = lines
      .find((l) => l.startsWith(`[127.0.0.1]:${other.port} `))
      ?.split(' ')
      .slice(1)
      .join(' ');
    const forged = `${cluster.dir}/known_hosts.changed`;
    writeFileSync(forged, `[127.0.0.1]:${node.port} ${otherKey}\n`);
    const pool = new SshPool({ ...inventory, knownHostsPath: forged });
    try {
      const r = await pool.exec('node-1', remote(sh`echo should-not-run`));
      expect(r.ok).toBe(false);
      if (!r.ok) {
        expect(r.kind).toBe('host-key');
        expect(r.message).toMatch(/host key of node-1 .* has CHANGED/);
      }
    } finally {
      await pool.close();
    }
  });

  it('refuses a server whose host key is not in known_hosts', async () => {
    const empty = `${cluster.dir}/known_hosts.empty`;
    writeFileSync(empty, '');
    const pool = new SshPool({ ...inventory, knownHostsPath: empty });
    try {
      const r = await pool.exec('node-1', remote(sh`echo should-not-run`));
      expect(r.ok === false && r.kind).toBe('host-key');
      expect(r.ok === false && r.message).toMatch(/is not in .*known_hosts.empty; refusing to connect/);
    } finally {
      await pool.close();
    }
  });

  it('accepts a hashed known_hosts entry', async () => {
    const hashed = `${cluster.dir}/known_hosts.hashed`;
    writeFileSync(hashed, (await import('node:fs')).readFileSync(cluster.knownHostsPath));
    (await import('node:child_process')).execFileSync('ssh-keygen', ['-H', '-f', hashed], { stdio: 'ignore' });
    expect((await import('node:fs')).readFileSync(hashed, 'utf8')).toMatch(/^\|1\|/);
    const pool = new SshPool({ ...inventory, knownHostsPath: hashed });
    try {
      const r = await pool.exec('node-1', remote(sh`echo hashed-ok`));
      expect(r.ok && r.stdout).toBe('hashed-ok\n');
    } finally {
      await pool.close();
    }
  });

  it('reports a refused client key as an auth failure', async () => {
    const stranger: Inventory = { ...inventory, nodes: inventory.nodes.map((n) => ({ ...n, privateKeyPath: cluster.strangerKeyPath })) };
    const pool = new SshPool(stranger);
    try {
      const r = await pool.exec('node-1', remote(sh`echo should-not-run`));
      expect(r.ok === false && r.kind).toBe('auth');
      expect(r.ok === false && r.message).toMatch(/refused the SSH key of user smtest/);
    } finally {
      await pool.close();
    }
  });

  it('reuses one TCP connection for many commands to one node', async () => {
    const before = cluster.acceptedLogins('node-4');
    const pool = new SshPool(inventory);
    try {
      const results = await Promise.all(Array.from({ length: 20 }, (_, i) => pool.exec('node-4', remote(sh`echo ${i}`))));
      expect(results.filter((r) => !r.ok)).toEqual([]);
      expect(results.map((r) => (r.ok ? r.stdout.trim() : '')).sort((a, b) => Number(a) - Number(b))).toEqual(Array.from({ length: 20 }, (_, i) => String(i)));
      expect(pool.connectionsOpened).toBe(1);
      expect(cluster.acceptedLogins('node-4') - before).toBe(1);
    } finally {
      await pool.close();
    }
  });

  it('reconnects after the connection dropped', async () => {
    const pool = new SshPool(inventory);
    try {
      expect((await pool.exec('node-2', remote(sh`echo one`))).ok).toBe(true);
      await cluster.stop('node-2');
      await cluster.start('node-2');
      // The old connection's sshd child is gone with the server: the pool notices and reconnects.
      const killed = await pool.exec('node-2', remote(sh`kill -9 $PPID`));
      expect((killed.ok === false && killed.kind === 'connection-lost') || killed.ok).toBe(true);
      const r = await pool.exec('node-2', remote(sh`echo two`));
      expect(r.ok && r.stdout).toBe('two\n');
      expect(pool.connectionsOpened).toBe(2);
    } finally {
      await pool.close();
    }
  });

  it('runs at most `concurrency` nodes at once in a fan-out', async () => {
    const pool = new SshPool(inventory);
    try {
      const marker = `${cluster.dir}/concurrency.log`;
      writeFileSync(marker, '');
      (await import('node:fs')).chmodSync(marker, 0o666);
      const cmd = remote(sh`echo start >> ${marker}; sleep 0.4; echo end >> ${marker}`);
      await pool.fanOut(['node-1', 'node-2', 'node-3', 'node-4'], cmd, { concurrency: 2 });
      const events = (await import('node:fs')).readFileSync(marker, 'utf8').trim().split('\n');
      let running = 0;
      let peak = 0;
      for (const e of events) {
        running += e === 'start' ? 1 : -1;
        peak = Math.max(peak, running);
      }
      expect(events).toHaveLength(8);
      expect(peak).toBe(2);
    } finally {
      await pool.close();
    }
  });

  it('never lets hostile arguments reach the shell unquoted', async () => {
    const pool = new SshPool(inventory);
    const hostile = ['node-10; rm -rf /', '$(id)', '`id`', "it's", 'a\nb', '"quoted"', '$HOME', '*', '-n'];
    try {
      for (const value of hostile) {
        const r = await pool.exec('node-1', remote(sh`printf '%s' ${value}`));
        expect(r.ok && r.stdout).toBe(value);
      }
    } finally {
      await pool.close();
    }
  });

  it('tunnels through a jump host with forwardOut', async () => {
    const viaJump: Inventory = {
      ...inventory,
      nodes: inventory.nodes.map((n) => (n.name === 'node-3' ? { ...n, jump: 'node-1' } : n)),
    };
    const before = cluster.acceptedLogins('node-1');
    const pool = new SshPool(viaJump);
    try {
      const r = await pool.exec('node-3', remote(sh`echo through-the-bastion`));
      expect(r.ok && r.stdout).toBe('through-the-bastion\n');
      // Two SSH sessions: one to the jump host, one tunnelled inside it to node-3.
      expect(pool.connectionsOpened).toBe(2);
      expect(cluster.acceptedLogins('node-1') - before).toBe(1);
    } finally {
      await pool.close();
    }
  });

  it('closes idle connections', async () => {
    const pool = new SshPool(inventory, { idleTimeoutMs: 200 });
    try {
      expect((await pool.exec('node-1', remote(sh`true`))).ok).toBe(true);
      expect(pool.openConnections()).toEqual(['node-1']);
      // Closed once idle for 200 ms; the close itself is I/O, so poll rather than sleep past it.
      await until(() => pool.openConnections().length === 0, { what: 'the idle connection closed' });
      expect(pool.openConnections()).toEqual([]);
      const again = await pool.exec('node-1', remote(sh`echo back`));
      expect(again.ok && again.stdout).toBe('back\n');
      expect(pool.connectionsOpened).toBe(2);
    } finally {
      await pool.close();
    }
  });
});
