/**
 * A real Alertmanager (Debian's prometheus-alertmanager) for the integration tests: its own
 * config and data dir in a temp dir, listening on 127.0.0.1 only, gossip off, short group timings
 * so that a test sees a notification within seconds. It routes every alert to one webhook.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { serverPort } from './real/net.js';

/** Where the Debian package puts the binary (the tests spawn it by this path). */
export const ALERTMANAGER_BIN = '/usr/bin/prometheus-alertmanager';

/** An alert as Alertmanager's API v2 takes it (POST /api/v2/alerts). */
export interface PostableAlert {
  readonly labels: Record<string, string>;
  readonly annotations?: Record<string, string>;
  readonly startsAt?: string;
  readonly endsAt?: string;
  readonly generatorURL?: string;
}

/** A silence as Alertmanager's API v2 lists it. */
export interface ListedSilence {
  readonly id: string;
  readonly status: { readonly state: string };
  readonly matchers: readonly { readonly name: string; readonly value: string; readonly isRegex: boolean; readonly isEqual?: boolean }[];
  readonly startsAt: string;
  readonly endsAt: string;
  readonly createdBy: string;
  readonly comment: string;
}

/** A running Alertmanager. */
export interface RealAlertmanager {
  /** Base URL, e.g. http://127.0.0.1:40123/ */
  readonly url: string;
  readonly port: number;
  /** Its output so far (for failure messages). */
  output(): string;
  postAlerts(alerts: readonly PostableAlert[]): Promise<void>;
  silences(): Promise<ListedSilence[]>;
  /** The alerts it holds, as its API lists them. */
  alerts(): Promise<{ labels: Record<string, string>; status: { state: string; silencedBy: string[] } }[]>;
  stop(): Promise<void>;
}

/** Options of `startAlertmanager`. */
export interface AlertmanagerOptions {
  /** The webhook every alert goes to. */
  readonly webhookUrl: string;
  /** The bearer token it sends (http_config.authorization). */
  readonly token: string;
  readonly groupBy?: readonly string[];
  readonly groupWait?: string;
  readonly groupInterval?: string;
  readonly repeatInterval?: string;
}

function configYaml(o: AlertmanagerOptions): string {
  const groupBy = (o.groupBy ?? ['alertname']).map((l) => JSON.stringify(l)).join(', ');
  return `route:
  receiver: stackmedic
  group_by: [${groupBy}]
  group_wait: ${o.groupWait ?? '1s'}
  group_interval: ${o.groupInterval ?? '2s'}
  repeat_interval: ${o.repeatInterval ?? '1h'}
receivers:
  - name: stackmedic
    webhook_configs:
      - url: ${JSON.stringify(o.webhookUrl)}
        send_resolved: true
        http_config:
          authorization:
            type: Bearer
            credentials: ${JSON.stringify(o.token)}
`;
}

/** Resolves once GET `url` answers 200; rejects when `child` exits first or the deadline passes. */
async function waitForHttp(url: string, options: { what: string; child: ChildProcess; output: () => string; deadlineMs?: number }): Promise<void> {
  const until = Date.now() + (options.deadlineMs ?? 20_000);
  for (;;) {
    if (options.child.exitCode !== null) throw new Error(`${options.what} exited with ${options.child.exitCode}:\n${options.output()}`);
    try {
      const res = await fetch(url, { signal: AbortSignal.timeout(1000) });
      if (res.status === 200) return;
    } catch {
      // not listening yet
    }
    if (Date.now() > until) throw new Error(`${options.what} did not become ready at ${url}:\n${options.output()}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Starts Alertmanager on a free loopback port with its own config and data dir. */
export async function startAlertmanager(options: AlertmanagerOptions): Promise<RealAlertmanager> {
  const dir = mkdtempSync(join(tmpdir(), 'stackmedic-alertmanager-'));
  const config = join(dir, 'alertmanager.yml');
  writeFileSync(config, configYaml(options));
  const port = await serverPort();
  const child = spawn(
    ALERTMANAGER_BIN,
    [
      `--config.file=${config}`,
      `--storage.path=${join(dir, 'data')}`,
      `--web.listen-address=127.0.0.1:${port}`,
      // Empty: no gossip listener, so no cluster port and no peers.
      '--cluster.listen-address=',
      '--log.level=debug',
    ],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let out = '';
  const keep = (d: Buffer): void => {
    out = (out + d.toString()).slice(-20_000);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  const url = `http://127.0.0.1:${port}/`;
  const stop = async (): Promise<void> => {
    if (child.exitCode === null && child.signalCode === null) {
      const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
      child.kill('SIGTERM');
      const killer = setTimeout(() => child.kill('SIGKILL'), 5000);
      await exited;
      clearTimeout(killer);
    }
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    await waitForHttp(`${url}-/ready`, { what: 'alertmanager', child, output: () => out });
  } catch (error) {
    await stop();
    throw error;
  }
  const api = async <T>(method: 'GET' | 'POST', path: string, body?: unknown): Promise<T> => {
    const res = await fetch(new URL(path, url), {
      method,
      headers: { 'content-type': 'application/json' },
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    });
    const text = await res.text();
    if (!res.ok) throw new Error(`alertmanager ${method} ${path}: ${res.status} ${text}`);
    return (text ? JSON.parse(text) : null) as T;
  };
  return {
    url,
    port,
    output: () => out,
    postAlerts: async (alerts) => {
      await api('POST', 'api/v2/alerts', alerts);
    },
    silences: () => api<ListedSilence[]>('GET', 'api/v2/silences'),
    alerts: () => api('GET', 'api/v2/alerts'),
    stop,
  };
}
