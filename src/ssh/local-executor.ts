/**
 * Runs a node's fixed commands on stackmedic's own host, for nodes the inventory reaches with
 * `ansible_connection=local` (kolla-ansible's all-in-one, TripleO's undercloud). The same text the
 * SSH executor would send goes to `sh -c`, with the same timeouts, output caps and results.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import type { Inventory, NodeSpec } from '../inventory/types.js';
import { CappedBuffer, DEFAULT_FAN_OUT_CONCURRENCY, formatMs, mapLimit } from './pool.js';
import { renderRemoteCommand, type RemoteCommand } from './shell.js';
import type { ExecFailure, ExecFailureKind, ExecOptions, ExecOutcome, ExecSuccess, FanOutOptions } from './types.js';

/** Tunables of the local executor (the SSH pool's, where they mean the same). */
export interface LocalExecutorOptions {
  readonly commandTimeoutMs?: number;
  readonly maxOutputBytes?: number;
  /** Whether stackmedic runs as root; when not, privileged commands go through `sudo -n`. */
  readonly runningAsRoot?: boolean;
  /** The environment to pass on (filtered); `process.env` by default. */
  readonly env?: NodeJS.ProcessEnv;
}

/**
 * Variables a command gets, as a fresh SSH session would have them: never the bot's own
 * configuration (Slack tokens, STACKMEDIC_*), which a command has no business seeing.
 */
const PASSED_ENV = /^(PATH|HOME|USER|LOGNAME|SHELL|LANG|LANGUAGE|LC_[A-Z]+|TZ|TMPDIR)$/;

/** Where root's tools live (crm_mon, rabbitmqctl, pcs); a login shell on a node has them on PATH. */
const SBIN = ['/usr/local/sbin', '/usr/sbin', '/sbin'];

function commandEnv(source: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(source)) if (v !== undefined && PASSED_ENV.test(k)) env[k] = v;
  const path = (env.PATH ?? '/usr/local/bin:/usr/bin:/bin').split(':');
  env.PATH = [...path, ...SBIN.filter((d) => !path.includes(d))].join(':');
  return env;
}

/** An executor for the inventory's `connection: local` nodes. */
export class LocalExecutor {
  private readonly nodes = new Map<string, NodeSpec>();
  private readonly running = new Set<ChildProcess>();
  private readonly opts: Required<Omit<LocalExecutorOptions, 'env'>>;
  private readonly env: NodeJS.ProcessEnv;

  constructor(
    private readonly inventory: Inventory,
    options: LocalExecutorOptions = {},
  ) {
    for (const n of inventory.nodes) if (n.connection === 'local') this.nodes.set(n.name, n);
    this.opts = {
      commandTimeoutMs: options.commandTimeoutMs ?? 30_000,
      maxOutputBytes: options.maxOutputBytes ?? 4 * 1024 * 1024,
      runningAsRoot: options.runningAsRoot ?? process.getuid?.() === 0,
    };
    this.env = commandEnv(options.env ?? process.env);
  }

  /** Runs one command for a local node. Never throws for command-side problems. */
  exec(nodeName: string, command: RemoteCommand, options: ExecOptions = {}): Promise<ExecOutcome> {
    const node = this.nodes.get(nodeName);
    const started = performance.now();
    // The local user is whoever runs stackmedic: unless that is root, privileged commands need sudo.
    const text = node
      ? renderRemoteCommand(command, { become: node.become || !this.opts.runningAsRoot, openrcPath: this.inventory.openrcPath })
      : command.script.text;
    const fail = (kind: ExecFailureKind, message: string): ExecFailure => ({
      ok: false,
      node: nodeName,
      command: text,
      kind,
      message,
      durationMs: Math.round(performance.now() - started),
    });
    if (!node) return Promise.resolve(fail('error', `${nodeName} is not a local node of the inventory`));
    return this.run(node.name, text, options, started, fail);
  }

  /** Runs one command on many local nodes, `concurrency` at a time, in input order. */
  fanOut(nodeNames: readonly string[], command: RemoteCommand, options: FanOutOptions = {}): Promise<ExecOutcome[]> {
    return mapLimit(nodeNames, options.concurrency ?? DEFAULT_FAN_OUT_CONCURRENCY, (name) => this.exec(name, command, options));
  }

  /** Kills the commands still running. */
  close(): Promise<void> {
    for (const child of this.running) killGroup(child);
    this.running.clear();
    return Promise.resolve();
  }

  private run(
    node: string,
    text: string,
    options: ExecOptions,
    started: number,
    fail: (kind: ExecFailureKind, message: string) => ExecFailure,
  ): Promise<ExecOutcome> {
    const timeoutMs = options.timeoutMs ?? this.opts.commandTimeoutMs;
    const cap = options.maxOutputBytes ?? this.opts.maxOutputBytes;
    return new Promise<ExecOutcome>((resolve) => {
      if (options.signal?.aborted) {
        const reason: unknown = options.signal.reason;
        resolve(fail('timeout', reason instanceof Error ? reason.message : `gave up on ${node}`));
        return;
      }
      let settled = false;
      // Its own process group, so that a timeout kills what the script started, not just sh.
      const child = spawn('/bin/sh', ['-c', text], { detached: true, stdio: ['ignore', 'pipe', 'pipe'], env: this.env });
      this.running.add(child);
      const out = new CappedBuffer(cap);
      const errOut = new CappedBuffer(cap);
      child.stdout.on('data', (chunk: Buffer) => out.push(chunk));
      child.stderr.on('data', (chunk: Buffer) => errOut.push(chunk));
      const finish = (outcome: ExecOutcome): void => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        options.signal?.removeEventListener('abort', onAbort);
        resolve(outcome);
      };
      const stop = (): void => {
        killGroup(child);
        this.running.delete(child);
      };
      const onAbort = (): void => {
        const reason: unknown = options.signal?.reason;
        finish(fail('timeout', reason instanceof Error ? reason.message : `gave up on ${node}`));
        stop();
      };
      options.signal?.addEventListener('abort', onAbort, { once: true });
      const timer = setTimeout(() => {
        finish(fail('timeout', `no answer from ${node} within ${formatMs(timeoutMs)}`));
        stop();
      }, timeoutMs);
      child.once('error', (err) => {
        this.running.delete(child);
        finish(fail('error', `could not start the command on ${node}: ${err.message}`));
      });
      child.once('close', (code: number | null, signal: NodeJS.Signals | null) => {
        this.running.delete(child);
        const result: ExecSuccess = {
          ok: true,
          node,
          command: text,
          stdout: out.text(),
          stderr: errOut.text(),
          exitCode: code,
          // As SSH reports it (`KILL`), so both executors' results read the same.
          signal: signal ? signal.replace(/^SIG/, '') : undefined,
          durationMs: Math.round(performance.now() - started),
          truncated: out.truncated || errOut.truncated,
        };
        finish(result);
      });
    });
  }
}

function killGroup(child: ChildProcess): void {
  if (child.pid === undefined || child.exitCode !== null || child.signalCode !== null) return;
  try {
    process.kill(-child.pid, 'SIGKILL');
  } catch {
    // The group is gone already.
  }
}
