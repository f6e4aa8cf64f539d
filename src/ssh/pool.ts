import { createPrivateKey, createPublicKey, sign as cryptoSign, verify as cryptoVerify, type KeyObject } from 'node:crypto';
import { readFileSync } from 'node:fs';
import ssh2, { Client, type ClientChannel, type ConnectConfig, type ParsedKey, type PublicKeyAuthMethod } from 'ssh2';
import { hideCutTail } from '../redact.js';
import type { Inventory, JumpHostSpec, NodeSpec } from '../inventory/types.js';
import { KnownHosts } from './known-hosts.js';
import { NETWORK_ERROR_WORDS } from './connect-errors.js';
import { renderRemoteCommand, type RemoteCommand } from './shell.js';
import type { ExecFailure, ExecFailureKind, ExecOptions, ExecOutcome, ExecSuccess, FanOutOptions } from './types.js';

/**
 * Nodes worked on at once by default. A pooled command is a few round trips, so a fan-out is
 * bound by latency, not CPU: 500 warm nodes take ~0.75 s at 32 in flight and ~0.15 s at 256.
 * Each node still gets one connection and at most `maxChannelsPerConnection` channels.
 */
export const DEFAULT_FAN_OUT_CONCURRENCY = 256;

/** Tunables of the connection pool. */
export interface SshPoolOptions {
  /** Time allowed for TCP connect plus SSH handshake and auth. */
  readonly connectTimeoutMs?: number;
  /** Default per-command timeout. */
  readonly commandTimeoutMs?: number;
  /** Default per-stream output cap in bytes. */
  readonly maxOutputBytes?: number;
  /** SSH keepalive interval; 3 unanswered keepalives drop the connection. */
  readonly keepaliveIntervalMs?: number;
  /** Close a connection after this long without a running command. */
  readonly idleTimeoutMs?: number;
  /** Channels opened at once on one connection (OpenSSH's MaxSessions is 10 by default). */
  readonly maxChannelsPerConnection?: number;
}

type Host = NodeSpec | JumpHostSpec;

// ssh2 is CommonJS: Node's ESM loader does not expose `utils` as a named export.
const { utils: sshUtils } = ssh2;

/** Hash ssh2 signs with when it names none, by key type (ed25519 hashes internally). */
const DEFAULT_HASH: Readonly<Record<string, string | null>> = {
  'ssh-ed25519': null,
  'ssh-rsa': 'sha1',
  'ecdsa-sha2-nistp256': 'sha256',
  'ecdsa-sha2-nistp384': 'sha384',
  'ecdsa-sha2-nistp521': 'sha512',
};

/**
 * The same parsed key, signing and verifying with Node KeyObjects made once. ssh2 re-reads the
 * key from PEM text on every signature (~0.4 ms), once per connection on each side: at 500 nodes
 * that alone costs a fifth of a second per side. Keys of other types are returned unchanged.
 */
export function withCachedKeyObjects(key: ParsedKey): ParsedKey {
  const hash = DEFAULT_HASH[key.type];
  if (hash === undefined) return key;
  const privatePem = key.getPrivatePEM();
  const privateKey: KeyObject | undefined = privatePem ? createPrivateKey(privatePem) : undefined;
  const publicKey = createPublicKey(key.getPublicPEM());
  // A prototype-linked view keeps ssh2's hidden (symbol) fields, which it checks on parsed keys.
  return Object.create(key, {
    sign: {
      value: (data: Buffer, algo?: string): Buffer | Error => {
        if (!privateKey) return new Error('No private key available');
        try {
          return cryptoSign(algo ?? hash, data, privateKey);
        } catch (error) {
          return error instanceof Error ? error : new Error(String(error));
        }
      },
    },
    verify: {
      value: (data: Buffer, signature: Buffer, algo?: string): boolean | Error => {
        try {
          return cryptoVerify(algo ?? hash, data, publicKey, signature);
        } catch (error) {
          return error instanceof Error ? error : new Error(String(error));
        }
      },
    },
  }) as ParsedKey;
}

