/**
 * Real RabbitMQ nodes for integration tests: each node has its own name, AMQP and distribution
 * ports and data directory under a temp dir, so tests (and other test files running at the same
 * time) never share state. Needs the Debian `rabbitmq-server` package and root (the /usr/sbin
 * wrappers switch to the rabbitmq user; we call /usr/lib/rabbitmq/bin directly instead).
 *
 * ```ts
 * const dir = mkdtempSync(join(tmpdir(), 'rmq-'));
 * const a = await startRabbitNode({ name: 'rabbit-a', port: await freeTcpPort(), distPort: await freeTcpPort(), dir });
 * const b = await startRabbitNode({ name: 'rabbit-b', port: await freeTcpPort(), distPort: await freeTcpPort(), dir });
 * await joinCluster(b, a);
 * await rabbitctl(a, ['cluster_status', '--formatter', 'json']);
 * await stopRabbitNode(b); await stopRabbitNode(a);
 * ```
 */

import { execFile, execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { serverPort } from './real/net.js';
import { join } from 'node:path';

/** Where Debian installs the real (non-wrapper) RabbitMQ scripts. */
export const RABBITMQ_BIN = '/usr/lib/rabbitmq/bin';

/** What `startRabbitNode` needs. */
export interface RabbitNodeOptions {
  /** Short node name: the node is `${name}@localhost`. */
  readonly name: string;
  /** AMQP port. */
  readonly port: number;
  /** Erlang distribution port (rabbitmqctl talks to the node through it). */
  readonly distPort: number;
  /** A directory this harness may write into; the node's files go under `${dir}/${name}`. */
  readonly dir: string;
  /** How long to wait for the node to boot; 60 s by default (it takes 6-8 s here). */
  readonly startTimeoutMs?: number;
}

/** A running node started by `startRabbitNode`. */
export interface RabbitNode {
  /** `name@localhost`. */
  readonly nodeName: string;
  readonly port: number;
  readonly distPort: number;
  /** The node's own directory (mnesia, logs, pid file). */
  readonly dir: string;
  /**
   * Environment for running rabbitmqctl (or a probe script) against this node: PATH with the
   * RabbitMQ scripts first, HOME holding the shared Erlang cookie, RABBITMQ_NODENAME set so a
   * plain `rabbitmqctl cluster_status` talks to this node.
   */
  readonly env: NodeJS.ProcessEnv;
}

/** What a rabbitmqctl run printed. */
export interface RabbitCtlResult {
  readonly stdout: string;
  readonly stderr: string;
  readonly exitCode: number | null;
}

/** Thrown when RabbitMQ is not installed: integration tests fail loudly, they never skip. */
export class RabbitMqMissingError extends Error {
  constructor(missing: string) {
    super(
      `RabbitMQ is not installed: ${missing} is missing. Install it with ` +
        '`apt-get install -y --no-install-recommends rabbitmq-server` (Debian 12 ships 3.10).',
    );
    this.name = 'RabbitMqMissingError';
  }
}

/** epmd processes that were running before this harness first started a node: never ours to stop. */
let epmdBaseline: Set<number> | undefined;
const stoppedNodes = new WeakSet<RabbitNode>();

/** A TCP port on 127.0.0.1 for `port` and `distPort`, outside the ephemeral range (see serverPort). */
export const freeTcpPort = serverPort;

function assertInstalled(): void {
  for (const tool of ['rabbitmq-server', 'rabbitmqctl']) {
    const path = join(RABBITMQ_BIN, tool);
    if (!existsSync(path)) throw new RabbitMqMissingError(path);
  }
}

function epmdPids(): number[] {
  try {
    return execFileSync('pgrep', ['-x', 'epmd'], { encoding: 'utf8' })
      .split('\n')
      .filter((l) => l.trim() !== '')
      .map(Number);
  } catch {
    return [];
  }
}

function nodeEnv(nodeName: string, root: string, home: string, port: number, distPort: number): NodeJS.ProcessEnv {
  return {
    ...process.env,
    HOME: home,
    PATH: `${RABBITMQ_BIN}:${process.env['PATH'] ?? '/usr/bin:/bin'}`,
    RABBITMQ_NODENAME: nodeName,
    RABBITMQ_NODE_PORT: String(port),
    RABBITMQ_NODE_IP_ADDRESS: '127.0.0.1',
    RABBITMQ_DIST_PORT: String(distPort),
    RABBITMQ_MNESIA_BASE: join(root, 'mnesia'),
    RABBITMQ_LOG_BASE: join(root, 'log'),
    RABBITMQ_PID_FILE: join(root, 'node.pid'),
    RABBITMQ_CONFIG_FILE: join(root, 'rabbitmq'),
    RABBITMQ_ENABLED_PLUGINS_FILE: join(root, 'enabled_plugins'),
    // Keep the inter-node distribution on loopback too.
    RABBITMQ_SERVER_ADDITIONAL_ERL_ARGS: '-kernel inet_dist_use_interface {127,0,0,1}',
  };
}

function run(file: string, args: readonly string[], env: NodeJS.ProcessEnv, timeoutMs: number): Promise<RabbitCtlResult> {
  return new Promise((resolve) => {
    execFile(file, [...args], { env, timeout: timeoutMs, encoding: 'utf8' }, (error, stdout, stderr) => {
      const exitCode = error ? (typeof error.code === 'number' ? error.code : null) : 0;
      resolve({ stdout, stderr, exitCode });
    });
  });
}

/**
 * Starts a RabbitMQ node on 127.0.0.1 and waits until its applications run.
 * Throws `RabbitMqMissingError` when RabbitMQ is not installed, or an Error with the boot log
 * when the node does not come up.
 */
export async function startRabbitNode(options: RabbitNodeOptions): Promise<RabbitNode> {
  assertInstalled();
  const nodeName = `${options.name}@localhost`;
  const root = join(options.dir, options.name);
  // All nodes of one test dir share HOME, hence the Erlang cookie, so they can cluster.
  const home = join(options.dir, 'home');
  for (const d of [root, home, join(root, 'mnesia'), join(root, 'log')]) mkdirSync(d, { recursive: true });
  writeFileSync(join(root, 'enabled_plugins'), '[].\n');
  const env = nodeEnv(nodeName, root, home, options.port, options.distPort);
  epmdBaseline ??= new Set(epmdPids());

  const started = await run(join(RABBITMQ_BIN, 'rabbitmq-server'), ['-detached'], env, 30_000);
  if (started.exitCode !== 0) {
    throw new Error(`rabbitmq-server -detached failed for ${nodeName}: ${started.stderr || started.stdout}`);
  }

  const node: RabbitNode = { nodeName, port: options.port, distPort: options.distPort, dir: root, env };
  const timeoutMs = options.startTimeoutMs ?? 60_000;
  const waited = await rabbitctl(node, ['wait', join(root, 'node.pid'), '--timeout', String(Math.ceil(timeoutMs / 1000))], timeoutMs + 10_000);
  if (waited.exitCode !== 0) {
    await stopRabbitNode(node).catch(() => undefined);
    throw new Error(`${nodeName} did not start: ${waited.stderr || waited.stdout}\n${bootLog(root)}`);
  }
  return node;
}

function bootLog(root: string): string {
  const log = join(root, 'log');
  try {
    const files = execFileSync('ls', [log], { encoding: 'utf8' })
      .split('\n')
      .filter((f) => f.endsWith('.log'));
    return files.map((f) => readFileSync(join(log, f), 'utf8').split('\n').slice(-30).join('\n')).join('\n');
  } catch {
    return '(no boot log)';
  }
}

/** Runs `rabbitmqctl -n <node> ARGS` against `node`; never throws, returns what it printed. */
export function rabbitctl(node: RabbitNode, args: readonly string[], timeoutMs = 60_000): Promise<RabbitCtlResult> {
  return run(join(RABBITMQ_BIN, 'rabbitmqctl'), ['-n', node.nodeName, ...args], node.env, timeoutMs);
}

/** Runs `rabbitmq-diagnostics -n <node> ARGS` against `node`. */
export function rabbitDiagnostics(node: RabbitNode, args: readonly string[], timeoutMs = 60_000): Promise<RabbitCtlResult> {
  return run(join(RABBITMQ_BIN, 'rabbitmq-diagnostics'), ['-n', node.nodeName, ...args], node.env, timeoutMs);
}

/** Joins `node` into the cluster of `seed` (stop_app, join_cluster, start_app). */
export async function joinCluster(node: RabbitNode, seed: RabbitNode): Promise<void> {
  for (const args of [['stop_app'], ['join_cluster', seed.nodeName], ['start_app']]) {
    const r = await rabbitctl(node, args);
    if (r.exitCode !== 0) throw new Error(`rabbitmqctl ${args.join(' ')} on ${node.nodeName} failed: ${r.stderr || r.stdout}`);
  }
}

/**
 * Stops the node (its Erlang VM too). Safe to call twice. When the last node is gone, also stops
 * the epmd that starting a node launched, by its PID, if no other Erlang node still uses it.
 */
export async function stopRabbitNode(node: RabbitNode): Promise<void> {
  if (stoppedNodes.has(node)) return;
  stoppedNodes.add(node);
  const pidFile = join(node.dir, 'node.pid');
  const pid = existsSync(pidFile) ? Number(readFileSync(pidFile, 'utf8').trim()) : NaN;
  if (Number.isInteger(pid) && pid > 0 && isAlive(pid)) {
    // `stop <pidfile>` returns once the VM has exited; a VM that ignores it is killed.
    await rabbitctl(node, ['stop', pidFile], 60_000);
    if (isAlive(pid)) process.kill(pid, 'SIGKILL');
  }
  await releaseEpmd();
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

function registeredErlangNodes(): string[] {
  try {
    return execFileSync('epmd', ['-names'], { encoding: 'utf8' })
      .split('\n')
      .map((l) => /^name (\S+) at port/.exec(l)?.[1])
      .filter((n): n is string => n !== undefined);
  } catch {
    return [];
  }
}

/**
 * Stops (by PID) the epmd that this harness's nodes or CLI calls started, once no Erlang node is
 * registered with it. `stopRabbitNode` calls it; call it again in `afterAll` if a test ran
 * rabbitmqctl against a stopped node (the CLI starts epmd again).
 */
export async function releaseEpmd(): Promise<void> {
  if (!epmdBaseline) return;
  const baseline = epmdBaseline;
  const ours = epmdPids().filter((pid) => !baseline.has(pid));
  if (ours.length === 0) return;
  // A VM that just exited is unregistered when epmd notices its closed connection.
  const deadline = Date.now() + 5_000;
  while (registeredErlangNodes().length > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 200));
  if (registeredErlangNodes().length > 0) return;
  for (const pid of ours) if (isAlive(pid)) process.kill(pid, 'SIGTERM');
}
