/**
 * The Slack ingress thread: owns the HTTP port Slack posts to, so that the ack never waits behind
 * the main thread's work (fan-outs of hundreds of nodes, several clusters' checks). Every request is
 * handed to Bolt's receiver in the main thread over loopback, byte for byte; if the main thread has
 * not answered a verified slash command or button press within `ackWaitMs`, this thread acks it
 * itself (see early-ack.ts) and passes a late answer that says more on to the main thread, which
 * posts it to the response_url. Started by `startIngress` (index.ts); speaks protocol.ts.
 */
import { Agent, createServer, request, type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from 'node:http';
import { setPriority } from 'node:os';
import { parentPort, workerData } from 'node:worker_threads';
import { AckedSignatures, earlyAckFor, sameJson, type EarlyAck } from './early-ack.js';
import type { FromIngress, IngressConfig, ToIngress } from './protocol.js';

const config = workerData as IngressConfig;
/** The ingress thread's nice value where the process may raise it (root, CAP_SYS_NICE). */
const INGRESS_NICE = -10;
const parent = parentPort;
if (!parent) throw new Error('the Slack ingress runs as a worker thread');
const port = parent;

function say(message: FromIngress): void {
  port.postMessage(message);
}

interface Upstream {
  readonly status: number;
  readonly headers: IncomingHttpHeaders;
  readonly body: Buffer;
}

// On Linux a nice value belongs to a thread: this one does little work but must run as soon as a
// request arrives, ahead of the app's fan-outs. Raising it needs CAP_SYS_NICE; without it the
// thread keeps the process's priority.
try {
  setPriority(INGRESS_NICE);
} catch {
  // not permitted: the process's priority
}

const agent = new Agent({ keepAlive: true, maxSockets: 256 });
const acked = new AckedSignatures();
let inFlight = 0;

function header(req: IncomingMessage, name: string): string | undefined {
  const v = req.headers[name];
  return typeof v === 'string' ? v : undefined;
}

/** The whole body, or undefined past the limit (the connection is answered 413). */
function readBody(req: IncomingMessage): Promise<Buffer | undefined> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > config.bodyLimit) {
        resolve(undefined);
        req.destroy();
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

/** The app gave no answer in time: a 504 to the caller, not a 502. */
class AppTimeout extends Error {
  constructor(ms: number) {
    super(`no answer from the main thread in ${ms} ms`);
  }
}

/** The same request to Bolt's receiver in the main thread. */
function forward(req: IncomingMessage, body: Buffer): Promise<Upstream> {
  return new Promise((resolve, reject) => {
    const headers = { ...req.headers, 'content-length': String(body.length) };
    delete headers['transfer-encoding'];
    const out = request(
      { host: '127.0.0.1', port: config.upstreamPort, method: req.method, path: req.url, headers, agent, timeout: config.forwardTimeoutMs },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 502, headers: res.headers, body: Buffer.concat(chunks) }));
        res.on('error', reject);
      },
    );
    out.on('timeout', () => out.destroy(new AppTimeout(config.forwardTimeoutMs)));
    out.on('error', reject);
    out.end(body);
  });
}

function send(res: ServerResponse, status: number, headers: IncomingHttpHeaders, body: Buffer | string): void {
  if (res.headersSent) return;
  const out: Record<string, string | string[]> = {};
  for (const [k, v] of Object.entries(headers)) {
    if (v === undefined || ['connection', 'keep-alive', 'transfer-encoding', 'content-length'].includes(k)) continue;
    out[k] = v;
  }
  res.writeHead(status, out);
  res.end(body);
}

function failed(res: ServerResponse, error: unknown): void {
  const message = error instanceof Error ? error.message : String(error);
  say({ type: 'log', level: 'error', text: `[stackmedic] the Slack ingress could not reach the app: ${message}` });
  send(res, error instanceof AppTimeout ? 504 : 502, {}, '');
}

async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
  const arrived = performance.now();
  const body = await readBody(req);
  if (body === undefined) {
    say({ type: 'log', level: 'warn', text: '[stackmedic] refused a Slack request: body too large' });
    send(res, 413, {}, '');
    return;
  }
  const path = (req.url ?? '').split('?')[0];
  const early: EarlyAck | undefined =
    req.method === 'POST' && path === config.eventsPath
      ? earlyAckFor(
          { contentType: header(req, 'content-type'), timestamp: header(req, 'x-slack-request-timestamp'), signature: header(req, 'x-slack-signature') },
          body,
          config.signingSecret,
          acked,
          Math.floor(Date.now() / 1000),
        )
      : undefined;
  const upstream = forward(req, body);
  if (!early) {
    try {
      const answer = await upstream;
      send(res, answer.status, answer.headers, answer.body);
    } catch (error) {
      failed(res, error);
    }
    return;
  }
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<'late'>((resolve) => {
    timer = setTimeout(() => resolve('late'), Math.max(0, config.ackWaitMs - (performance.now() - arrived)));
  });
  const first = await Promise.race([upstream.catch((error: unknown) => ({ error })), late]);
  clearTimeout(timer);
  if (first !== 'late') {
    if ('error' in first) failed(res, first.error);
    else send(res, first.status, first.headers, first.body);
    return;
  }
  send(res, 200, early.body ? { 'content-type': 'application/json' } : {}, early.body);
  say({ type: 'early-ack', kind: early.kind, ms: performance.now() - arrived });
  try {
    const answer = await upstream;
    const text = answer.body.toString('utf8');
    if (answer.status !== 200) {
      say({
        type: 'log',
        level: 'warn',
        text: `[stackmedic] acked ${early.command || 'a button press'} for the busy app, which then answered HTTP ${answer.status}`,
      });
    } else if (early.kind === 'command' && text.trim() !== '' && !sameJson(text, early.body) && early.responseUrl) {
      say({ type: 'late-answer', responseUrl: early.responseUrl, body: text, command: early.command });
    }
  } catch (error) {
    say({
      type: 'log',
      level: 'error',
      text: `[stackmedic] acked ${early.command || 'a button press'}, but the app never answered: ${error instanceof Error ? error.message : String(error)}`,
    });
  }
}

const server = createServer((req, res) => {
  inFlight++;
  res.on('close', () => inFlight--);
  handle(req, res).catch((error: unknown) => failed(res, error));
});
server.on('error', (error) => say({ type: 'failed', message: error.message }));
server.listen({ port: config.port, ...(config.host ? { host: config.host } : {}) }, () => {
  const address = server.address();
  say({ type: 'ready', port: typeof address === 'object' && address ? address.port : config.port });
});

port.on('message', (message: ToIngress) => {
  if (message.type !== 'stop') return;
  // No new connections; requests already in flight get their answers until the grace is over.
  server.close();
  server.closeIdleConnections();
  const deadline = Date.now() + message.graceMs;
  const wait = setInterval(() => {
    if (inFlight > 0 && Date.now() < deadline) return;
    clearInterval(wait);
    server.closeAllConnections();
    agent.destroy();
    say({ type: 'stopped' });
    port.close();
  }, 20);
});
