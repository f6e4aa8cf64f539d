/**
 * The quorum guard: a runbook that may take a RabbitMQ, Galera or pacemaker member down refuses
 * while another member of the same cluster is down or restarting, so one repair never turns a
 * degraded cluster into one without quorum. Acting on the member that is already down is allowed:
 * that is how a cluster is healed.
 */
import { galeraStatus } from '../probes/galera-status.js';
import { pacemakerStatus, type PacemakerClusterState } from '../probes/pacemaker-status.js';
import { nodesWithRole, othersFirst, readProbe } from './read.js';
import { readRabbit } from './rabbit-facts.js';
import type { CheckStep, RunbookContext } from './types.js';

/** The clustered services the guard knows. */
export type GuardedService = 'rabbitmq' | 'galera' | 'pacemaker';

/** One member found down or restarting. */
export interface MemberOutage {
  readonly node: string;
  readonly service: GuardedService;
  readonly why: string;
}

const NAMES: Record<GuardedService, string> = { rabbitmq: 'RabbitMQ', galera: 'Galera', pacemaker: 'pacemaker' };
const TRANSITIONS = /^(Starting|Stopping|Promoting|Demoting|Migrating)$/;

async function pacemakerOutages(rctx: RunbookContext, controllers: readonly string[]): Promise<MemberOutage[]> {
  const out: MemberOutage[] = [];
  const reads = await Promise.all(controllers.map((n) => readProbe(rctx, n, pacemakerStatus)));
  let view: PacemakerClusterState | undefined;
  for (const r of reads) {
    if (!r.ok) {
      if (!r.missing) out.push({ node: r.node, service: 'pacemaker', why: r.unreachable ? 'unreachable' : r.problem });
      continue;
    }
    if (!r.value.running) out.push({ node: r.node, service: 'pacemaker', why: `pacemaker not running (${r.value.message})` });
    else view ??= r.value;
  }
  if (!view) return out;
  for (const n of view.nodes) {
    if (n.kind !== 'member' || n.state === 'online' || out.some((o) => o.node === n.name)) continue;
    out.push({ node: n.name, service: 'pacemaker', why: `${n.state} in pacemaker` });
  }
  for (const r of view.resources) {
    if (!TRANSITIONS.test(r.role)) continue;
    for (const node of r.nodes) out.push({ node, service: 'pacemaker', why: `resource ${r.id} is ${r.role.toLowerCase()}` });
  }
  return out;
}

async function rabbitOutages(rctx: RunbookContext, controllers: readonly string[]): Promise<MemberOutage[]> {
  const views = await Promise.all(controllers.map((n) => readRabbit(rctx, n)));
  return views.flatMap((v): MemberOutage[] => {
    if (v.kind === 'missing') return [];
    if (v.kind === 'running') {
      return v.status.partitions.length > 0 ? [{ node: v.node, service: 'rabbitmq', why: 'partitioned from its peers' }] : [];
    }
    if (v.kind === 'app-stopped') return [{ node: v.node, service: 'rabbitmq', why: 'rabbit application stopped' }];
    if (v.kind === 'down') return [{ node: v.node, service: 'rabbitmq', why: 'RabbitMQ not running' }];
    return [{ node: v.node, service: 'rabbitmq', why: `state unknown (${v.problem})` }];
  });
}

async function galeraOutages(rctx: RunbookContext, controllers: readonly string[]): Promise<MemberOutage[]> {
  const reads = await Promise.all(controllers.map((n) => readProbe(rctx, n, galeraStatus)));
  return reads.flatMap((r): MemberOutage[] => {
    if (!r.ok) return r.missing ? [] : [{ node: r.node, service: 'galera', why: r.unreachable ? 'unreachable' : r.problem }];
    const v = r.value;
    if (!v.running) return [{ node: r.node, service: 'galera', why: 'MySQL/Galera not running' }];
    if (v.clusterStatus !== undefined && v.clusterStatus !== 'Primary') return [{ node: r.node, service: 'galera', why: `in a ${v.clusterStatus} component` }];
    if (v.localState !== undefined && v.localState !== 'Synced') return [{ node: r.node, service: 'galera', why: `${v.localState} (not Synced)` }];
    return [];
  });
}

/** Every member of `services` on the controllers that is down or restarting. */
export async function memberOutages(rctx: RunbookContext, services: readonly GuardedService[]): Promise<MemberOutage[]> {
  const controllers = nodesWithRole(rctx.inventory, 'controller');
  const parts = await Promise.all([
    services.includes('pacemaker') ? pacemakerOutages(rctx, controllers) : [],
    services.includes('rabbitmq') ? rabbitOutages(rctx, controllers) : [],
    services.includes('galera') ? galeraOutages(rctx, controllers) : [],
  ]);
  return parts.flat();
}

/** What to run to bring a member back, by service. */
function nextFor(o: MemberOutage): string {
  if (o.service === 'rabbitmq') return `/rabbit heal ${o.node}`;
  if (o.service === 'pacemaker' && /not running|offline|unclean/.test(o.why)) return `/pacemaker restart ${o.node}`;
  return `/pacemaker cleanup ${o.node}`;
}

/**
 * Other nodes' lock holders: a map read already, or a reader the guard calls when its step runs.
 * A runbook passes the reader, so the guard reads the locks after its own are taken: two replicas
 * starting heals of different members at once then each see the other, and both refuse, instead of
 * each passing on a list read before either lock existed.
 */
export type BusyNodes = ReadonlyMap<string, string> | (() => Promise<ReadonlyMap<string, string>>);

/** Options of `quorumGuard`. */
export interface QuorumGuardOptions {
  /** The member this runbook may take down. */
  readonly target: string;
  readonly services: readonly GuardedService[];
  /** Other nodes a runbook is acting on right now (held locks), described by their holder. */
  readonly busy?: BusyNodes;
}

/** A check step refusing while a member other than `target` is down or restarting. */
export function quorumGuard(options: QuorumGuardOptions): CheckStep {
  const names = options.services.map((s) => NAMES[s]).join('/');
  return {
    kind: 'check',
    description: `quorum guard: no other ${names} member is down or restarting`,
    async run(rctx) {
      const held = typeof options.busy === 'function' ? await options.busy() : (options.busy ?? new Map<string, string>());
      const busy: MemberOutage[] = [...held]
        .filter(([node]) => node !== options.target && nodesWithRole(rctx.inventory, 'controller').includes(node))
        .map(([node, holder]) => ({ node, service: options.services[0] ?? 'pacemaker', why: `being worked on (${holder})` }));
      const outages = [...busy, ...(await memberOutages(rctx, options.services))].filter((o) => o.node !== options.target);
      if (outages.length === 0) return { ok: true, detail: `every other ${names} member is up` };
      const first = othersFirst(
        outages.map((o) => o.node),
        options.target,
      )[0];
      const list = outages.map((o) => `${o.node}: ${NAMES[o.service]} ${o.why}`).join('; ');
      const lead = outages.find((o) => o.node === first) ?? outages[0];
      return {
        ok: false,
        detail: `taking ${options.target}'s ${names} down now could lose quorum, because another member is already down or restarting (${list}). Bring it back first`,
        ...(lead ? { next: nextFor(lead) } : {}),
      };
    },
  };
}
