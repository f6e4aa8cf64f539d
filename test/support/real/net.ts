/** Loopback ports and readiness waits shared by every real-component harness (tests and bench). */
import type { ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { connect, createServer } from 'node:net';

/** A TCP port on 127.0.0.1 that was free a moment ago. */
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

/**
 * A TCP port on 127.0.0.1 where nothing listens, and where nothing else in the suite will start
 * listening: below the kernel's ephemeral range, which `listen(0)` and outgoing connections draw
 * from (a port `freePort` left closed could be reused by any parallel test file). The port is
 * checked free now; a `connection refused` test can rely on it for its duration.
 */
export async function closedPort(): Promise<number> {
  let low = 32768;
  try {
    low = Number(readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8').trim().split(/\s+/)[0]) || low;
  } catch {
    // Not Linux: the usual default.
  }
  const span = Math.max(1, low - 20_000);
  for (let i = 0; i < 50; i++) {
    const port = 20_000 + Math.floor(Math.random() * span);
    if (await refused(port)) return port;
  }
  throw new Error('no closed port found below the ephemeral range');
}

/**
 * A port for a server a test starts (a child process given PORT): outside the ephemeral range,
 * so no parallel file's listen(0) or outgoing connection takes it between the choice and the bind.
 */
export const serverPort = closedPort;

/** Whether a connection to 127.0.0.1:`port` is refused. */
function refused(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const sock = connect(port, '127.0.0.1');
    sock.once('connect', () => {
      sock.destroy();
      resolve(false);
    });
    sock.once('error', (e: NodeJS.ErrnoException) => {
      sock.destroy();
      resolve(e.code === 'ECONNREFUSED');
    });
  });
}

/**
 * Resolves once 127.0.0.1:`port` sends a first chunk starting with `banner` (`SSH-` for sshd);
 * rejects when `child` exits first or the deadline passes, naming what did not start.
 */
export function waitForBanner(port: number, options: { banner: string; what: string; child?: ChildProcess; deadlineMs?: number }): Promise<void> {
  const until = Date.now() + (options.deadlineMs ?? 15_000);
  return new Promise((resolve, reject) => {
    const attempt = (): void => {
      if (options.child && options.child.exitCode !== null) {
        reject(new Error(`${options.what} on port ${port} exited with ${options.child.exitCode}`));
        return;
      }
      const sock = connect(port, '127.0.0.1');
      sock.once('data', (d) => {
        sock.destroy();
        if (d.toString().startsWith(options.banner)) resolve();
        else retry();
      });
      sock.once('error', () => {
        sock.destroy();
        retry();
      });
    };
    const retry = (): void => {
      if (Date.now() > until) reject(new Error(`${options.what} on port ${port} did not start`));
      else setTimeout(attempt, 50);
    };
    attempt();
  });
}
