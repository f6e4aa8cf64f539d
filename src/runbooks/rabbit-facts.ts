import { inContainer } from '../deployment/container-script.js';
import { KOLLA_CONTAINERS } from '../deployment/kolla.js';
/** What the RabbitMQ runbooks read about a broker: its own view, membership, disk headroom, names. */
import { rabbitmqStatus, type RabbitClusterRunning } from '../probes/rabbitmq-status.js';
import { remote, sh } from '../ssh/shell.js';
import { tailLines } from '../ssh/exit-codes.js';
import { readProbe } from './read.js';
import type { RunbookContext } from './types.js';

/** One broker as its own rabbitmqctl sees it. */
export type RabbitView =
  | { readonly kind: 'running'; readonly node: string; readonly status: RabbitClusterRunning }
  /** The Erlang VM answers but the rabbit application is stopped (boot failed, or stop_app). */
  | { readonly kind: 'app-stopped'; readonly node: string }
  /** Nothing answers: the VM is down. */
  | { readonly kind: 'down'; readonly node: string; readonly message: string }
  | { readonly kind: 'missing'; readonly node: string }
  | { readonly kind: 'unknown'; readonly node: string; readonly problem: string };

const APP_STOPPED = /requires the 'rabbit' app to be running/;

/** Reads `rabbitmqctl cluster_status` on `node` into a `RabbitView`. */
export async function readRabbit(rctx: Pick<RunbookContext, 'executor'>, node: string): Promise<RabbitView> {
  const r = await readProbe(rctx, node, rabbitmqStatus);
  if (r.ok) {
    if (r.value.running) return { kind: 'running', node, status: r.value };
    // The parser tells a stopped rabbit app (Erlang VM up) from a dead node: they heal differently.
    return r.value.state === 'app-stopped' ? { kind: 'app-stopped', node } : { kind: 'down', node, message: r.value.message };
  }
  if (r.missing) return { kind: 'missing', node };
  if (APP_STOPPED.test(r.output ?? '')) return { kind: 'app-stopped', node };
  return { kind: 'unknown', node, problem: r.problem };
}

/** RabbitMQ node names as rabbitmqctl prints them; anything else read from a node is refused. */
export const RABBIT_NODE_NAME = /^[A-Za-z0-9_.-]+@[A-Za-z0-9_.-]+$/;

function hostPart(name: string): string {
  return name.slice(name.indexOf('@') + 1);
}

/**
 * The RabbitMQ name of inventory node `node` among `known` names: `rabbit@node-10`, Fuel's
 * `rabbit@messaging-node-10`, an FQDN host, or (several brokers on one host) `node-10@localhost`.
 */
export function rabbitNameOf(node: string, known: readonly string[]): string | undefined {
  const valid = known.filter((n) => RABBIT_NODE_NAME.test(n));
  return (
    valid.find((n) => hostPart(n) === node) ??
    valid.find((n) => hostPart(n).endsWith(`-${node}`) || hostPart(n).startsWith(`${node}.`)) ??
    valid.find((n) => n.slice(0, n.indexOf('@')) === node)
  );
}

/** Evaluates a fixed Erlang expression on the node's local broker (its VM must be up). */
async function rabbitEval(
  rctx: Pick<RunbookContext, 'executor'>,
  node: string,
  expression: string,
): Promise<{ ok: true; text: string } | { ok: false; problem: string }> {
  const r = await rctx.executor.exec(node, remote(inContainer(KOLLA_CONTAINERS.rabbitmq, sh`rabbitmqctl eval ${expression}`), { privileged: true }), {
    timeoutMs: 30_000,
  });
  if (!r.ok) return { ok: false, problem: r.message };
  if (r.exitCode !== 0) return { ok: false, problem: tailLines(`${r.stdout}\n${r.stderr}`, 2) || `exit ${String(r.exitCode)}` };
  return { ok: true, text: r.stdout.trim() };
}

/** The cluster members the broker on `node` believes in (works with the app stopped, not with the VM down). */
export async function believedMembers(rctx: Pick<RunbookContext, 'executor'>, node: string): Promise<string[] | undefined> {
  const r = await rabbitEval(rctx, node, 'rabbit_mnesia:cluster_nodes(all).');
  if (!r.ok) return undefined;
  return [...r.text.matchAll(/'?([A-Za-z0-9_.-]+@[A-Za-z0-9_.-]+)'?/g)].map((m) => m[1] ?? '').filter((n) => RABBIT_NODE_NAME.test(n));
}

