/**
 * `/rabbit heal NODE`: the seed's RabbitMQ failures. Reads the broker, its peers, pacemaker, the
 * disk and the broker's log; picks the failure mode; plans the fix for that mode only; verifies the
 * node is running, clustered with every member, without alarms or partitions; then reports what
 * else is still down.
 */
import { diskUsage } from '../probes/disk-usage.js';
import { pacemakerStatus, type PacemakerClusterState } from '../probes/pacemaker-status.js';
import { globToRegExp, pathMatchesGlobs } from '../signatures/globs.js';
import { isLogSignature, LogMatcher, type LogSignature } from '../signatures/index.js';
import { remote, sh, type ShellScript } from '../ssh/shell.js';
import { quorumGuard, type GuardedService, type BusyNodes } from './guard.js';
import { bundleCleanupScript, bundleRestartScript, containerScript, execInContainer, isKolla, isTripleo } from '../deployment/acts.js';
import { bundleOf, failureHost } from '../deployment/bundles.js';
import { TRIPLEO_LOG_ROOT } from '../deployment/tripleo.js';
import { detectDeployment } from '../deployment/detect-node.js';
import { KOLLA_CONTAINERS, KOLLA_LOG_ROOT } from '../deployment/kolla.js';
import type { NodeDeployment } from '../deployment/probe.js';
import { detectInit, serviceScript } from './init-services.js';
import { servicesStillDown } from './follow-up.js';
import {
  believedMembers,
  describeRabbit,
  limitArgs,
  peerLimitBytes,
  rabbitDiskFacts,
  rabbitNameOf,
  readRabbit,
  type DiskLimitSetting,
  type RabbitView,
} from './rabbit-facts.js';
import { bytes, nodesWithRole, othersFirst, readProbe } from './read.js';
import { reportedNameProblem, reportedNamesCheck } from './reported-names.js';
import type { ActStep, CheckStep, Runbook, RunbookContext, RunbookStep, StepVerdict, VerifyStep } from './types.js';

/** RabbitMQ's default disk_free_limit, used when no broker can tell us the configured one. */
const DEFAULT_LIMIT = 50_000_000;
const CTL_TIMEOUT_MS = 120_000;

/** How RabbitMQ on the node is broken. */
export type RabbitFailureMode = 'inconsistent-cluster' | 'partition' | 'disk-alarm' | 'stopped' | 'healthy';

/** What the heal runbook read before planning. */
export interface RabbitHealSurvey {
  readonly node: string;
  readonly target: RabbitView;
  readonly peers: readonly RabbitView[];
  readonly targetName: string | undefined;
  /** The healthy member to join or to forget the node on, with its RabbitMQ name. */
  readonly anchor: { readonly node: string; readonly name: string; readonly listsTarget: boolean } | undefined;
  readonly believed: readonly string[] | undefined;
  readonly disk: { readonly freeBytes: number; readonly limitBytes: number; readonly source: string; readonly restore: DiskLimitSetting | undefined };
  readonly pacemaker:
    | {
        readonly view: PacemakerClusterState;
        readonly resource: string;
        /** The pacemaker bundle running the broker (TripleO's `rabbitmq-bundle`), when it is one. */
        readonly bundle?: string | undefined;
        readonly failedOnNode: readonly string[];
        readonly runningOnNode: boolean;
      }
    | undefined;
  /** Log signatures seen in the tail of the broker's log. */
  readonly logSignatures: readonly string[];
  readonly mode: RabbitFailureMode;
  readonly why: string;
}

/** The catalog's log signatures that read `file` (selected by their declared sources, not by id). */
async function logSignaturesFor(rctx: RunbookContext, file: string): Promise<LogSignature[]> {
  const catalog = await rctx.catalog();
  return catalog.signatures.filter(isLogSignature).filter((s) => pathMatchesGlobs(file, s.source.logs.paths.map(globToRegExp)));
}

