import { cliHostFor, describeCliHost } from '../deployment/openstack-cli.js';
import type { OpenstackCliHost } from '../inventory/types.js';
import type { Probe } from '../probes/types.js';
import { describeExit, tailLines } from '../ssh/exit-codes.js';
import type { ClusterSnapshot, NodeProbeOutcome } from './snapshot.js';

/** A node a probe should have read and did not, and why. */
export interface NotChecked {
  readonly node: string;
  /** "unreachable", "command not found (exit 127): tool not installed", "pacemaker not running there" */
  readonly why: string;
}

/** What a probe (or an area's probes) actually saw of the nodes it is meant for. */
export interface Coverage {
  /** `all`: every node it is meant for answered readably; `part`: some did; `none`: none did, or no node has its roles. */
  readonly level: 'all' | 'part' | 'none';
  /** "checked on 3 of 3 controllers", "checked cluster-wide from node-11", "not checked: node-18 unreachable". */
  readonly text: string;
  /** A cluster-scope probe got the cluster's view: what it says holds for every node. */
  readonly clusterWide: boolean;
  /** Nodes whose own answer was read. */
  readonly checked: readonly string[];
  /** Nodes it is meant for that it could not read (empty when no node has its roles). */
  readonly missing: readonly NotChecked[];
}

/** `running: false` answers say the service is down on that node, not what the cluster looks like. */
function isUsable(value: unknown): boolean {
  return !(typeof value === 'object' && value !== null && 'running' in value && (value as { running: unknown }).running === false);
}

/** "controllers", "computes", "nodes": what a probe's roles call the nodes it runs on. */
function roleNoun(roles: readonly string[], count: number): string {
  const noun = roles.length === 1 ? (roles[0] ?? 'node') : 'node';
  return count === 1 ? noun : `${noun}s`;
}

/** Why a probe's output could not be read: "command not found (exit 127): tool not installed". */
export function unreadableReason(o: { readonly exitCode: number | null; readonly reason: string; readonly raw: string }): string {
  const exit = o.exitCode !== 0 ? `${describeExit(o.exitCode)}: ` : '';
  return `${exit}${o.exitCode === 127 ? 'tool not installed' : o.reason}${o.exitCode !== 0 && o.raw ? ` (${tailLines(o.raw, 1)})` : ''}`;
}

/** Why a node's outcome is not a reading of the cluster, in the words `/cluster status` uses. */
function whyUnread(o: NodeProbeOutcome<unknown>): string | undefined {
  if (o.kind === 'unknown') return unreadableReason(o);
  if (o.kind === 'failed') return o.failure.kind === 'error' ? o.failure.message : 'unreachable';
  if (isUsable(o.value)) return undefined;
  const message = (o.value as { message?: unknown }).message;
  return typeof message === 'string' && message.trim() !== '' ? tailLines(message, 1) : 'not running there';
}

/** "node-18, node-19 unreachable; node-12: tool not installed". */
function describeMissing(missing: readonly NotChecked[]): string {
  const byWhy = new Map<string, string[]>();
  for (const m of missing) byWhy.set(m.why, [...(byWhy.get(m.why) ?? []), m.node]);
  return [...byWhy].map(([why, nodes]) => (why === 'unreachable' ? `${nodes.join(', ')} unreachable` : `${nodes.join(', ')}: ${why}`)).join('; ');
}

/**
 * What one probe of the snapshot covered. Node-scope probes are meant for every node with one of
 * their roles; a cluster-scope probe covers the cluster once one controller gave a usable answer.
 * Whatever was not read is named with the reason, so that nothing unseen passes for healthy.
 */
