import { createHash } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';

/**
 * Slack's side of Socket Mode on 127.0.0.1: the Web API (what SLACK_API_URL points at, including
 * `apps.connections.open`), response_urls, and the WebSocket the client is sent to. The WebSocket
 * server is a minimal RFC 6455 implementation (handshake, masked client frames, ping/pong, close
 * handshake): @slack/socket-mode 3 connects with undici's WebSocket and `ws` is not installed.
 */

type Json = Record<string, unknown>;

/** One Web API call (or response_url post) the bot made. */
export interface ApiCall {
  readonly method: string;
  /** The bearer token it was made with. */
  readonly token: string | undefined;
  readonly body: Json;
  response?: Json;
}

/** A text frame the bot sent over the socket, parsed. */
export interface SocketMessage {
  readonly connection: number;
  readonly data: Json;
  /** performance.now() when it arrived. */
  readonly at: number;
}

const GUID = '258EAFA5-E914-47DA-95CA-C5AB0DC85B11';

function frame(opcode: number, payload: Buffer): Buffer {
  const len = payload.length;
  const head = len < 126 ? Buffer.from([0x80 | opcode, len]) : len < 65536 ? Buffer.alloc(4) : Buffer.alloc(10);
  if (len >= 126 && len < 65536) {
    head[0] = 0x80 | opcode;
    head[1] = 126;
    head.writeUInt16BE(len, 2);
  } else if (len >= 65536) {
    head[0] = 0x80 | opcode;
    head[1] = 127;
    head.writeBigUInt64BE(BigInt(len), 2);
  }
  return Buffer.concat([head, payload]);
}

/** One accepted WebSocket connection, server side. */
export class FakeSocket {
  /** The close code the client sent (1000 when it closed cleanly), once it did. */
  clientCloseCode: number | undefined;
  /** Resolves when the TCP connection is gone. */
  readonly closed: Promise<void>;
  private buffer = Buffer.alloc(0);
  private fragments: Buffer[] = [];
  private sentClose = false;

  constructor(
    readonly id: number,
    readonly path: string,
    private readonly socket: Duplex,
    private readonly onText: (text: string) => void,
  ) {
    this.closed = new Promise((resolve) => socket.once('close', () => resolve()));
    socket.on('data', (chunk: Buffer) => this.read(chunk));
    socket.on('error', () => undefined);
  }

  get isClosed(): boolean {
    return this.socket.destroyed;
  }

  send(data: Json): void {
    this.socket.write(frame(0x1, Buffer.from(JSON.stringify(data))));
  }

  /** Starts the close handshake from the server side (Slack recycling a connection). */
  close(code = 1000): void {
    if (this.sentClose || this.socket.destroyed) return;
    this.sentClose = true;
    const payload = Buffer.alloc(2);
    payload.writeUInt16BE(code, 0);
    this.socket.write(frame(0x8, payload));
  }

  destroy(): void {
    this.socket.destroy();
  }

  private read(chunk: Buffer): void {
    this.buffer = Buffer.concat([this.buffer, chunk]);
    for (;;) {
      if (this.buffer.length < 2) return;
      const b0 = this.buffer[0] ?? 0;
      const b1 = this.buffer[1] ?? 0;
      let len = b1 & 0x7f;
      let offset = 2;
      if (len === 126) {
        if (this.buffer.length < 4) return;
        len = this.buffer.readUInt16BE(2);
        offset = 4;
      } else if (len === 127) {
        if (this.buffer.length < 10) return;
        len = Number(this.buffer.readBigUInt64BE(2));
        offset = 10;
      }
      const masked = (b1 & 0x80) !== 0;
      const total = offset + (masked ? 4 : 0) + len;
      if (this.buffer.length < total) return;
      const payload = Buffer.from(this.buffer.subarray(total - len, total));
      if (masked) {
        const mask = this.buffer.subarray(offset, offset + 4);
        for (let i = 0; i < payload.length; i++) payload[i] = (payload[i] ?? 0) ^ (mask[i % 4] ?? 0);
      }
      this.buffer = this.buffer.subarray(total);
      this.handle(b0 & 0x0f, (b0 & 0x80) !== 0, payload);
    }
  }