async function logEvidence(rctx: RunbookContext, node: string, rabbitName: string | undefined): Promise<string[]> {
  // The name came from the node: it must not be able to point the read elsewhere.
  if (!rabbitName || reportedNameProblem('rabbit-node', rabbitName)) return [];
  // A classic node logs under /var/log/rabbitmq, a kolla node under its kolla_logs volume, a TripleO
  // node under /var/log/containers.
  let file = '';
  let text = '';
  for (const candidate of [
    `/var/log/rabbitmq/${rabbitName}.log`,
    `${KOLLA_LOG_ROOT}/rabbitmq/${rabbitName}.log`,
    `${TRIPLEO_LOG_ROOT}/rabbitmq/${rabbitName}.log`,
  ]) {
    const r = await rctx.executor.exec(node, remote(sh`tail -n 400 ${candidate}`, { privileged: true }), { timeoutMs: 15_000 });
    if (r.ok && r.exitCode === 0 && r.stdout !== '') {
      file = candidate;
      text = r.stdout;
      break;
    }
  }
  if (text === '') return [];
  const matcher = new LogMatcher(await logSignaturesFor(rctx, file), { referenceYear: new Date().getUTCFullYear() });
  return [...new Set(matcher.scanText(text, { node, file }).map((f) => f.signature))];
}

function members(v: RabbitView): string[] {
  return v.kind === 'running' ? [...new Set([...v.status.diskNodes, ...v.status.ramNodes])] : [];
}

/** Reads everything the heal decides on; read-only. */
export async function surveyRabbit(rctx: RunbookContext, node: string): Promise<RabbitHealSurvey> {
  const controllers = nodesWithRole(rctx.inventory, 'controller');
  const peersOf = controllers.filter((n) => n !== node);
  const [target, ...peers] = await Promise.all([node, ...peersOf].map((n) => readRabbit(rctx, n)));
  if (!target) throw new Error('no target view');
  const healthyPeers = peers.filter((p): p is Extract<RabbitView, { kind: 'running' }> => p.kind === 'running' && p.status.partitions.length === 0);
  const vmUp = target.kind === 'running' || target.kind === 'app-stopped';
  const believed = vmUp ? await believedMembers(rctx, node) : undefined;
  const known = [...new Set([...members(target), ...healthyPeers.flatMap(members), ...(believed ?? [])])];
  const targetName = rabbitNameOf(node, known);
  const anchorView = healthyPeers[0];
  const anchorName = anchorView ? rabbitNameOf(anchorView.node, members(anchorView)) : undefined;
  const anchor =
    anchorView && anchorName
      ? { node: anchorView.node, name: anchorName, listsTarget: targetName !== undefined && members(anchorView).includes(targetName) }
      : undefined;

  const disk = await diskHeadroom(
    rctx,
    node,
    vmUp,
    healthyPeers.map((p) => p.node),
  );
  const pacemaker = await pacemakerFacts(rctx, node, controllers);
  const logs = await logEvidence(rctx, node, targetName);

  const { mode, why } = decideMode({ node, target, targetName, anchor, believed, logs });
  return { node, target, peers, targetName, anchor, believed, disk, pacemaker, logSignatures: logs, mode, why };
}

async function diskHeadroom(rctx: RunbookContext, node: string, vmUp: boolean, peers: readonly string[]): Promise<RabbitHealSurvey['disk']> {
  const facts = vmUp ? await rabbitDiskFacts(rctx, node) : undefined;
  if (facts) {
    const configured = facts.configured?.kind === 'bytes' ? facts.configured.bytes : undefined;
    // A limit raised at run time (set_disk_free_limit) above the configured one is undone by the fix.
    const overridden = facts.configured !== undefined && configured !== facts.limitBytes;
    return {
      freeBytes: facts.freeBytes,
      limitBytes: overridden && configured !== undefined ? configured : facts.limitBytes,
      source: overridden
        ? `RabbitMQ's disk monitor (limit in force ${bytes(facts.limitBytes)}, configured ${facts.configured ? limitArgs(facts.configured).join(' ') : '?'})`
        : "RabbitMQ's disk monitor",
      restore: overridden ? facts.configured : { kind: 'bytes', bytes: facts.limitBytes },
    };
  }
  const df = await readProbe(rctx, node, diskUsage);
  const limit = (await peerLimitBytes(rctx, peers)) ?? DEFAULT_LIMIT;
  if (!df.ok) return { freeBytes: 0, limitBytes: limit, source: `unknown: ${df.problem}`, restore: undefined };
  const mount = [...df.value.mounts]
    .filter((m) => '/var/lib/rabbitmq'.startsWith(m.mountpoint === '/' ? '/' : `${m.mountpoint}/`) || m.mountpoint === '/')
    .sort((a, b) => b.mountpoint.length - a.mountpoint.length)[0];
  return {
    freeBytes: mount?.availBytes ?? 0,
    limitBytes: limit,
    source: `df ${mount?.mountpoint ?? '/'} (broker down; limit from a running peer)`,
    restore: undefined,
  };
}

