/**
 * `/compute fix-libvirt NODE`: the seed's compute fix. nova-compute came back after a reboot while
 * libvirt's socket was gone, and it does not retry: stop nova-compute, restart libvirtd, wait for
 * the socket, start nova-compute, verify nova reports the service up.
 */
import { daemonOf, LIBVIRT_SOCKETS, libvirtStatus, type LibvirtDaemon, type LibvirtStatus } from '../probes/libvirt-status.js';
import { novaServices } from '../probes/nova-services.js';
import { remote } from '../ssh/shell.js';
import { containerScript, isKolla, isTripleo } from '../deployment/acts.js';
import { detectDeployment } from '../deployment/detect-node.js';
import { KOLLA_CONTAINERS, KOLLA_LOG_ROOT } from '../deployment/kolla.js';
import { TRIPLEO_CONTAINERS, TRIPLEO_LOG_ROOT } from '../deployment/tripleo.js';
import { detectInit, serviceScript, stopIfRunningScript } from './init-services.js';
import { readRabbit } from './rabbit-facts.js';
import { nodesWithRole, readApi, readProbe, sameHost, whereRead } from './read.js';
import type { Runbook, RunbookContext, StepVerdict } from './types.js';

const SERVICE_TIMEOUT_MS = 90_000;

async function novaComputeState(rctx: RunbookContext, node: string): Promise<StepVerdict> {
  const r = await readApi(rctx, novaServices);
  const where = whereRead(rctx, r, novaServices);
  if (!r.ok) return { ok: false, detail: `nova service list unavailable: ${r.problem}` };
  const svc = r.value.services.find((s) => s.binary === 'nova-compute' && sameHost(s.host, node));
  if (!svc) return { ok: false, detail: `no nova-compute service for ${node} in the service list${where}` };
  if (svc.state === 'up') return { ok: true, detail: `nova-compute on ${svc.host} is up (${svc.status})${where}` };
  return { ok: false, detail: `nova-compute on ${svc.host} is down (last heartbeat ${svc.updatedAt ?? 'unknown'})${where}` };
}

