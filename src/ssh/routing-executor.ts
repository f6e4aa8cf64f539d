import type { Inventory } from '../inventory/types.js';
import { LocalExecutor, type LocalExecutorOptions } from './local-executor.js';
import { DEFAULT_FAN_OUT_CONCURRENCY, mapLimit, SshPool, type SshPoolOptions } from './pool.js';
import type { RemoteCommand } from './shell.js';
import type { ExecOptions, ExecOutcome, Executor, FanOutOptions } from './types.js';

/** An executor that can also let go of what it holds (connections, running commands). */
export interface ClosableExecutor extends Executor {
  close(): Promise<void>;
}

/**
 * Runs each node's commands the way the inventory reaches it: over SSH (pooled) or, for
 * `connection: local` nodes, on this host. One fan-out may mix both.
 */
export class RoutingExecutor implements ClosableExecutor {
  private readonly local: ReadonlySet<string>;

  constructor(
    inventory: Inventory,
    private readonly ssh: ClosableExecutor,
    private readonly localExecutor: ClosableExecutor,
  ) {
    this.local = new Set(inventory.nodes.filter((n) => n.connection === 'local').map((n) => n.name));
  }

  /** The usual wiring: an SSH pool and a local executor sharing the timeout and output cap. */
  static create(inventory: Inventory, options: SshPoolOptions & Pick<LocalExecutorOptions, 'runningAsRoot'> = {}): RoutingExecutor {
    const { runningAsRoot, ...sshOptions } = options;
    const local = new LocalExecutor(inventory, {
      ...(options.commandTimeoutMs === undefined ? {} : { commandTimeoutMs: options.commandTimeoutMs }),
      ...(options.maxOutputBytes === undefined ? {} : { maxOutputBytes: options.maxOutputBytes }),
      ...(runningAsRoot === undefined ? {} : { runningAsRoot }),
    });
    return new RoutingExecutor(inventory, new SshPool(inventory, sshOptions), local);
  }

  /** Runs one command on one node, over SSH or locally as the inventory says. */
  exec(node: string, command: RemoteCommand, options?: ExecOptions): Promise<ExecOutcome> {
    return (this.local.has(node) ? this.localExecutor : this.ssh).exec(node, command, options);
  }

  /** Runs one command on many nodes, `concurrency` at a time, one result per node in input order. */
  fanOut(nodes: readonly string[], command: RemoteCommand, options: FanOutOptions = {}): Promise<ExecOutcome[]> {
    return mapLimit(nodes, options.concurrency ?? DEFAULT_FAN_OUT_CONCURRENCY, (n) => this.exec(n, command, options));
  }

  /** SSH connections open now (the metrics report it); 0 when the SSH side is not a pool. */
  get openSshConnections(): number {
    return this.ssh instanceof SshPool ? this.ssh.openConnections().length : 0;
  }

  /** Closes the SSH connections and kills local commands still running. */
  async close(): Promise<void> {
    await Promise.all([this.ssh.close(), this.localExecutor.close()]);
  }
}