async function pacemakerFacts(rctx: RunbookContext, node: string, controllers: readonly string[]): Promise<RabbitHealSurvey['pacemaker']> {
  let view: PacemakerClusterState | undefined;
  for (const n of othersFirst(controllers, node)) {
    const r = await readProbe(rctx, n, pacemakerStatus);
    if (r.ok && r.value.running) {
      view = r.value;
      break;
    }
  }
  if (!view) return undefined;
  const rabbit = view.resources.find((r) => /rabbit/i.test(r.agent ?? '') || /rabbit/i.test(r.id));
  if (!rabbit) return undefined;
  // In a bundle, failures are reported on the replica's guest node: they count for its host.
  const failedOnNode = [...new Set(view.failedActions.filter((f) => failureHost(view, f) === node).map((f) => f.resource))];
  const online = view.nodes.some((n) => n.name === node && n.state === 'online');
  return { view, resource: rabbit.id, bundle: bundleOf(view, rabbit.id), failedOnNode, runningOnNode: online };
}

function decideMode(s: {
  node: string;
  target: RabbitView;
  targetName: string | undefined;
  anchor: RabbitHealSurvey['anchor'];
  believed: readonly string[] | undefined;
  logs: readonly string[];
}): { mode: RabbitFailureMode; why: string } {
  const { target, anchor, believed, targetName } = s;
  if (anchor && believed && targetName) {
    const targetListsAnchor = believed.includes(anchor.name);
    if (anchor.listsTarget !== targetListsAnchor) {
      return {
        mode: 'inconsistent-cluster',
        why: targetListsAnchor
          ? `${targetName} thinks it is clustered with ${anchor.name}, but ${anchor.name} disagrees (inconsistent_cluster)`
          : `${anchor.name} lists ${targetName} as a member, but ${targetName} does not (it was reset): inconsistent_cluster`,
      };
    }
    if (!anchor.listsTarget && !targetListsAnchor)
      return { mode: 'inconsistent-cluster', why: `${targetName} is not clustered with ${anchor.name}: it must rejoin` };
  }
  if (target.kind !== 'running' && s.logs.includes('rabbit-inconsistent-cluster') && target.kind === 'app-stopped') {
    return { mode: 'inconsistent-cluster', why: 'the broker log shows inconsistent_cluster at boot' };
  }
  if (target.kind === 'running') {
    if (target.status.partitions.length > 0)
      return {
        mode: 'partition',
        why: `network partition: ${target.status.partitions.map((p) => `${p.node} cannot see ${p.partitionedFrom.join(', ')}`).join('; ')}`,
      };
    const mine = target.status.alarms.filter((a) => targetName === undefined || a.node === targetName);
    if (mine.some((a) => a.kind === 'disk')) return { mode: 'disk-alarm', why: `disk alarm on ${targetName ?? s.node}: publishers are blocked` };
    if (target.status.stoppedNodes.length > 0 && anchor === undefined) return { mode: 'healthy', why: 'running; its peers are the ones down' };
    return { mode: 'healthy', why: `running, clustered with ${target.status.runningNodes.length} members, no alarms, no partitions` };
  }
  const after = s.logs.includes('rabbit-enospc-shutdown') || s.logs.includes('rabbit-disk-alarm') ? ' after a disk alarm (the log shows it)' : '';
  if (target.kind === 'app-stopped') return { mode: 'stopped', why: `the rabbit application is stopped${after}` };
  if (target.kind === 'down') return { mode: 'stopped', why: `RabbitMQ is not running${after}` };
  if (target.kind === 'missing') return { mode: 'healthy', why: 'rabbitmqctl is not installed on this node' };
  return { mode: 'stopped', why: `the broker does not answer (${target.problem})` };
}

