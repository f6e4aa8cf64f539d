/**
 * Compact "readings" of probe values for the table tests over real fixtures: what an operator
 * would conclude from the output (who is down, what failed, is there quorum), in a shape short
 * enough to write by hand for every fixture after reading it.
 */
import type { CephStatus } from '../../../src/probes/ceph-status.js';
import type { NeutronAgents } from '../../../src/probes/neutron-agents.js';
import type { NovaServices } from '../../../src/probes/nova-services.js';
import type { PacemakerStatus } from '../../../src/probes/pacemaker-status.js';
import type { RabbitClusterStatus } from '../../../src/probes/rabbitmq-status.js';
import type { ProbeResult } from '../../../src/probes/types.js';

/** `unknown: <reason prefix>` when the parser could not read the output. */
export type Unknown = { readonly unknown: true };

/** What a pacemaker reading keeps. */
export type PacemakerReading =
  | Unknown
  | { readonly notRunning: string }
  | {
      readonly dc: string | undefined;
      readonly quorum: boolean | undefined;
      readonly maintenanceMode: boolean;
      /** `name=state`, guests and remotes marked `(guest)`/`(remote)`. */
      readonly nodes: readonly string[];
      /** Instances with a node, i.e. running somewhere. */
      readonly active: number;
      /** Stopped instances that are not disabled: `id` or `id@node` when the output names the node. */
      readonly stopped: readonly string[];
      /** Stopped on purpose (target-role Stopped). */
      readonly disabled: readonly string[];
      /** `id@node` of FAILED instances. */
      readonly failed: readonly string[];
      /** How many instances pacemaker does not manage (maintenance, unmanaged). */
      readonly unmanaged: number;
      /** `resource operation on node: status (reason)`. */
      readonly failedActions: readonly string[];
    };

const sorted = (xs: Iterable<string>): string[] => [...new Set(xs)].sort();

/** Reads a pacemaker probe result down to what the table tests compare. */
export function pacemakerReading(result: ProbeResult<PacemakerStatus>): PacemakerReading {
  if (result.kind !== 'ok') return { unknown: true };
  const v = result.value;
  if (!v.running) return { notRunning: v.message };
  const stoppedInstances = v.resources.filter((r) => r.nodes.length === 0);
  return {
    dc: v.dc,
    quorum: v.quorum,
    maintenanceMode: v.maintenanceMode,
    nodes: v.nodes.map((n) => `${n.name}=${n.state}${n.kind === 'member' ? '' : ` (${n.kind})`}`),
    active: v.resources.filter((r) => r.nodes.length > 0).length,
    stopped: sorted(stoppedInstances.filter((r) => r.disabled !== true).map((r) => (r.inactiveOn ? `${r.id}@${r.inactiveOn}` : r.id))),
    disabled: sorted(stoppedInstances.filter((r) => r.disabled === true).map((r) => r.id)),
    failed: sorted(v.resources.filter((r) => r.failed).map((r) => `${r.id}@${r.nodes.join(',') || r.inactiveOn || '-'}`)),
    unmanaged: v.resources.filter((r) => !r.managed).length,
    failedActions: v.failedActions.map(
      (f) => `${f.resource} ${f.operation || '?'} on ${f.node}: ${f.exitStatus}${f.exitReason === '' ? '' : ` (${f.exitReason})`}`,
    ),
  };
}

/** What a RabbitMQ reading keeps. */
export type RabbitReading =
  | Unknown
  | { readonly down: string; readonly node: string | undefined; readonly state: string | undefined }
  | {
      readonly node: string | undefined;
      readonly members: readonly string[];
      readonly running: readonly string[];
      readonly stopped: readonly string[];
      readonly alarms: readonly string[];
      readonly partitions: readonly string[];
    };

/** Reads a RabbitMQ probe result down to what the table tests compare. */
export function rabbitReading(result: ProbeResult<RabbitClusterStatus>): RabbitReading {
  if (result.kind !== 'ok') return { unknown: true };
  const v = result.value;
  if (!v.running) return { down: v.message, node: v.node, state: v.state };
  return {
    node: v.node,
    members: sorted([...v.diskNodes, ...v.ramNodes]),
    running: sorted(v.runningNodes),
    stopped: sorted(v.stoppedNodes),
    alarms: sorted(v.alarms.map((a) => `${a.kind}@${a.node}`)),
    partitions: v.partitions.map((p) => `${p.node}/${p.partitionedFrom.join(',')}`),
  };
}

/** What a nova services reading keeps: `binary@host=state/status`, and the rows nova could not report. */
export type NovaReading = Unknown | { readonly services: readonly string[]; readonly unknownRows: readonly string[] };

/** Reads a nova-services result down to what the table tests compare. */
export function novaReading(result: ProbeResult<NovaServices>): NovaReading {
  if (result.kind !== 'ok') return { unknown: true };
  return {
    services: result.value.services.map((s) => `${s.binary}@${s.host}=${s.state}/${s.status}`),
    unknownRows: (result.value.unknownServices ?? []).map((s) => `${s.binary}@${s.host}`),
  };
}

/** What a neutron agents reading keeps: `binary@host=alive|dead/up|down`, and unreadable rows. */
export type NeutronReading = Unknown | { readonly agents: readonly string[]; readonly unknownRows: readonly string[] };

/** Reads a neutron-agents result down to what the table tests compare. */
export function neutronReading(result: ProbeResult<NeutronAgents>): NeutronReading {
  if (result.kind !== 'ok') return { unknown: true };
  return {
    agents: result.value.agents.map((a) => `${a.binary || a.agentType}@${a.host}=${a.alive ? 'alive' : 'dead'}/${a.adminStateUp ? 'up' : 'down'}`),
    unknownRows: (result.value.unknownAgents ?? []).map((a) => `${a.binary || a.agentType}@${a.host}`),
  };
}

/** What a ceph reading keeps. */
export type CephReading =
  | Unknown
  | { readonly unreachable: true }
  | {
      readonly health: string;
      readonly codes: readonly string[];
      readonly monsTotal: number | undefined;
      readonly quorum: readonly string[];
      readonly outOfQuorum: readonly string[];
      /** The monmap's names, `undefined` when the output named no monitor. */
      readonly mons: readonly string[] | undefined;
    };

/** Reads a ceph-status result down to what the table tests compare. */
export function cephReading(result: ProbeResult<CephStatus>): CephReading {
  if (result.kind !== 'ok') return { unknown: true };
  const v = result.value;
  if (!v.running) return { unreachable: true };
  return {
    health: v.health,
    codes: v.checks.map((c) => c.code ?? c.summary),
    monsTotal: v.monsTotal,
    quorum: [...v.quorum],
    outOfQuorum: [...v.outOfQuorum],
    mons: v.mons === undefined ? undefined : [...v.mons],
  };
}