  private handle(opcode: number, fin: boolean, payload: Buffer): void {
    switch (opcode) {
      case 0x0:
      case 0x1:
      case 0x2:
        this.fragments.push(payload);
        if (fin) {
          const whole = Buffer.concat(this.fragments);
          this.fragments = [];
          if (opcode !== 0x2) this.onText(whole.toString('utf8'));
        }
        return;
      case 0x8:
        this.clientCloseCode = payload.length >= 2 ? payload.readUInt16BE(0) : 1005;
        // Answer the close handshake (unless we started it), then hang up.
        if (!this.sentClose) {
          this.sentClose = true;
          this.socket.write(frame(0x8, payload.subarray(0, 2)));
        }
        this.socket.end();
        return;
      case 0x9:
        this.socket.write(frame(0xa, payload));
        return;
      default:
        return;
    }
  }
}

/** Options of `startFakeSocketSlack`. */
export interface FakeSocketSlackOptions {
  /** The app-level token `apps.connections.open` accepts. */
  readonly appToken: string;
  /** The bot token every other Web API method accepts. */
  readonly botToken: string;
}

/** The fake Slack: one HTTP server on 127.0.0.1 for the Web API, response_urls and the socket. */
export class FakeSocketSlack {
  readonly calls: ApiCall[] = [];
  readonly messages: SocketMessage[] = [];
  readonly sockets: FakeSocket[] = [];
  /** Every WebSocket upgrade request, accepted or not. */
  readonly upgrades: string[] = [];
  private ts = 1_700_000_000;
  private waiters: (() => void)[] = [];
  private ticket = 0;
  private responseUrls = 0;
  private envelopes = 0;

  private constructor(
    private readonly server: Server,
    readonly port: number,
    private readonly options: FakeSocketSlackOptions,
  ) {}

  static async start(options: FakeSocketSlackOptions): Promise<FakeSocketSlack> {
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const address = server.address();
    const port = typeof address === 'object' && address ? address.port : 0;
    const fake = new FakeSocketSlack(server, port, options);
    server.on('request', (req: IncomingMessage, res: ServerResponse) => fake.onRequest(req, res));
    server.on('upgrade', (req: IncomingMessage, socket: Duplex) => fake.onUpgrade(req, socket));
    return fake;
  }

  /** The Web API base URL, for SLACK_API_URL. */
  get apiUrl(): string {
    return `http://127.0.0.1:${this.port}/api/`;
  }

  /** A fresh response_url on this server. */
  responseUrl(): string {
    return `http://127.0.0.1:${this.port}/response/${++this.responseUrls}`;
  }

  /** Sends an envelope to the newest open connection; returns its envelope_id and when it left. */
  sendEnvelope(type: string, payload: Json, acceptsResponsePayload: boolean): { envelopeId: string; sentAt: number } {
    const socket = [...this.sockets].reverse().find((s) => !s.isClosed);
    if (!socket) throw new Error('no open Socket Mode connection');
    const envelopeId = `e2e-envelope-${++this.envelopes}-${Date.now()}`;
    const sentAt = performance.now();
    socket.send({ envelope_id: envelopeId, type, payload, accepts_response_payload: acceptsResponsePayload });
    return { envelopeId, sentAt };
  }

  /** Web API calls to one method (`response:` for response_url posts). */
  of(method: string): ApiCall[] {
    return this.calls.filter((c) => c.method === method || (method.endsWith(':') && c.method.startsWith(method)));
  }