function ctl(node: string, description: string, script: ShellScript, onFailure: string): ActStep {
  return { kind: 'act', description, node, command: remote(script, { privileged: true }), timeoutMs: CTL_TIMEOUT_MS, onFailure };
}

function cleanupStep(node: string, resource: string): ActStep {
  return {
    kind: 'act',
    description: `pacemaker: clean up ${resource} on ${node} so it starts again`,
    node,
    command: remote(sh`crm_resource --cleanup --resource ${resource} --node ${node}`, { privileged: true }),
    timeoutMs: CTL_TIMEOUT_MS,
    onFailure: `check \`crm_mon -1\` on ${node}; then /pacemaker cleanup ${node} ${resource}`,
  };
}

function verified(s: RabbitHealSurvey): VerifyStep {
  const expected = new Set([s.targetName, s.anchor?.name].filter((x): x is string => x !== undefined));
  return {
    kind: 'verify',
    description: `RabbitMQ on ${s.node} is running and clustered with every member, no alarms, no partitions`,
    deadlineMs: 180_000,
    intervalMs: 3_000,
    async poll(rctx): Promise<StepVerdict> {
      const v = await readRabbit(rctx, s.node);
      if (v.kind !== 'running') return { ok: false, detail: describeRabbit(v) };
      const st = v.status;
      const missing = [...expected].filter((n) => !st.runningNodes.includes(n));
      if (missing.length || st.stoppedNodes.length || st.alarms.length || st.partitions.length) return { ok: false, detail: describeRabbit(v) };
      return { ok: true, detail: describeRabbit(v) };
    },
    onFailure: `read \`rabbitmqctl cluster_status\` and /var/log/rabbitmq on ${s.node}; run /rabbit status ${s.node}, then /rabbit heal ${s.node} again`,
  };
}

function checks(s: RabbitHealSurvey, busy: BusyNodes, guarded: readonly GuardedService[]): CheckStep[] {
  const out: CheckStep[] = [
    {
      kind: 'check',
      description: `free disk on ${s.node} is above RabbitMQ's disk_free_limit`,
      async run() {
        const d = s.disk;
        if (d.freeBytes < d.limitBytes) {
          return {
            ok: false,
            detail: `${s.node}'s disk has ${bytes(d.freeBytes)} free, below RabbitMQ's disk_free_limit of ${bytes(d.limitBytes)} (${d.source}): RabbitMQ would raise the disk alarm or halt again. Free the disk first`,
            next: `/cluster free-disk ${s.node}`,
          };
        }
        return { ok: true, detail: `${bytes(d.freeBytes)} free, limit ${bytes(d.limitBytes)} (${d.source})` };
      },
    },
    {
      kind: 'check',
      description: `failure mode of RabbitMQ on ${s.node}`,
      async run() {
        const evidence = s.logSignatures.length ? `; log signatures: ${s.logSignatures.join(', ')}` : '';
        if (s.mode === 'healthy') return { ok: false, detail: `nothing to heal: ${describeRabbit(s.target)}${evidence}`, next: `/rabbit status` };
        return { ok: true, detail: `${s.mode}: ${s.why}${evidence}` };
      },
    },
  ];
  if (s.pacemaker && !s.pacemaker.runningOnNode) {
    out.push({
      kind: 'check',
      description: `pacemaker runs on ${s.node} (RabbitMQ there is pacemaker-managed)`,
      async run() {
        return {
          ok: false,
          detail: `RabbitMQ on ${s.node} is managed by pacemaker (${s.pacemaker?.resource ?? ''}), but ${s.node} is not online in pacemaker: fixing RabbitMQ behind pacemaker's back would be undone`,
          next: `/pacemaker restart ${s.node}`,
        };
      },
    });
  }
  if (guarded.length > 0) out.push(quorumGuard({ target: s.node, services: guarded, busy }));
  return out;
}

/**
 * The acts on a kolla node: rabbitmqctl runs inside the `rabbitmq` container, and a broker that is
 * down is brought back by restarting its container (never a host service, which does not exist there).
 */