/** An ssh2 connection failed before a command could run. */
class ConnectError extends Error {
  constructor(
    readonly kind: ExecFailureKind,
    message: string,
  ) {
    super(message);
  }
}

interface PooledConnection {
  readonly client: Client;
  active: number;
  readonly waiting: (() => void)[];
  idleTimer: NodeJS.Timeout | undefined;
  closed: boolean;
}

/**
 * One SSH connection per node, reused for every command (channels multiplexed), verified against
 * known_hosts, reconnected after a drop and closed when idle. Failures come back as values.
 */
export class SshPool {
  private readonly connections = new Map<string, Promise<PooledConnection>>();
  private readonly hosts = new Map<string, Host>();
  private readonly nodes = new Map<string, NodeSpec>();
  private readonly keys = new Map<string, ParsedKey | Buffer>();
  private knownHosts: KnownHosts | undefined;
  private readonly opts: Required<SshPoolOptions>;
  /** TCP connections opened so far (jump tunnels included): lets tests prove reuse. */
  connectionsOpened = 0;

  constructor(
    private readonly inventory: Inventory,
    options: SshPoolOptions = {},
  ) {
    this.opts = {
      connectTimeoutMs: options.connectTimeoutMs ?? 10_000,
      commandTimeoutMs: options.commandTimeoutMs ?? 30_000,
      maxOutputBytes: options.maxOutputBytes ?? 4 * 1024 * 1024,
      keepaliveIntervalMs: options.keepaliveIntervalMs ?? 15_000,
      idleTimeoutMs: options.idleTimeoutMs ?? 120_000,
      maxChannelsPerConnection: options.maxChannelsPerConnection ?? 8,
    };
    for (const h of [...inventory.nodes, ...inventory.jumpHosts]) this.hosts.set(h.name, h);
    for (const n of inventory.nodes) this.nodes.set(n.name, n);
  }

  /** Runs one command on one node. Never throws for node-side problems: they are `ExecFailure`s. */
  async exec(nodeName: string, command: RemoteCommand, options: ExecOptions = {}): Promise<ExecOutcome> {
    const node = this.nodes.get(nodeName);
    const started = performance.now();
    const text = node ? renderRemoteCommand(command, { become: node.become, openrcPath: this.inventory.openrcPath }) : command.script.text;
    const fail = (kind: ExecFailureKind, message: string): ExecFailure => ({
      ok: false,
      node: nodeName,
      command: text,
      kind,
      message,
      durationMs: Math.round(performance.now() - started),
    });
    if (!node) return fail('error', `${nodeName} is not in the inventory`);
    let conn: PooledConnection;
    try {
      conn = await this.connection(node.name);
    } catch (error) {
      if (error instanceof ConnectError) return fail(error.kind, error.message);
      return fail('error', error instanceof Error ? error.message : String(error));
    }
    await this.acquire(conn);
    try {
      return await this.run(conn, node.name, text, options, started, fail);
    } finally {
      this.release(conn);
    }
  }

  /** Runs one command on many nodes, `concurrency` at a time; one result per node, in input order. */
  async fanOut(nodeNames: readonly string[], command: RemoteCommand, options: FanOutOptions = {}): Promise<ExecOutcome[]> {
    return mapLimit(nodeNames, options.concurrency ?? DEFAULT_FAN_OUT_CONCURRENCY, (name) => this.exec(name, command, options));
  }

  /** Closes every connection. */
  async close(): Promise<void> {
    const all = [...this.connections.values()];
    this.connections.clear();
    await Promise.all(
      all.map(async (p) => {
        try {
          const c = await p;
          this.drop(c);
        } catch {
          // A connection that never opened has nothing to close.
        }
      }),
    );
  }

  /** Names of nodes with an open connection right now. */
  openConnections(): string[] {
    return [...this.connections.keys()];
  }

