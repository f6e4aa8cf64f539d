import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { loadInventory } from '../../src/inventory/load.js';
import { SshPool } from '../../src/ssh/pool.js';
import { remote, sh } from '../../src/ssh/shell.js';

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

/** A TCP port that accepts connections and never says a word: an overloaded sshd, as the client sees it. */
async function silentServer(): Promise<number> {
  const sockets = new Set<Socket>();
  const server: Server = createServer((s) => {
    sockets.add(s);
    s.on('error', () => undefined);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  cleanups.push(
    () =>
      new Promise<void>((r) => {
        for (const s of sockets) s.destroy();
        server.close(() => r());
      }),
  );
  return (server.address() as AddressInfo).port;
}

describe('SshPool against a node that accepts but never answers', () => {
  it('reports the handshake timeout as a failed node and stays up (the socket closing afterwards is a second error)', async () => {
    const port = await silentServer();
    const dir = mkdtempSync(join(tmpdir(), 'ssh-silent-'));
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
    writeFileSync(join(dir, 'known_hosts'), '');
    writeFileSync(
      join(dir, 'inventory.yml'),
      `known_hosts: ./known_hosts\nnodes:\n  - { name: node-1, address: 127.0.0.1, port: ${port}, user: root, roles: [compute] }\n`,
    );
    const uncaught: unknown[] = [];
    const onUncaught = (e: unknown): void => void uncaught.push(e);
    process.on('uncaughtException', onUncaught);
    cleanups.push(() => void process.off('uncaughtException', onUncaught));
    const pool = new SshPool(loadInventory(join(dir, 'inventory.yml')), { connectTimeoutMs: 300 });
    try {
      const r = await pool.exec('node-1', remote(sh`echo up`));
      expect(r.ok).toBe(false);
      // The close that follows the timeout emits ssh2's 'Connection lost before handshake'.
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(uncaught).toEqual([]);
    } finally {
      await pool.close();
    }
  });
});
