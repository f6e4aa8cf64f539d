import type { RemoteCommand } from '../ssh/shell.js';
import type { ExecOptions, ExecOutcome, FanOutOptions } from '../ssh/types.js';
import type { ExitClass, StackmedicMetrics } from './metrics.js';

/** What an executor does (the router's and the monitor's). */
interface RunsCommands {
  exec(node: string, command: RemoteCommand, options?: ExecOptions): Promise<ExecOutcome>;
  fanOut(nodes: readonly string[], command: RemoteCommand, options?: FanOutOptions): Promise<ExecOutcome[]>;
}

/** The exit class of one outcome. */
export function exitClassOf(outcome: ExecOutcome): ExitClass {
  if (!outcome.ok) return outcome.kind;
  if (outcome.exitCode === null) return 'signal';
  return outcome.exitCode === 0 ? 'ok' : 'nonzero';
}

/**
 * An executor that counts what it runs: every remote command by exit class, and each node's
 * reachability as its last command found it (a command that ran, whatever its exit, reached the
 * node; one that could not connect did not; a timeout or a lost connection says neither).
 */
export class MeteredExecutor implements RunsCommands {
  constructor(
    private readonly inner: RunsCommands,
    private readonly metrics: StackmedicMetrics,
  ) {}

  async exec(node: string, command: RemoteCommand, options?: ExecOptions): Promise<ExecOutcome> {
    return this.count(await this.inner.exec(node, command, options));
  }

  async fanOut(nodes: readonly string[], command: RemoteCommand, options?: FanOutOptions): Promise<ExecOutcome[]> {
    const outcomes = await this.inner.fanOut(nodes, command, options);
    for (const o of outcomes) this.count(o);
    return outcomes;
  }

  private count(outcome: ExecOutcome): ExecOutcome {
    this.metrics.remoteCommands.inc({ exit: exitClassOf(outcome) });
    if (outcome.ok) this.metrics.nodeReachable.set({ node: outcome.node }, 1);
    else if (outcome.kind === 'unreachable') this.metrics.nodeReachable.set({ node: outcome.node }, 0);
    return outcome;
  }
}