  private run(
    conn: PooledConnection,
    node: string,
    text: string,
    options: ExecOptions,
    started: number,
    fail: (kind: ExecFailureKind, message: string) => ExecFailure,
  ): Promise<ExecOutcome> {
    const timeoutMs = options.timeoutMs ?? this.opts.commandTimeoutMs;
    const cap = options.maxOutputBytes ?? this.opts.maxOutputBytes;
    return new Promise<ExecOutcome>((resolve) => {
      let settled = false;
      let channel: ClientChannel | undefined;
      // Declared before `finish`: a signal aborted already finishes before the timer is set.
      let timer: NodeJS.Timeout | undefined = undefined;
      const onClose = (): void => finish(fail('connection-lost', `the connection to ${node} dropped while the command ran`));
      const finish = (outcome: ExecOutcome): void => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        conn.client.off('close', onClose);
        options.signal?.removeEventListener('abort', onAbort);
        resolve(outcome);
      };
      const onAbort = (): void => {
        const reason: unknown = options.signal?.reason;
        finish(fail('timeout', reason instanceof Error ? reason.message : `gave up on ${node}`));
        if (channel) channel.close();
      };
      if (options.signal?.aborted) {
        onAbort();
        return;
      }
      options.signal?.addEventListener('abort', onAbort, { once: true });
      conn.client.once('close', onClose);
      timer = setTimeout(() => {
        finish(fail('timeout', `no answer from ${node} within ${formatMs(timeoutMs)}`));
        if (channel) {
          channel.signal('KILL');
          channel.close();
        }
      }, timeoutMs);
      const start = (attempt: number): void => {
        conn.client.exec(text, (err, stream) => {
          if (err) {
            // sshd frees a session slot only after the previous session's child is reaped, so a
            // burst can briefly exceed MaxSessions: back off and retry instead of failing the node.
            if (/open failed/i.test(err.message) && attempt < 6 && !settled) {
              setTimeout(() => start(attempt + 1), 20 * 2 ** attempt);
              return;
            }
            finish(fail('error', `could not start the command on ${node}: ${err.message}`));
            return;
          }
          channel = stream;
          if (settled) {
            stream.close();
            return;
          }
          const out = new CappedBuffer(cap);
          const errOut = new CappedBuffer(cap);
          let exitCode: number | null = null;
          let signal: string | undefined;
          stream.on('data', (chunk: Buffer) => out.push(chunk));
          stream.stderr.on('data', (chunk: Buffer) => errOut.push(chunk));
          stream.on('exit', (code: number | null, sig?: string) => {
            exitCode = code;
            signal = sig ?? undefined;
          });
          stream.on('close', () => {
            const result: ExecSuccess = {
              ok: true,
              node,
              command: text,
              stdout: out.text(),
              stderr: errOut.text(),
              exitCode,
              signal,
              durationMs: Math.round(performance.now() - started),
              truncated: out.truncated || errOut.truncated,
            };
            finish(result);
          });
        });
      };
      try {
        start(0);
      } catch (error) {
        finish(fail('connection-lost', `the connection to ${node} is closed: ${error instanceof Error ? error.message : String(error)}`));
      }
    });
  }

  private acquire(conn: PooledConnection): Promise<void> {
    if (conn.idleTimer) {
      clearTimeout(conn.idleTimer);
      conn.idleTimer = undefined;
    }
    if (conn.active < this.opts.maxChannelsPerConnection) {
      conn.active += 1;
      return Promise.resolve();
    }
    return new Promise((resolve) =>
      conn.waiting.push(() => {
        conn.active += 1;
        resolve();
      }),
    );
  }

  private release(conn: PooledConnection): void {
    conn.active -= 1;
    const next = conn.waiting.shift();
    if (next) {
      next();
      return;
    }
    if (conn.active === 0 && !conn.closed) {
      conn.idleTimer = setTimeout(() => this.drop(conn), this.opts.idleTimeoutMs);
      conn.idleTimer.unref();
    }
  }

  private drop(conn: PooledConnection): void {
    conn.closed = true;
    if (conn.idleTimer) clearTimeout(conn.idleTimer);
    for (const [name, p] of this.connections) {
      void p.then(
        (c) => {
          if (c === conn && this.connections.get(name) === p) this.connections.delete(name);
        },
        () => undefined,
      );
    }
    conn.client.end();
  }

  private connection(name: string, depth = 0): Promise<PooledConnection> {
    const existing = this.connections.get(name);
    if (existing) return existing;
    const created = this.open(name, depth);
    this.connections.set(name, created);
    created.then(
      (conn) => {
        conn.client.once('close', () => {
          conn.closed = true;
          if (this.connections.get(name) === created) this.connections.delete(name);
        });
      },
      () => {
        if (this.connections.get(name) === created) this.connections.delete(name);
      },
    );
    return created;
  }

  private async open(name: string, depth: number): Promise<PooledConnection> {
    const host = this.hosts.get(name);
    if (!host) throw new ConnectError('error', `${name} is not in the inventory`);
    if (depth > 4) throw new ConnectError('error', `jump host chain to ${name} is too long (loop?)`);
    let sock: NodeJS.ReadableStream | undefined;
    if (host.jump) {
      const jump = await this.connection(host.jump, depth + 1).catch((error: unknown) => {
        const m = error instanceof Error ? error.message : String(error);
        throw new ConnectError(error instanceof ConnectError ? error.kind : 'unreachable', `via jump host ${host.jump}: ${m}`);
      });
      sock = await new Promise<NodeJS.ReadableStream>((resolve, reject) => {
        jump.client.forwardOut('127.0.0.1', 0, host.address, host.port, (err, stream) => {
          if (err) reject(new ConnectError('unreachable', `jump host ${host.jump} cannot reach ${host.address}:${host.port}: ${err.message}`));
          else resolve(stream);
        });
      });
    }
    return this.handshake(host, sock);
  }

  private handshake(host: Host, sock: NodeJS.ReadableStream | undefined): Promise<PooledConnection> {
    const knownHosts = this.loadKnownHosts();
    const client = new Client();
    let verdict: ReturnType<KnownHosts['verify']> | undefined;
    const knownTypes = knownHosts.keyTypesFor(host.address, host.port);
    const config: ConnectConfig = {
      host: host.address,
      port: host.port,
      username: host.user,
      readyTimeout: this.opts.connectTimeoutMs,
      keepaliveInterval: this.opts.keepaliveIntervalMs,
      keepaliveCountMax: 3,
      hostVerifier: (key: Buffer): boolean => {
        verdict = knownHosts.verify(host.address, host.port, key);
        return verdict.kind === 'trusted';
      },
      ...(knownTypes.length > 0 ? { algorithms: { serverHostKey: knownTypes as never } } : {}),
      ...(sock ? { sock: sock as ConnectConfig['sock'] } : {}),
    };
    if (host.privateKeyPath) {
      const key = this.privateKey(host.privateKeyPath);
      if (Buffer.isBuffer(key)) config.privateKey = key;
      // A key parsed once (ssh2 would parse it again for every connection) goes in by authHandler.
      else {
        const method: PublicKeyAuthMethod = { type: 'publickey', username: host.user, key };
        config.authHandler = [method];
      }
    } else if (process.env.SSH_AUTH_SOCK) config.agent = process.env.SSH_AUTH_SOCK;
    this.connectionsOpened += 1;
    return new Promise<PooledConnection>((resolve, reject) => {
      client.once('ready', () => {
        client.removeAllListeners('error');
        client.on('error', () => undefined);
        resolve({ client, active: 0, waiting: [], idleTimer: undefined, closed: false });
      });
      // `on`, not `once`: a handshake that times out emits a second error ('Connection lost before
      // handshake') when the socket closes, and an error without a listener ends the process.
      client.on('error', (err: Error & { level?: string; code?: string }) => {
        client.end();
        reject(classifyConnectError(host, err, verdict, knownHosts.source));
      });
      try {
        client.connect(config);
      } catch (error) {
        reject(new ConnectError('error', `cannot connect to ${host.name}: ${error instanceof Error ? error.message : String(error)}`));
      }
    });
  }

  private loadKnownHosts(): KnownHosts {
    if (!this.knownHosts) {
      try {
        this.knownHosts = KnownHosts.load(this.inventory.knownHostsPath);
      } catch (error) {
        throw new ConnectError('host-key', error instanceof Error ? error.message : String(error));
      }
    }
    return this.knownHosts;
  }

  private privateKey(path: string): ParsedKey | Buffer {
    let key = this.keys.get(path);
    if (!key) {
      let raw: Buffer;
      try {
        raw = readFileSync(path);
      } catch (error) {
        throw new ConnectError('auth', `cannot read private key ${path}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`);
      }
      // Encrypted or unusual keys go to ssh2 as they are, so its own error messages still apply.
      const parsed = sshUtils.parseKey(raw);
      key = parsed instanceof Error || Array.isArray(parsed) || !parsed.isPrivateKey() ? raw : withCachedKeyObjects(parsed);
      this.keys.set(path, key);
    }
    return key;
  }
}

