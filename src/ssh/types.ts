import type { RemoteCommand } from './shell.js';

/** Limits for one remote command. */
export interface ExecOptions {
  /** Kill the command and report a timeout after this long (default: the executor's). */
  readonly timeoutMs?: number;
  /** Keep at most this many bytes of stdout and of stderr; the rest is dropped and flagged. */
  readonly maxOutputBytes?: number;
  /** Gives up on the command (as a `timeout` failure) when aborted, e.g. once its node is known dead. */
  readonly signal?: AbortSignal;
}

/** A command that ran to completion (whatever its exit code). */
export interface ExecSuccess {
  readonly ok: true;
  readonly node: string;
  /** The exact text sent to the node. */
  readonly command: string;
  readonly stdout: string;
  readonly stderr: string;
  /** `null` when the remote process was killed by a signal. */
  readonly exitCode: number | null;
  readonly signal: string | undefined;
  readonly durationMs: number;
  /** Output went past `maxOutputBytes` and was cut. */
  readonly truncated: boolean;
}

/** Why a command could not run or finish on a node. */
export type ExecFailureKind = 'unreachable' | 'auth' | 'host-key' | 'timeout' | 'connection-lost' | 'error';

/** A per-node failure: never thrown, always returned, so fan-outs keep the other nodes' results. */
export interface ExecFailure {
  readonly ok: false;
  readonly node: string;
  readonly command: string;
  readonly kind: ExecFailureKind;
  /** One line an operator can act on. */
  readonly message: string;
  readonly durationMs: number;
}

/** The result of running one command on one node. */
export type ExecOutcome = ExecSuccess | ExecFailure;

/** Options for running one command on many nodes. */
export interface FanOutOptions extends ExecOptions {
  /** How many nodes are worked on at once (default 32). */
  readonly concurrency?: number;
}

/** Runs remote commands on nodes by name (SSH, or locally for `connection: local`); the router hands commands an audited one. */
export interface Executor {
  exec(node: string, command: RemoteCommand, options?: ExecOptions): Promise<ExecOutcome>;
  fanOut(nodes: readonly string[], command: RemoteCommand, options?: FanOutOptions): Promise<ExecOutcome[]>;
}