function kollaActs(s: RabbitHealSurvey, dep: NodeDeployment): ActStep[] {
  const inBroker = (step: ActStep): ActStep =>
    step.command.script.text.startsWith('rabbitmqctl ')
      ? { ...step, command: remote(execInContainer(dep, KOLLA_CONTAINERS.rabbitmq, step.command.script), { privileged: true }) }
      : step;
  if (s.mode === 'stopped' && s.target.kind !== 'app-stopped') {
    const n = s.node;
    return [
      ctl(
        n,
        `restart the ${KOLLA_CONTAINERS.rabbitmq} container on ${n}`,
        containerScript(dep, KOLLA_CONTAINERS.rabbitmq, 'restart'),
        `read ${KOLLA_LOG_ROOT}/rabbitmq/ on ${n}; run /rabbit status ${n}, then /rabbit heal ${n} again`,
      ),
    ];
  }
  return acts(s, 'sysv').map(inBroker);
}

/** Pacemaker's way with a bundle replica on `node`: clean up its failures, or restart it if it has none. */
function bundleStep(node: string, bundle: string, failed: boolean): ActStep {
  return {
    kind: 'act',
    description: failed
      ? `pacemaker: clean up ${bundle}'s failures on ${node} so it starts the replica again`
      : `pacemaker: restart ${bundle}'s replica on ${node}`,
    node,
    command: remote(failed ? bundleCleanupScript(bundle, node) : bundleRestartScript(bundle, node), { privileged: true }),
    timeoutMs: CTL_TIMEOUT_MS,
    onFailure: `check \`pcs status\` on ${node}; then /pacemaker cleanup ${node} ${bundle}`,
  };
}

/**
 * The acts on a TripleO node: rabbitmqctl runs inside the node's replica of the rabbitmq bundle, and
 * pacemaker starts, restarts and cleans up the replica (`pcs` on the bundle), never podman or a
 * host service behind its back.
 */
function tripleoActs(s: RabbitHealSurvey, dep: NodeDeployment): ActStep[] {
  const pcmk = s.pacemaker;
  const bundle = pcmk?.bundle;
  const inBroker = (step: ActStep): ActStep =>
    step.command.script.text.startsWith('rabbitmqctl ')
      ? { ...step, command: remote(execInContainer(dep, KOLLA_CONTAINERS.rabbitmq, step.command.script), { privileged: true }) }
      : step;
  const viaBundle = (step: ActStep): ActStep[] => {
    if (!bundle || !step.command.script.text.startsWith('crm_resource --cleanup')) return [step];
    return [bundleStep(step.node, bundle, true)];
  };
  if (s.mode === 'stopped' && bundle && pcmk) {
    const failed = pcmk.failedOnNode.filter((r) => bundleOf(pcmk.view, r) !== undefined);
    const bundles = [...new Set(failed.map((r) => bundleOf(pcmk.view, r) ?? bundle).filter((b) => b !== bundle)), bundle];
    return bundles.map((b) => bundleStep(s.node, b, b !== bundle || failed.some((r) => bundleOf(pcmk.view, r) === bundle)));
  }
  return acts(s, 'systemd').map(inBroker).flatMap(viaBundle);
}