function classifyConnectError(
  host: Host,
  err: Error & { level?: string; code?: string },
  verdict: ReturnType<KnownHosts['verify']> | undefined,
  knownHostsFile: string,
): ConnectError {
  const where = `${host.name} (${host.address}:${host.port})`;
  if (verdict && verdict.kind === 'changed') {
    return new ConnectError(
      'host-key',
      `host key of ${where} has CHANGED (known as ${verdict.expectedTypes.join(', ')} in ${knownHostsFile}); refusing to connect: check the node, then update known_hosts`,
    );
  }
  if (verdict && verdict.kind === 'unknown') {
    return new ConnectError(
      'host-key',
      `host key of ${where} is not in ${knownHostsFile}; refusing to connect: add it (ssh-keyscan -p ${host.port} ${host.address}, checked out of band)`,
    );
  }
  if (verdict && verdict.kind === 'revoked') {
    return new ConnectError('host-key', `host key of ${where} is marked @revoked in ${knownHostsFile}; refusing to connect`);
  }
  if (err.level === 'client-authentication') {
    return new ConnectError('auth', `${where} refused the SSH key of user ${host.user} (authentication failed)`);
  }
  if (err.level === 'client-timeout' || /Timed out while waiting for handshake/.test(err.message)) {
    return new ConnectError('unreachable', `${where} did not complete the SSH handshake in time`);
  }
  const why = err.code ? NETWORK_ERROR_WORDS[err.code] : undefined;
  if (why) return new ConnectError('unreachable', `${where} is unreachable: ${why}`);
  return new ConnectError('unreachable', `${where}: ${err.message}`);
}