/** A disk_free_limit as `set_disk_free_limit` takes it back. */
export type DiskLimitSetting =
  | { readonly kind: 'bytes'; readonly bytes: number }
  | { readonly kind: 'mem_relative'; readonly ratio: number }
  | { readonly kind: 'text'; readonly text: string };

/** Reads `{ok,50000000}`, `{ok,"2GB"}` or `{ok,{mem_relative,1.0}}` from application:get_env. */
export function parseConfiguredLimit(text: string): DiskLimitSetting | undefined {
  const bytesMatch = /^\{ok,(\d+)\}$/.exec(text);
  if (bytesMatch) return { kind: 'bytes', bytes: Number(bytesMatch[1]) };
  const rel = /^\{ok,\{mem_relative,(\d+(?:\.\d+)?)\}\}$/.exec(text);
  if (rel) return { kind: 'mem_relative', ratio: Number(rel[1]) };
  const str = /^\{ok,"(\d+(?:\.\d+)?(?:[kKMGT]i?B|[kKMGT]B?)?)"\}$/.exec(text);
  if (str) return { kind: 'text', text: str[1] ?? '' };
  return undefined;
}

/** The `set_disk_free_limit` arguments restoring `setting`. */
export function limitArgs(setting: DiskLimitSetting): string[] {
  if (setting.kind === 'bytes') return [String(setting.bytes)];
  if (setting.kind === 'mem_relative') return ['mem_relative', String(setting.ratio)];
  return [setting.text];
}

/** Disk headroom as RabbitMQ itself measures it, from a running VM. */
export interface RabbitDiskFacts {
  readonly freeBytes: number;
  /** The limit in force now (`set_disk_free_limit` changes it at run time). */
  readonly limitBytes: number;
  /** The limit from the node's configuration, when it differs from the one in force. */
  readonly configured: DiskLimitSetting | undefined;
}

/** Free bytes and limits from the broker's disk monitor; undefined when its VM does not answer. */
export async function rabbitDiskFacts(rctx: Pick<RunbookContext, 'executor'>, node: string): Promise<RabbitDiskFacts | undefined> {
  const free = await rabbitEval(rctx, node, 'rabbit_disk_monitor:get_disk_free().');
  const limit = await rabbitEval(rctx, node, 'rabbit_disk_monitor:get_disk_free_limit().');
  if (!free.ok || !limit.ok || !/^\d+$/.test(free.text) || !/^\d+$/.test(limit.text)) return undefined;
  const env = await rabbitEval(rctx, node, 'application:get_env(rabbit, disk_free_limit).');
  return { freeBytes: Number(free.text), limitBytes: Number(limit.text), configured: env.ok ? parseConfiguredLimit(env.text) : undefined };
}

/** The disk_free_limit in force on a running peer (brokers of one cluster share their config). */
export async function peerLimitBytes(rctx: Pick<RunbookContext, 'executor'>, peers: readonly string[]): Promise<number | undefined> {
  for (const p of peers) {
    const r = await rabbitEval(rctx, p, 'rabbit_disk_monitor:get_disk_free_limit().');
    if (r.ok && /^\d+$/.test(r.text)) return Number(r.text);
  }
  return undefined;
}

/** One line per broker view, for reports and failure states. */
export function describeRabbit(v: RabbitView): string {
  switch (v.kind) {
    case 'running': {
      const s = v.status;
      const parts = [`running, ${s.runningNodes.length}/${new Set([...s.diskNodes, ...s.ramNodes]).size} members running`];
      if (s.stoppedNodes.length) parts.push(`not running: ${s.stoppedNodes.join(', ')}`);
      if (s.alarms.length) parts.push(`alarms: ${s.alarms.map((a) => `${a.kind} on ${a.node}`).join(', ')}`);
      if (s.partitions.length) parts.push(`partitions: ${s.partitions.map((p) => `${p.node} cannot see ${p.partitionedFrom.join(' ')}`).join('; ')}`);
      return `${v.node}: ${parts.join('; ')}`;
    }
    case 'app-stopped':
      return `${v.node}: Erlang VM up, rabbit application stopped`;
    case 'down':
      return `${v.node}: not running (${v.message})`;
    case 'missing':
      return `${v.node}: rabbitmqctl not installed`;
    default:
      return `${v.node}: ${v.problem}`;
  }
}
