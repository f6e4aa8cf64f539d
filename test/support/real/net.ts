/** Loopback ports and readiness waits shared by every real-component harness (tests and bench). */
import type { ChildProcess } from 'node:child_process';
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