/**
 * Keeps the first `cap` bytes of a stream's output. When the cap cut it, the fragment at the cut
 * is hidden: it may be the first half of a secret that nothing downstream could recognise.
 */
export class CappedBuffer {
  private readonly chunks: Buffer[] = [];
  private size = 0;
  truncated = false;
  constructor(private readonly cap: number) {}
  push(chunk: Buffer): void {
    if (this.size >= this.cap) {
      this.truncated = true;
      return;
    }
    const room = this.cap - this.size;
    const kept = chunk.length > room ? chunk.subarray(0, room) : chunk;
    if (kept.length < chunk.length) this.truncated = true;
    this.chunks.push(Buffer.from(kept));
    this.size += kept.length;
  }
  text(): string {
    const text = Buffer.concat(this.chunks).toString('utf8');
    return this.truncated ? hideCutTail(text) : text;
  }
}

/** `1.5 s` or `300 ms`, for timeout messages. */
export function formatMs(ms: number): string {
  return ms >= 1000 ? `${(ms / 1000).toFixed(ms % 1000 === 0 ? 0 : 1)} s` : `${ms} ms`;
}

/** Maps over `items` with at most `limit` calls in flight, keeping input order. */
export async function mapLimit<T, R>(items: readonly T[], limit: number, fn: (item: T, index: number) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const i = next++;
      results[i] = await fn(items[i] as T, i);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, worker));
  return results;
}
