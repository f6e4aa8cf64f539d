import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { Logger } from '@slack/bolt';
import { packageRoot } from '../../package-root.js';
import type { EarlyAckKind, FromIngress, IngressConfig, ToIngress } from './protocol.js';

/** The running ingress thread. */
export interface SlackIngress {
  /** The port Slack posts to. */
  readonly port: number;
  /** Stops taking connections, lets requests in flight finish for up to `graceMs`, and ends the thread. */
  stop(graceMs?: number): Promise<void>;
}

/** What the main thread does with the ingress's reports. */
export interface IngressHandlers {
  readonly logger: Logger;
  /** The app's ack came after the ingress acked and says more: post it to the response_url. */
  readonly lateAnswer: (answer: { responseUrl: string; body: string; command: string }) => Promise<void>;
  /** The ingress acked for a busy main thread (for metrics). */
  readonly earlyAck?: (kind: EarlyAckKind, ms: number) => void;
}

/**
 * The built worker: next to this file in dist/, or dist's copy when running from the sources
 * (the tests; `npm test` builds first).
 */
function workerUrl(): URL {
  const sibling = new URL('./worker.js', import.meta.url);
  if (existsSync(fileURLToPath(sibling))) return sibling;
  const built = join(packageRoot(), 'dist', 'src', 'slack', 'ingress', 'worker.js');
  if (existsSync(built)) return pathToFileURL(built);
  throw new Error(`the Slack ingress thread is not built (${built} is missing): run \`npm run build\``);
}

/**
 * Starts the Slack ingress thread on `config.port` in front of Bolt's receiver on
 * `config.upstreamPort`. Resolves once it listens; rejects with the listen error (port in use...).
 */
export function startIngress(config: IngressConfig, handlers: IngressHandlers): Promise<SlackIngress> {
  const worker = new Worker(workerUrl(), { workerData: config, stdout: false, stderr: false });
  let stopped: (() => void) | undefined;
  const ended = new Promise<void>((resolve) => worker.once('exit', () => resolve()));
  return new Promise((resolve, reject) => {
    let ready = false;
    worker.on('error', (error) => {
      handlers.logger.error('[stackmedic] the Slack ingress thread failed:', error);
      if (!ready) reject(error);
    });
    worker.on('exit', (code) => {
      if (!ready) reject(new Error(`the Slack ingress thread exited (${code}) before listening`));
      else if (!stopped) handlers.logger.error(`[stackmedic] the Slack ingress thread exited (${code}): Slack's requests are no longer taken`);
    });
    worker.on('message', (message: FromIngress) => {
      switch (message.type) {
        case 'ready':
          ready = true;
          resolve({
            port: message.port,
            async stop(graceMs = 5000) {
              const done = new Promise<void>((r) => (stopped = r));
              worker.postMessage({ type: 'stop', graceMs } satisfies ToIngress);
              // The thread says when it is done; past the grace (and a margin) it is ended regardless.
              const timer = setTimeout(() => void worker.terminate(), graceMs + 2000);
              await Promise.race([done, ended]);
              clearTimeout(timer);
              await worker.terminate();
            },
          });
          return;
        case 'failed':
          if (!ready) reject(new Error(message.message));
          else handlers.logger.error(`[stackmedic] the Slack ingress: ${message.message}`);
          return;
        case 'log':
          handlers.logger[message.level](message.text);
          return;
        case 'early-ack':
          handlers.earlyAck?.(message.kind, message.ms);
          return;
        case 'late-answer':
          void handlers
            .lateAnswer(message)
            .catch((error: unknown) => handlers.logger.error(`[stackmedic] could not post the answer of ${message.command} to its response_url:`, error));
          return;
        case 'stopped':
          stopped?.();
          return;
      }
    });
  });
}
