/** Read-only helpers the runbook builders share: run a probe on a node, list nodes by role. */
import { cliHostFor, clusterProbeTargets, describeCliHost } from '../deployment/openstack-cli.js';
import type { Inventory } from '../inventory/types.js';
import type { Probe } from '../probes/types.js';
import { describeExit, tailLines } from '../ssh/exit-codes.js';
import type { RunbookContext } from './types.js';

/** A probe's answer on one node, or why there is none (unreachable, tool missing, unreadable). */
export type ProbeRead<T> =
  | { readonly ok: true; readonly node: string; readonly value: T; readonly exitCode: number | null }
  | {
      readonly ok: false;
      readonly node: string;
      readonly problem: string;
      readonly missing: boolean;
      readonly unreachable: boolean;
      /** What the tool printed, when it ran. */
      readonly output?: string;
    };

/** Runs `probe` (or `command`, the same read written for that node) on `node` and parses it; never throws. */
export async function readProbe<T>(rctx: Pick<RunbookContext, 'executor'>, node: string, probe: Probe<T>, command = probe.command): Promise<ProbeRead<T>> {
  const r = await rctx.executor.exec(node, command, probe.timeoutMs === undefined ? {} : { timeoutMs: probe.timeoutMs });
  if (!r.ok) return { ok: false, node, problem: `${node} did not answer (${r.message})`, missing: false, unreachable: true };
  const parsed = probe.parse(r);
  if (parsed.kind === 'ok') return { ok: true, node, value: parsed.value, exitCode: r.exitCode };
  const missing = r.exitCode === 127;
  const tail = tailLines(`${r.stdout}\n${r.stderr}`, 1);
  return {
    ok: false,
    node,
    problem: missing
      ? `${probe.title} tool is not installed on ${node}`
      : `unreadable ${probe.title} on ${node}: ${describeExit(r.exitCode)}${tail ? `: ${tail}` : ''} (${parsed.reason})`,
    missing,
    unreachable: false,
    output: `${r.stdout}\n${r.stderr}`,
  };
}

/** Runs a cluster-scope probe on the given nodes in turn; the first answer `usable` accepts wins. */
export async function readFirst<T>(
  rctx: Pick<RunbookContext, 'executor'>,
  nodes: readonly string[],
  probe: Probe<T>,
  usable: (value: T) => boolean = () => true,
): Promise<ProbeRead<T>> {
  let last: ProbeRead<T> = { ok: false, node: '', problem: `no node to run ${probe.title} on`, missing: false, unreachable: false };
  for (const node of nodes) {
    last = await readProbe(rctx, node, probe);
    if (last.ok && usable(last.value)) return last;
  }
  return last;
}

/**
 * Reads an OpenStack API listing where the cluster reads it: on the inventory's openstack CLI host
 * with its rc file (TripleO's undercloud; no controller is tried after it, see
 * src/deployment/openstack-cli.ts), or else on each controller in turn.
 */
export async function readApi<T>(
  rctx: Pick<RunbookContext, 'executor' | 'inventory'>,
  probe: Probe<T>,
  usable: (value: T) => boolean = () => true,
): Promise<ProbeRead<T>> {
  let last: ProbeRead<T> = { ok: false, node: '', problem: `no node to run ${probe.title} on`, missing: false, unreachable: false };
  for (const target of clusterProbeTargets(rctx.inventory, probe)) {
    last = await readProbe(rctx, target.node.name, probe, target.command);
    if (last.ok && usable(last.value)) return last;
  }
  return last;
}

/** " (read on undercloud with /home/stack/overcloudrc)" when `read` is an answer of the inventory's openstack CLI host, else "". */
export function whereRead(rctx: Pick<RunbookContext, 'inventory'>, read: ProbeRead<unknown>, probe: Pick<Probe<unknown>, 'command'>): string {
  const cliHost = cliHostFor(rctx.inventory, probe.command);
  return cliHost && read.ok && read.node === cliHost.node ? ` (read ${describeCliHost(cliHost)})` : '';
}

/** Inventory node names with `role`, in inventory order. */
export function nodesWithRole(inventory: Inventory, role: string): string[] {
  return inventory.nodes.filter((n) => n.roles.includes(role)).map((n) => n.name);
}

/** `nodes` with `target` moved last: the cluster view is best read from a healthy member. */
export function othersFirst(nodes: readonly string[], target: string): string[] {
  return [...nodes.filter((n) => n !== target), ...nodes.filter((n) => n === target)];
}

/** Whether a host name an OpenStack API reports (`node-18`, `node-18.domain.tld`) is `node`. */
export function sameHost(reported: string, node: string): boolean {
  return reported === node || reported.startsWith(`${node}.`);
}

/** Bytes for people (the project's one formatter). */
export { humanBytes as bytes } from '../render/bytes.js';
