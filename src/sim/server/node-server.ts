/**
 * One simulated node's SSH endpoint: an in-process ssh2 Server on 127.0.0.1 with its own host key,
 * public-key authentication of the operator's key, and an exec handler that runs the mini shell.
 */
import { timingSafeEqual } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import ssh2, { type Connection, type ParsedKey, type Server as SshServer } from 'ssh2';

// ssh2 is CommonJS: Node's ESM loader does not expose `Server` as a named export.
const { Server } = ssh2;
import { withCachedKeyObjects } from '../../ssh/pool.js';
import { execOnNode } from '../exec.js';
import { sleep } from '../shell/types.js';
import { parseOne } from './keys.js';
import type { ClusterState, SimNode } from '../state/types.js';

/** One command a node received; `exitCode` is null until it finishes (or if the client left). */
export interface CommandLogEntry {
  readonly node: string;
  readonly command: string;
  exitCode: number | null;
}

/** Inputs of a node server. */
export interface NodeServerOptions {
  readonly cluster: ClusterState;
  readonly node: SimNode;
  /** OpenSSH private host key. */
  readonly hostKey: string;
  /** The only key allowed to log in. */
  readonly clientKey: ParsedKey;
  /** Delay before every answer, read per command so tests may change it. */
  readonly delayMs: () => number;
  /** Resolves when `command` may be answered: a test holding commands keeps them waiting here. */
  readonly gate?: (command: string) => Promise<void>;
  readonly onCommand: (entry: CommandLogEntry) => void;
}

function sameKey(a: Buffer, b: Buffer): boolean {
  return a.length === b.length && timingSafeEqual(a, b);
}

/** The SSH server of one node. */
export class NodeServer {
  private server: SshServer | undefined;
  private readonly clients = new Set<Connection>();
  private boundPort = 0;
  /** Parsed once: every handshake signs with it, and re-reading it per signature is costly. */
  private readonly hostKey: ParsedKey;

  constructor(private readonly o: NodeServerOptions) {
    this.hostKey = withCachedKeyObjects(parseOne(o.hostKey));
  }

  /** The port it listens (or listened) on. */
  get port(): number {
    return this.boundPort;
  }

  /** Starts listening on `port` (0: a free one) and resolves with the bound port. */
  async listen(port: number): Promise<number> {
    const server = new Server({ hostKeys: [{ key: this.hostKey }], ident: 'OpenSSH_6.6.1p1 Ubuntu-2ubuntu2.8' }, (client) => this.onClient(client));
    this.server = server;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, '127.0.0.1', () => {
        server.off('error', reject);
        resolve();
      });
    });
    this.boundPort = (server.address() as AddressInfo).port;
    return this.boundPort;
  }

  /** Stops listening and drops every connection: the node becomes unreachable. */
  async close(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    for (const c of this.clients) c.end();
    this.clients.clear();
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  /** True while it accepts connections. */
  get listening(): boolean {
    return this.server !== undefined;
  }

  private onClient(client: Connection): void {
    this.clients.add(client);
    client.on('close', () => this.clients.delete(client));
    client.on('error', () => this.clients.delete(client));
    const allowed = this.o.clientKey;
    client.on('authentication', (ctx) => {
      if (ctx.method !== 'publickey' || ctx.username !== 'root') {
        ctx.reject(['publickey']);
        return;
      }
      if (ctx.key.algo !== allowed.type || !sameKey(ctx.key.data, allowed.getPublicSSH())) {
        ctx.reject(['publickey']);
        return;
      }
      if (!ctx.signature) {
        ctx.accept();
        return;
      }
      if (ctx.blob && allowed.verify(ctx.blob, ctx.signature, ctx.hashAlgo) === true) ctx.accept();
      else ctx.reject(['publickey']);
    });
    client.on('ready', () => {
      client.on('session', (accept) => {
        const session = accept();
        session.on('pty', (acceptPty) => acceptPty?.());
        session.on('env', (acceptEnv) => acceptEnv?.());
        session.on('window-change', (acceptWc) => acceptWc?.());
        session.on('shell', (_accept, reject) => reject?.());
        session.on('subsystem', (_accept, reject) => reject?.());
        session.on('exec', (acceptExec, _reject, info) => {
          const stream = acceptExec();
          const entry: CommandLogEntry = { node: this.o.node.name, command: info.command, exitCode: null };
          this.o.onCommand(entry);
          const ac = new AbortController();
          stream.on('close', () => ac.abort(new Error('channel closed')));
          void this.answer(info.command, ac.signal).then((r) => {
            if (ac.signal.aborted) return;
            entry.exitCode = r.code;
            if (r.stdout) stream.write(r.stdout);
            if (r.stderr) stream.stderr.write(r.stderr);
            stream.exit(r.code);
            stream.end();
          });
        });
      });
    });
  }

  private async answer(command: string, signal: AbortSignal): Promise<{ stdout: string; stderr: string; code: number }> {
    if (this.o.gate) {
      const gate = this.o.gate(command);
      const aborted = new Promise<'aborted'>((resolve) => signal.addEventListener('abort', () => resolve('aborted'), { once: true }));
      if ((await Promise.race([gate, aborted])) === 'aborted') return { stdout: '', stderr: '', code: 143 };
    }
    const delay = this.o.delayMs();
    if (delay > 0) {
      try {
        await sleep(delay, signal);
      } catch {
        return { stdout: '', stderr: '', code: 143 };
      }
    }
    return execOnNode(this.o.cluster, this.o.node, command, signal);
  }
}