/** Builds the libvirt fix for compute `node`, with `systemctl` or `service` as the node uses. */
export async function buildFixLibvirt(rctx: RunbookContext, node: string): Promise<Runbook> {
  const [init, dep] = await Promise.all([detectInit(rctx, node), detectDeployment(rctx, node)]);
  const tripleo = isTripleo(dep);
  const kolla = isKolla(dep) || tripleo;
  // On kolla and TripleO, nova-compute and libvirtd are the nova_compute and nova_libvirt containers
  // (nova_virtqemud on TripleO since Wallaby): they are stopped, restarted and started as containers
  // (through their systemd units where those run them), never as host services.
  const nova = kolla ? KOLLA_CONTAINERS.novaCompute : 'nova-compute';
  const before = await readProbe(rctx, node, libvirtStatus);
  // The node's container list tells monolithic libvirt from the modular daemons (OSP 17's
  // nova_virtqemud); on a classic host (RHEL 9's modular virtqemud) the probe's reading does.
  const modular = kolla ? dep.containers.includes(TRIPLEO_CONTAINERS.novaVirtqemud) : before.ok && daemonOf(before.value) === 'virtqemud';
  const daemon: LibvirtDaemon = modular ? 'virtqemud' : 'libvirtd';
  const socket = LIBVIRT_SOCKETS[daemon];
  const libvirt =
    modular && kolla ? TRIPLEO_CONTAINERS.novaVirtqemud : tripleo ? TRIPLEO_CONTAINERS.novaLibvirt : kolla ? KOLLA_CONTAINERS.novaLibvirt : daemon;
  const describe = (v: LibvirtStatus, missing: string): string =>
    `socket ${v.socketPresent ? 'present' : missing}, ${daemonOf(v)} ${v.daemonRunning ? 'running' : 'stopped'}`;
  const stopNova = kolla ? containerScript(dep, nova, 'stop') : stopIfRunningScript(init, 'nova-compute');
  const startNova = kolla ? containerScript(dep, nova, 'start') : serviceScript(init, 'nova-compute', 'start');
  const logOf = (service: string): string =>
    kolla
      ? `${tripleo ? TRIPLEO_LOG_ROOT : KOLLA_LOG_ROOT}/${service === 'libvirtd' ? 'libvirt' : 'nova'}/`
      : service === 'libvirtd'
        ? modular
          ? `journalctl -u ${daemon}`
          : '/var/log/libvirt/libvirtd.log'
        : '/var/log/nova/nova-compute.log';
  const controllers = nodesWithRole(rctx.inventory, 'controller');
  const svc = (script: Parameters<typeof remote>[0]) => remote(script, { privileged: true });
  const again = `run /compute fix-libvirt ${node} again once the cause is fixed`;
  return {
    id: 'compute-fix-libvirt',
    title: `Fix libvirt and nova-compute on ${node}`,
    nodes: [node],
    steps: [
      {
        kind: 'check',
        description: `RabbitMQ is healthy (nova-compute reports up through it)`,
        async run(r) {
          const views = await Promise.all(controllers.map((c) => readRabbit(r, c)));
          const bad = views.filter((v) => v.kind !== 'missing' && (v.kind !== 'running' || v.status.alarms.length > 0 || v.status.partitions.length > 0));
          if (bad.length === 0) return { ok: true, detail: 'every broker running, no alarms, no partitions' };
          const first = bad[0]?.node ?? '';
          return {
            ok: false,
            detail: `nova-compute cannot report up while RabbitMQ is broken on ${bad.map((v) => v.node).join(', ')}: heal it first`,
            next: `/rabbit heal ${first}`,
          };
        },
      },
      {
        kind: 'check',
        description: `${node} needs the fix (libvirt socket or nova-compute down)`,
        async run(r) {
          const lib = before.ok ? describe(before.value, 'MISSING') : before.problem;
          const nova = await novaComputeState(r, node);
          if (before.ok && before.value.socketPresent && before.value.daemonRunning && nova.ok)
            return { ok: false, detail: `nothing to fix on ${node}: ${lib}; ${nova.detail ?? ''}`, next: '/cluster status' };
          return {
            ok: true,
            detail: `${lib}; ${nova.ok ? (nova.detail ?? '') : nova.detail} (${kolla ? `${dep.deployment}, ${dep.engine ?? 'docker'}` : `init: ${init}`})`,
          };
        },
      },
      {
        kind: 'act',
        description: `stop ${nova} on ${node}`,
        node,
        command: svc(stopNova),
        timeoutMs: SERVICE_TIMEOUT_MS,
        onFailure: `check nova-compute on ${node}; ${again}`,
      },
      ...(kolla
        ? [
            {
              kind: 'act' as const,
              description: `restart the ${libvirt} container on ${node}`,
              node,
              command: svc(containerScript(dep, libvirt, 'restart')),
              timeoutMs: SERVICE_TIMEOUT_MS,
              onFailure: `${nova} is stopped on ${node}: read ${logOf('libvirtd')} there; ${again}`,
            },
          ]
        : [
            {
              kind: 'act' as const,
              description: `stop ${daemon} on ${node}`,
              node,
              command: svc(stopIfRunningScript(init, daemon)),
              timeoutMs: SERVICE_TIMEOUT_MS,
              onFailure: `nova-compute is stopped on ${node}; check ${daemon} there; ${again}`,
            },
            // With socket activation the socket unit owns virtqemud-sock: restarting it makes the socket again.
            ...(modular
              ? [
                  {
                    kind: 'act' as const,
                    description: `restart virtqemud.socket on ${node}`,
                    node,
                    command: svc(serviceScript(init, 'virtqemud.socket', 'restart')),
                    timeoutMs: SERVICE_TIMEOUT_MS,
                    onFailure: `nova-compute and virtqemud are stopped on ${node}: read ${logOf('libvirtd')} there; ${again}`,
                  },
                ]
              : []),
            {
              kind: 'act' as const,
              description: `start ${daemon} on ${node}`,
              node,
              command: svc(serviceScript(init, daemon, 'start')),
              timeoutMs: SERVICE_TIMEOUT_MS,
              onFailure: `nova-compute and ${daemon} are stopped on ${node}: read ${logOf('libvirtd')} there; ${again}`,
            },
          ]),
      {
        kind: 'verify',
        description: `${daemon} runs and ${socket} exists on ${node}`,
        deadlineMs: 60_000,
        intervalMs: 2_000,
        async poll(r) {
          const lib = await readProbe(r, node, libvirtStatus);
          if (!lib.ok) return { ok: false, detail: lib.problem };
          const detail = describe(lib.value, 'missing');
          return lib.value.socketPresent && lib.value.daemonRunning ? { ok: true, detail } : { ok: false, detail };
        },
        onFailure: `${nova} is stopped on ${node} and libvirt has no socket: read ${logOf('libvirtd')} there; ${again}`,
      },
      {
        kind: 'act',
        description: `start ${nova} on ${node}`,
        node,
        command: svc(startNova),
        timeoutMs: SERVICE_TIMEOUT_MS,
        onFailure: `libvirt is back but ${nova} did not start on ${node}: read ${logOf('nova-compute')}; ${again}`,
      },
      {
        kind: 'verify',
        description: `nova reports nova-compute on ${node} up`,
        deadlineMs: 180_000,
        intervalMs: 5_000,
        poll: (r) => novaComputeState(r, node),
        onFailure: `read ${logOf('nova-compute')} on ${node} (libvirt connection, AMQP); then /compute fix-libvirt ${node} again`,
      },
    ],
    async stateNow(r) {
      const [lib, nova] = await Promise.all([readProbe(r, node, libvirtStatus), novaComputeState(r, node)]);
      const libText = lib.ok ? `libvirt ${describe(lib.value, 'missing')}` : lib.problem;
      return `${libText}; ${nova.detail ?? ''}`;
    },
  };
}