function acts(s: RabbitHealSurvey, init: 'systemd' | 'sysv'): ActStep[] {
  const n = s.node;
  const again = `run /rabbit status ${n}, then /rabbit heal ${n} again`;
  const pcmk = s.pacemaker;
  switch (s.mode) {
    case 'inconsistent-cluster': {
      const anchor = s.anchor;
      if (!anchor) return [];
      const steps: ActStep[] = [ctl(n, `stop the rabbit application on ${n}`, sh`rabbitmqctl stop_app`, again)];
      // A member that already forgot the node answers not_a_cluster_node: forget only where listed.
      if (anchor.listsTarget && s.targetName) {
        steps.push(
          ctl(
            anchor.node,
            `forget ${s.targetName} on the healthy member ${anchor.node}`,
            sh`rabbitmqctl forget_cluster_node ${s.targetName}`,
            `check \`rabbitmqctl cluster_status\` on ${anchor.node}; ${again}`,
          ),
        );
      }
      steps.push(
        ctl(n, `reset ${n}'s RabbitMQ database`, sh`rabbitmqctl reset`, again),
        ctl(
          n,
          `join ${n} to ${anchor.name}`,
          sh`rabbitmqctl join_cluster ${anchor.name}`,
          `${n} is reset and stopped: start it with \`rabbitmqctl start_app\` after checking ${anchor.node}; ${again}`,
        ),
        ctl(n, `start the rabbit application on ${n}`, sh`rabbitmqctl start_app`, `read /var/log/rabbitmq on ${n}; ${again}`),
      );
      if (pcmk) steps.push(cleanupStep(n, pcmk.resource));
      return steps;
    }
    case 'partition':
      return [
        ctl(n, `stop the rabbit application on ${n} (the partitioned side)`, sh`rabbitmqctl stop_app`, again),
        ctl(n, `start the rabbit application on ${n}; it rejoins its peers`, sh`rabbitmqctl start_app`, again),
        ...(pcmk ? [cleanupStep(n, pcmk.resource)] : []),
      ];
    case 'disk-alarm': {
      const restore = s.disk.restore;
      if (!restore) return [];
      return [
        ctl(
          n,
          `re-apply RabbitMQ's configured disk_free_limit on ${n} so the disk monitor re-checks now`,
          sh`rabbitmqctl set_disk_free_limit ${limitArgs(restore)}`,
          again,
        ),
      ];
    }
    case 'stopped': {
      if (pcmk) {
        // Resources that failed on this node for the same cause (Galera first, it is ordered before
        // RabbitMQ) keep pacemaker from starting what depends on them until they are cleaned up.
        const others = pcmk.failedOnNode.filter((r) => r !== pcmk.resource);
        return [...others, pcmk.resource].map((r) => cleanupStep(n, r));
      }
      if (s.target.kind === 'app-stopped') return [ctl(n, `start the rabbit application on ${n}`, sh`rabbitmqctl start_app`, again)];
      return [ctl(n, `start RabbitMQ on ${n}`, serviceScript(init, 'rabbitmq-server', 'start'), `read /var/log/rabbitmq on ${n}; ${again}`)];
    }
    default:
      return [];
  }
}

/** Builds the heal runbook for `node` from a fresh survey; `busy` holds other nodes' lock holders. */
export async function buildRabbitHeal(rctx: RunbookContext, node: string, busy: BusyNodes = new Map()): Promise<Runbook> {
  const s = await surveyRabbit(rctx, node);
  const dep = await detectDeployment(rctx, node);
  const init =
    s.mode === 'stopped' && !s.pacemaker && s.target.kind !== 'app-stopped' && !isKolla(dep) && !isTripleo(dep) ? await detectInit(rctx, node) : 'sysv';
  const guarded: GuardedService[] = s.mode === 'disk-alarm' || s.mode === 'healthy' ? [] : ['rabbitmq'];
  if (s.mode === 'stopped' && s.pacemaker?.failedOnNode.some((r) => /mysql|galera|maria/i.test(r))) guarded.push('galera');
  const planned = isTripleo(dep) ? tripleoActs(s, dep) : isKolla(dep) && !s.pacemaker ? kollaActs(s, dep) : acts(s, init);
  const names = reportedNamesCheck([
    ...(s.targetName ? [{ kind: 'rabbit-node' as const, value: s.targetName, from: node }] : []),
    ...(s.anchor ? [{ kind: 'rabbit-node' as const, value: s.anchor.name, from: s.anchor.node }] : []),
    ...(s.pacemaker
      ? [s.pacemaker.resource, ...s.pacemaker.failedOnNode].map((value) => ({ kind: 'pacemaker-id' as const, value, from: `crm_mon on ${node}` }))
      : []),
  ]);
  const steps: RunbookStep[] = [...(names ? [names] : []), ...checks(s, busy, guarded)];
  if (s.mode === 'inconsistent-cluster' && !s.anchor) {
    steps.push({
      kind: 'check',
      description: 'a healthy RabbitMQ member to rejoin',
      run: async () => ({ ok: false, detail: 'no other RabbitMQ member is running without partitions: there is nothing to join', next: '/rabbit status' }),
    });
  }
  steps.push(...planned, verified(s));
  return {
    id: 'rabbit-heal',
    title: `Heal RabbitMQ on ${node}`,
    nodes: [...new Set([node, ...planned.map((a) => a.node)])],
    steps,
    async stateNow(r) {
      const v = await readRabbit(r, node);
      return describeRabbit(v);
    },
    followUp: servicesStillDown,
  };
}