export function probeCoverage(snapshot: ClusterSnapshot, probe: Probe<unknown>): Coverage {
  const cliHost = probe.scope === 'cluster' && snapshot.openstackCli ? cliHostFor(snapshot, probe.command) : undefined;
  if (cliHost) return cliHostCoverage(snapshot, probe, cliHost);
  const meantFor = snapshot.nodes.filter((n) => n.roles.some((r) => probe.roles.includes(r)));
  if (meantFor.length === 0) {
    const roles = probe.roles.join(' or ');
    return {
      level: 'none',
      text: `not checked: no node has the ${roles} role (map a group in the inventory)`,
      clusterWide: false,
      checked: [],
      missing: [],
    };
  }
  const outcomes = snapshot.of(probe);
  if (probe.scope === 'cluster') {
    const answer = outcomes.find((o) => o.kind === 'ok' && isUsable(o.value));
    const checked = outcomes.filter((o) => o.kind === 'ok').map((o) => o.node);
    if (answer) return { level: 'all', text: `checked cluster-wide from ${answer.node}`, clusterWide: true, checked, missing: [] };
    const missing = meantFor.map((n): NotChecked => {
      const o = outcomes.find((x) => x.node === n.name);
      return { node: n.name, why: o ? (whyUnread(o) ?? 'no usable answer') : n.reachable ? 'not asked' : 'unreachable' };
    });
    return {
      level: 'none',
      text: `not checked: no ${roleNoun(probe.roles, 1)} gave the cluster's view (${describeMissing(missing)})`,
      clusterWide: false,
      checked,
      missing,
    };
  }
  const checked: string[] = [];
  const missing: NotChecked[] = [];
  for (const n of meantFor) {
    const o = outcomes.find((x) => x.node === n.name);
    const why = o ? (o.kind === 'ok' ? undefined : whyUnread(o)) : n.reachable ? 'not asked' : 'unreachable';
    if (why === undefined) checked.push(n.name);
    else missing.push({ node: n.name, why });
  }
  const noun = roleNoun(probe.roles, meantFor.length);
  if (checked.length === 0) return { level: 'none', text: `not checked: ${describeMissing(missing)}`, clusterWide: false, checked, missing };
  const text = `checked on ${checked.length} of ${meantFor.length} ${noun}${missing.length ? `; not checked: ${describeMissing(missing)}` : ''}`;
  return { level: missing.length ? 'part' : 'all', text, clusterWide: false, checked, missing };
}

/**
 * A read of the OpenStack API on the inventory's CLI host (TripleO's undercloud): checked there,
 * with its rc file, or not checked because of that host alone. No controller is meant for it.
 */
function cliHostCoverage(snapshot: ClusterSnapshot, probe: Probe<unknown>, cliHost: OpenstackCliHost): Coverage {
  const outcomes = snapshot.of(probe);
  const where = describeCliHost(cliHost);
  if (outcomes.some((o) => o.kind === 'ok' && isUsable(o.value))) {
    return { level: 'all', text: `checked cluster-wide ${where}`, clusterWide: true, checked: [cliHost.node], missing: [] };
  }
  const o = outcomes.find((x) => x.node === cliHost.node);
  const state = snapshot.nodes.find((n) => n.name === cliHost.node);
  const why = o ? (whyUnread(o) ?? 'no usable answer') : state?.reachable === false ? 'unreachable' : 'not asked';
  const missing: NotChecked[] = [{ node: cliHost.node, why }];
  return {
    level: 'none',
    text: `not checked: ${describeMissing(missing)} (the openstack CLI runs there, with ${cliHost.rcPath})`,
    clusterWide: false,
    checked: [],
    missing,
  };
}

/** The coverage of several probes together: the worst level, each distinct text once. */
export function combineCoverage(parts: readonly Coverage[]): Coverage {
  const levels: Coverage['level'][] = ['none', 'part', 'all'];
  const level = levels.find((l) => parts.some((p) => p.level === l)) ?? 'none';
  return {
    level,
    text: [...new Set(parts.map((p) => p.text))].join('; '),
    clusterWide: parts.length > 0 && parts.every((p) => p.clusterWide),
    checked: [...new Set(parts.flatMap((p) => p.checked))],
    missing: parts.flatMap((p) => p.missing),
  };
}