  /** Waits until `find` returns something (checked on every call, message and connection change). */
  async until<T>(what: string, find: () => T | undefined, timeoutMs = 20_000): Promise<T> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = find();
      if (found !== undefined) return found;
      const left = deadline - Date.now();
      if (left <= 0) {
        throw new Error(
          `no ${what} within ${timeoutMs} ms; calls: ${this.calls.map((c) => c.method).join(', ')}; socket messages: ${this.messages.map((m) => JSON.stringify(m.data).slice(0, 200)).join(' | ')}`,
        );
      }
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, Math.min(left, 200));
        this.waiters.push(() => {
          clearTimeout(t);
          resolve();
        });
      });
    }
  }

  /** Waits for the bot's acknowledgement of one envelope. */
  ack(envelopeId: string, timeoutMs = 20_000): Promise<SocketMessage> {
    return this.until(`ack of ${envelopeId}`, () => this.messages.find((m) => m.data.envelope_id === envelopeId), timeoutMs);
  }

  /** Waits for a Web API call matching `predicate`. */
  call(method: string, predicate: (call: ApiCall) => boolean = () => true, timeoutMs = 20_000): Promise<ApiCall> {
    return this.until(`${method} call`, () => this.of(method).find(predicate), timeoutMs);
  }

  /** How many TCP connections the server holds (the bot's socket and any HTTP keep-alives). */
  connections(): Promise<number> {
    return new Promise((resolve, reject) => this.server.getConnections((error, count) => (error ? reject(error) : resolve(count))));
  }

  async close(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private notify(): void {
    const waiters = this.waiters;
    this.waiters = [];
    for (const w of waiters) w();
  }

  private onRequest(req: IncomingMessage, res: ServerResponse): void {
    let raw = '';
    req.on('data', (d: Buffer) => (raw += d.toString()));
    req.on('end', () => {
      const url = req.url ?? '';
      const auth = req.headers.authorization;
      const token = auth?.startsWith('Bearer ') ? auth.slice('Bearer '.length) : undefined;
      const body = parseBody(raw, req.headers['content-type']);
      // No keep-alive: when the bot stops, nothing of it should stay connected here.
      res.setHeader('connection', 'close');
      if (url.startsWith('/response/')) {
        this.calls.push({ method: `response:${url}`, token, body });
        this.notify();
        res.end('ok');
        return;
      }
      const method = url.replace(/^\/api\//, '').split('?')[0] ?? '';
      const call: ApiCall = { method, token, body };
      call.response = this.answer(method, token, body);
      this.calls.push(call);
      this.notify();
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify(call.response));
    });
  }

  private answer(method: string, token: string | undefined, body: Json): Json {
    if (method === 'apps.connections.open') {
      if (token !== this.options.appToken) return { ok: false, error: 'invalid_auth' };
      // The shape Slack sends (wss://wss-primary.slack.com/link/?ticket=...&app_id=...), on plain ws:// here.
      return { ok: true, url: `ws://127.0.0.1:${this.port}/link/?ticket=e2e-ticket-${++this.ticket}&app_id=A1` };
    }
    if (token !== this.options.botToken) return { ok: false, error: token?.startsWith('xapp-') ? 'not_allowed_token_type' : 'invalid_auth' };
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

  private onUpgrade(req: IncomingMessage, socket: Duplex): void {
    const path = req.url ?? '';
    this.upgrades.push(path);
    const key = req.headers['sec-websocket-key'];
    if (typeof key !== 'string' || req.headers.upgrade?.toLowerCase() !== 'websocket' || !path.startsWith('/link/?ticket=')) {
      socket.end('HTTP/1.1 400 Bad Request\r\nConnection: close\r\n\r\n');
      this.notify();
      return;
    }
    const accept = createHash('sha1')
      .update(key + GUID)
      .digest('base64');
    socket.write(`HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: ${accept}\r\n\r\n`);
    const id = this.sockets.length + 1;
    const conn = new FakeSocket(id, path, socket, (text) => {
      let data: Json;
      try {
        data = JSON.parse(text) as Json;
      } catch {
        data = { unparsed: text };
      }
      this.messages.push({ connection: id, data, at: performance.now() });
      this.notify();
    });
    void conn.closed.then(() => this.notify());
    this.sockets.push(conn);
    // Slack greets every connection; the client counts as connected only after this.
    conn.send({ type: 'hello', num_connections: 1, debug_info: { host: 'e2e-fake', approximate_connection_time: 18060 }, connection_info: { app_id: 'A1' } });
    this.notify();
  }
}

function parseBody(raw: string, contentType: string | undefined): Json {
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
