import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { migrations } from '../store/migrations.js';
import type { SqlStore } from '../store/sql-store.js';
import { SqliteStore } from '../store/sqlite-store.js';

/** The path of the health check. */
export const HEALTH_PATH = '/healthz';

/** One part of the health report. */
export interface ComponentHealth {
  readonly ok: boolean;
  /** A word: `connected`, `listening`, `open`, `ok`, `failed`, `not configured`, ... */
  readonly state: string;
  readonly detail?: string | undefined;
}

/** What the scheduler tells about itself (IncidentScheduler has these). */
export interface SchedulerView {
  readonly lastRun: { readonly at: Date; readonly outcome: 'ran' | 'failed'; readonly durationMs: number } | undefined;
  readonly busy: boolean;
}

/** Where the health check looks. */
export interface HealthSources {
  /** The Slack connection: Socket Mode's WebSocket, or the HTTP receiver. */
  readonly slack: () => ComponentHealth;
  /** The store (SQLite, or the PostgreSQL database the replicas share). */
  readonly store: SqlStore;
  /** Absent when no incident channel is configured (nothing is scheduled). */
  readonly scheduler?: SchedulerView | undefined;
  /** True once shutdown began: the process takes no more work. */
  readonly stopping: () => boolean;
  /** Answers waiting in the outbox (shown; they do not make the process unhealthy). */
  readonly undelivered?: (() => number | Promise<number>) | undefined;
}

/** The JSON body of GET /healthz. */
export interface HealthReport {
  readonly status: 'ok' | 'down' | 'stopping';
  readonly slack: ComponentHealth;
  readonly store: ComponentHealth;
  readonly scheduler: ComponentHealth & { readonly lastRunAt?: string; readonly lastRunMs?: number };
  readonly undeliveredAnswers?: number;
}

async function storeHealth(store: SqlStore): Promise<ComponentHealth> {
  if (store instanceof SqliteStore && !store.db.open) return { ok: false, state: 'closed' };
  try {
    const version = await store.schemaVersion();
    const latest = migrations.at(-1)?.version ?? 0;
    await store.get('SELECT 1 AS one');
    if (version !== latest) return { ok: false, state: 'outdated', detail: `schema ${version}, expected ${latest}` };
    if (store instanceof SqliteStore && store.db.readonly) return { ok: false, state: 'read-only' };
    return { ok: true, state: 'open', detail: `${store.dialect === 'postgres' ? 'PostgreSQL, ' : ''}schema ${version}` };
  } catch (error) {
    return { ok: false, state: 'failed', detail: error instanceof Error ? error.message : String(error) };
  }
}

function schedulerHealth(s: SchedulerView | undefined): HealthReport['scheduler'] {
  if (!s) return { ok: true, state: 'not configured', detail: 'STACKMEDIC_INCIDENT_CHANNEL is not set' };
  const last = s.lastRun;
  const base = last ? { lastRunAt: last.at.toISOString(), lastRunMs: last.durationMs } : {};
  // A check that threw is stackmedic failing, not the cluster: a broken cluster is a finding.
  if (last?.outcome === 'failed') return { ok: false, state: 'failed', detail: 'the last health check failed; see the log', ...base };
  return { ok: true, state: s.busy ? 'running' : last ? 'ok' : 'waiting for the first run', ...base };
}

/** The health report and its HTTP status: 200 when every part is up, else 503. */
export async function healthReport(src: HealthSources): Promise<{ readonly httpStatus: 200 | 503; readonly report: HealthReport }> {
  let undelivered: number | undefined;
  try {
    undelivered = await src.undelivered?.();
  } catch {
    undelivered = undefined;
  }
  const report: HealthReport = {
    status: 'ok',
    slack: src.slack(),
    store: await storeHealth(src.store),
    scheduler: schedulerHealth(src.scheduler),
    ...(undelivered !== undefined ? { undeliveredAnswers: undelivered } : {}),
  };
  const status = src.stopping() ? 'stopping' : report.slack.ok && report.store.ok && report.scheduler.ok ? 'ok' : 'down';
  return { httpStatus: status === 'ok' ? 200 : 503, report: { ...report, status } };
}

/** Answers GET /healthz on `res`. */
export async function answerHealth(src: HealthSources, res: ServerResponse): Promise<void> {
  const { httpStatus, report } = await healthReport(src);
  res.writeHead(httpStatus, { 'content-type': 'application/json', 'cache-control': 'no-store' });
  res.end(`${JSON.stringify(report)}\n`);
}

/** A route of the HTTP server beside Slack: a Bolt custom route in HTTP mode, or on STACKMEDIC_HTTP_PORT in Socket Mode. */
export interface HttpRoute {
  path: string;
  method: string[];
  handler: (req: IncomingMessage, res: ServerResponse) => void;
}

/** GET /healthz as a Bolt custom route (HTTP mode: on the receiver's port). */
export function healthRoute(src: HealthSources): HttpRoute {
  return { path: HEALTH_PATH, method: ['GET'], handler: (_req, res) => void answerHealth(src, res) };
}

/** A server answering GET /healthz and the `routes` given (Socket Mode, on STACKMEDIC_HTTP_PORT). */
export async function startHealthServer(
  src: HealthSources,
  port: number,
  host?: string,
  routes: readonly HttpRoute[] = [],
): Promise<{ server: Server; port: number }> {
  const server = createServer((req, res) => {
    const path = (req.url ?? '').split('?')[0];
    const route = routes.find((r) => r.path === path);
    if (route) {
      if (!route.method.includes(req.method ?? '')) {
        res.writeHead(405, { allow: route.method.join(', '), 'content-type': 'text/plain' }).end('method not allowed\n');
        return;
      }
      route.handler(req, res);
      return;
    }
    if (path !== HEALTH_PATH) {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not found\n');
      return;
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { allow: 'GET', 'content-type': 'text/plain' }).end('method not allowed\n');
      return;
    }
    void answerHealth(src, res);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  return { server, port: (server.address() as AddressInfo).port };
}
