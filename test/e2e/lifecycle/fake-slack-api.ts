import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';

type Json = Record<string, unknown>;

/** How the fake answers one call: like Slack, never, or with a given status. */
export type Behaviour =
  | { readonly kind: 'ok' }
  | { readonly kind: 'hang' }
  | { readonly kind: 'status'; readonly status: number; readonly headers?: Record<string, string>; readonly body?: Json | string };

/** One call the bot made: a Web API method, or `response:<n>` for a response_url. */
export interface FakeCall {
  readonly method: string;
  readonly body: Json;
  /** Date.now() when it arrived. */
  readonly at: number;
  /** What it was answered with (`hang`: nothing). */
  readonly answered: Behaviour['kind'];
  /** The JSON answer of a Web API call answered like Slack. */
  response?: Json;
}

function parse(raw: string, contentType: string | undefined): Json {
  if (contentType?.includes('application/json') || raw.startsWith('{')) {
    try {
      return JSON.parse(raw) as Json;
    } catch {
      return { raw };
    }
  }
  const out: Json = {};
  for (const [k, v] of new URLSearchParams(raw)) out[k] = (k === 'blocks' || k === 'attachments') && v.startsWith('[') ? (JSON.parse(v) as unknown) : v;
  return out;
}

/** Every text a message body would show (fallback text and blocks). */
export function textOf(call: FakeCall): string {
  return JSON.stringify(call.body);
}

/**
 * Slack's Web API and response_urls on 127.0.0.1 (what SLACK_API_URL points a child `serve` at),
 * answering like Slack unless a test sets a behaviour per method: hang, 429 with Retry-After, 500.
 */
export class FakeSlackApi {
  readonly calls: FakeCall[] = [];
  /** Behaviour per method (`response` for every response_url); `ok` when absent. */
  readonly behaviour = new Map<string, Behaviour>();
  private ts = 1_800_000_000;
  private responseUrls = 0;
  private readonly hanging = new Set<ServerResponse>();

  private constructor(
    private readonly server: Server,
    readonly port: number,
  ) {}

  static async start(): Promise<FakeSlackApi> {
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const address = server.address();
    const fake = new FakeSlackApi(server, typeof address === 'object' && address ? address.port : 0);
    server.on('request', (req: IncomingMessage, res: ServerResponse) => fake.onRequest(req, res));
    return fake;
  }

  /** For SLACK_API_URL. */
  get apiUrl(): string {
    return `http://127.0.0.1:${this.port}/api/`;
  }

  /** A fresh response_url on this server. */
  responseUrl(): string {
    return `http://127.0.0.1:${this.port}/response/${++this.responseUrls}`;
  }

  of(method: string): FakeCall[] {
    return this.calls.filter((c) => c.method === method || (method.endsWith(':') && c.method.startsWith(method)));
  }

  /** Waits for a call matching `predicate` (checked every 50 ms). */
  async waitFor(method: string, predicate: (c: FakeCall) => boolean = () => true, timeoutMs = 20_000): Promise<FakeCall> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = this.of(method).find(predicate);
      if (found) return found;
      if (Date.now() > deadline) {
        throw new Error(`no ${method} call within ${timeoutMs} ms; calls: ${this.calls.map((c) => `${c.method}(${c.answered})`).join(', ')}`);
      }
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  async close(): Promise<void> {
    for (const res of this.hanging) res.destroy();
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private onRequest(req: IncomingMessage, res: ServerResponse): void {
    let raw = '';
    req.on('data', (d: Buffer) => (raw += d.toString()));
    req.on('end', () => {
      const url = req.url ?? '';
      const isResponse = url.startsWith('/response/');
      const method = isResponse ? `response:${url}` : (url.replace(/^\/api\//, '').split('?')[0] ?? '');
      const body = parse(raw, req.headers['content-type']);
      const b = this.behaviour.get(isResponse ? 'response' : method) ?? { kind: 'ok' };
      const call: FakeCall = { method, body, at: Date.now(), answered: b.kind };
      this.calls.push(call);
      res.setHeader('connection', 'close');
      if (b.kind === 'hang') {
        this.hanging.add(res);
        res.on('close', () => this.hanging.delete(res));
        return;
      }
      if (b.kind === 'status') {
        res.writeHead(b.status, { 'content-type': 'application/json', ...(b.headers ?? {}) });
        res.end(typeof b.body === 'string' ? b.body : JSON.stringify(b.body ?? { ok: false, error: 'fake_failure' }));
        return;
      }
      if (isResponse) {
        res.end('ok');
        return;
      }
      res.setHeader('content-type', 'application/json');
      call.response = this.answer(method, body);
      res.end(JSON.stringify(call.response));
    });
  }

  private answer(method: string, body: Json): Json {
    switch (method) {
      case 'auth.test':
        return { ok: true, url: 'https://ops.slack.com/', team: 'ops', user: 'stackmedic', team_id: 'T1', user_id: 'UBOT', bot_id: 'BBOT' };
      case 'chat.postMessage':
        return { ok: true, channel: body.channel, ts: `${++this.ts}.000100`, message: { text: body.text } };
      case 'chat.update':
        return { ok: true, channel: body.channel, ts: body.ts };
      case 'chat.postEphemeral':
        return { ok: true, message_ts: `${++this.ts}.000200` };
      case 'usergroups.users.list':
        return { ok: true, users: [] };
      default:
        return { ok: false, error: 'unknown_method' };
    }
  }
}
