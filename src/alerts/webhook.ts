import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AuditLog } from '../audit/audit-log.js';
import { authChallenge, checkWebhookAuth, type WebhookCredentials } from './auth.js';
import { readWebhookPayload, type WebhookPayload } from './payload.js';
import { ALERTMANAGER_ACTOR, type Receipt } from './service.js';

/** The path Alertmanager posts to. */
export const ALERTMANAGER_PATH = '/alertmanager';

/** The path of one cluster's webhook (`/alertmanager/east`): every alert posted there is that cluster's. */
export function clusterWebhookPath(cluster: string): string {
  return `${ALERTMANAGER_PATH}/${encodeURIComponent(cluster)}`;
}

/** What takes the notifications: one cluster's alert service, or the router of several. */
export interface AlertReceiver {
  receive(payload: WebhookPayload, cluster?: string): Promise<Receipt>;
}

/** Bodies past this are refused (413): 200 alerts with annotations are well under 1 MiB. */
export const MAX_WEBHOOK_BYTES = 1024 * 1024;

/** HTTP statuses the webhook answers, for metrics. */
export type WebhookStatus = 200 | 400 | 401 | 405 | 413 | 500 | 503;

/** What the webhook needs. */
export interface WebhookOptions {
  readonly credentials: WebhookCredentials;
  /** Takes a notification; absent while incident monitoring is not running yet (503, Alertmanager retries). */
  readonly receive: () => ((payload: WebhookPayload, cluster?: string) => Promise<Receipt>) | undefined;
  /** The cluster this webhook's path names (`/alertmanager/CLUSTER`); absent on `/alertmanager`, where labels decide. */
  readonly cluster?: string | undefined;
  readonly audit: AuditLog;
  readonly log: (line: string) => void;
  readonly maxBytes?: number;
  /** Called with every answer's status. */
  readonly answered?: (status: WebhookStatus) => void;
}

/** Refused requests audited per minute at most: a flood of bad requests must not flood the store. */
const AUDITED_REFUSALS_PER_MINUTE = 30;

/** Reads the body up to `max` bytes; `null` when it is longer. */
function readBody(req: IncomingMessage, max: number): Promise<string | null> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let over = false;
    req.on('data', (chunk: Buffer) => {
      if (over) return;
      size += chunk.length;
      if (size > max) {
        over = true;
        chunks.length = 0;
        resolve(null);
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => {
      if (!over) resolve(Buffer.concat(chunks).toString('utf8'));
    });
    req.on('error', reject);
  });
}

/** Closes the connection once the answer is sent, so an unread body is never read. */
function dropAfter(req: IncomingMessage, res: ServerResponse): void {
  res.once('finish', () => req.destroy());
}

function answer(res: ServerResponse, status: WebhookStatus, body: Record<string, unknown>, headers: Record<string, string> = {}): void {
  if (res.headersSent) return;
  res.writeHead(status, { 'content-type': 'application/json', 'cache-control': 'no-store', ...headers });
  res.end(`${JSON.stringify(body)}\n`);
}

/**
 * POST /alertmanager (or /alertmanager/CLUSTER): authenticates (bearer token or basic auth, compared in constant time),
 * bounds the body, reads Alertmanager's version 4 payload and hands it on. 401 for anything
 * unauthenticated (audited), 413 past the size limit, 400 for malformed JSON or another shape,
 * 200 with what was taken. Nothing a client sends can make it throw.
 */
export function alertmanagerWebhook(options: WebhookOptions): (req: IncomingMessage, res: ServerResponse) => void {
  const max = options.maxBytes ?? MAX_WEBHOOK_BYTES;
  const path = options.cluster === undefined ? ALERTMANAGER_PATH : clusterWebhookPath(options.cluster);
  let window = { start: 0, audited: 0, suppressed: 0 };
  const refuse = (req: IncomingMessage, verdict: 'missing' | 'wrong'): void => {
    const now = Date.now();
    if (now - window.start > 60_000) {
      if (window.suppressed > 0)
        options.log(`stackmedic: ${window.suppressed} more unauthenticated Alertmanager webhook requests were refused without an audit record`);
      window = { start: now, audited: 0, suppressed: 0 };
    }
    if (window.audited >= AUDITED_REFUSALS_PER_MINUTE) {
      window.suppressed++;
      return;
    }
    window.audited++;
    void options.audit
      .record({
        actor: ALERTMANAGER_ACTOR,
        command: `POST ${path}`,
        kind: 'scheduler',
        outcome: 'denied',
        detail: `${verdict === 'missing' ? 'no credentials' : 'wrong credentials'} from ${req.socket.remoteAddress ?? 'an unknown address'}`,
      })
      .catch((error: unknown) =>
        options.log(`stackmedic: could not audit a refused Alertmanager request: ${error instanceof Error ? error.message : String(error)}`),
      );
  };
  const done = (res: ServerResponse, status: WebhookStatus, body: Record<string, unknown>, headers?: Record<string, string>): void => {
    answer(res, status, body, headers);
    options.answered?.(status);
  };

  return (req, res) => {
    void (async () => {
      try {
        if (req.method !== 'POST') {
          req.resume();
          done(res, 405, { error: 'method not allowed: POST an Alertmanager webhook payload' }, { allow: 'POST' });
          return;
        }
        const verdict = checkWebhookAuth(req.headers.authorization, options.credentials);
        if (verdict !== 'ok') {
          refuse(req, verdict);
          // The body is not read: it goes with the connection once the answer is out.
          dropAfter(req, res);
          done(res, 401, { error: 'unauthorized' }, { 'www-authenticate': authChallenge(options.credentials), connection: 'close' });
          return;
        }
        const declared = Number(req.headers['content-length'] ?? NaN);
        const body = Number.isFinite(declared) && declared > max ? null : await readBody(req, max);
        if (body === null) {
          dropAfter(req, res);
          done(res, 413, { error: `body over ${max} bytes` }, { connection: 'close' });
          return;
        }
        const reading = readWebhookPayload(body);
        if (!reading.ok) {
          done(res, 400, { error: reading.problem.slice(0, 300) });
          return;
        }
        const receive = options.receive();
        if (!receive) {
          done(res, 503, { error: 'stackmedic is starting: incident monitoring is not running yet' }, { 'retry-after': '5' });
          return;
        }
        const receipt = options.cluster === undefined ? await receive(reading.payload) : await receive(reading.payload, options.cluster);
        done(res, 200, { status: 'accepted', ...receipt });
      } catch (error) {
        options.log(`stackmedic: while taking an Alertmanager notification: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
        done(res, 500, { error: 'internal error; see the stackmedic log' });
      }
    })();
  };
}
