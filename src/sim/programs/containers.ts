/**
 * `docker` on kolla-ansible nodes and `podman` on TripleO nodes: every daemon of the state model is
 * a container of the deployment's name (`rabbitmq-server` runs in kolla's `rabbitmq`, in TripleO's
 * bundle replica `rabbitmq-bundle-podman-0`; libvirtd in `nova_libvirt`). `ps` lists them,
 * `container inspect NAME` tells whether one exists,
 * `exec NAME CMD...` runs CMD in the node's shell (the model has one process table per node),
 * `restart|stop|start NAME` drive the same state transitions as the init scripts.
 */
import { restartService, startService, stopService } from '../state/actions.js';
import { isRunning, rabbitRunning } from '../state/derive.js';
import { bundleContainerOf, CLUSTER_STACK, tripleoBundleResources } from '../state/topology.js';
import { shellQuote } from '../../ssh/shell.js';
import type { ClusterState, SimNode } from '../state/types.js';
import { fail, result, type ProgramContext, type ProgramDef, type ProgramResult } from '../shell/types.js';

/** TripleO's container names where they differ from kolla's (tripleo-heat-templates' deployment/neutron/*). */
const TRIPLEO_NAMES: Readonly<Record<string, string>> = {
  'neutron-openvswitch-agent': 'neutron_ovs_agent',
  'neutron-dhcp-agent': 'neutron_dhcp',
  'neutron-ovn-metadata-agent': 'ovn_metadata_agent',
};

/** kolla's container name for a daemon of the model (TripleO's with `tripleo`, for its plain containers). */
export function containerOf(service: string, tripleo = false): string {
  if (tripleo && TRIPLEO_NAMES[service]) return TRIPLEO_NAMES[service] ?? service;
  if (service === 'rabbitmq-server') return 'rabbitmq';
  if (service === 'mysql') return 'mariadb';
  if (service === 'libvirtd') return 'nova_libvirt';
  return service.replace(/-/g, '_');
}

/** The container a daemon runs in on `node`: the release's own name where the node has one, else the deployment's. */
export function containerNameOn(node: SimNode, service: string): string {
  return node.containerNames?.get(service) ?? containerOf(service, node.deployment === 'tripleo');
}

/** One container on a node: its name, the daemon it runs, and whether it runs. */
interface SimContainer {
  readonly name: string;
  readonly service: string;
  readonly up: boolean;
}

/** The node's containers: kolla's one per daemon; on TripleO, pacemaker's bundle replicas and a plain container per other daemon. */
export function containersOn(c: ClusterState, node: SimNode): SimContainer[] {
  const out: SimContainer[] = [];
  const tripleo = node.deployment === 'tripleo';
  for (const service of node.services.keys()) {
    if (tripleo && (CLUSTER_STACK as readonly string[]).includes(service)) continue;
    const bundle = tripleo ? tripleoBundleResources(c).find((r) => r.service === service) : undefined;
    if (bundle) {
      // pacemaker runs the replica's container (pacemaker-remoted inside) whatever the broker does.
      const running = isRunning(node, 'pacemaker') && !c.disabledResources.has(bundle.id) && (bundle.bundle?.primitive || isRunning(node, service));
      out.push({ name: bundleContainerOf(c, bundle, node), service, up: running });
      continue;
    }
    out.push({ name: containerNameOn(node, service), service, up: up(node, service) });
  }
  return out;
}

function serviceOf(c: ClusterState, node: SimNode, container: string): string | undefined {
  return containersOn(c, node).find((x) => x.name === container)?.service;
}

function containerUp(c: ClusterState, node: SimNode, container: string): boolean {
  return containersOn(c, node).find((x) => x.name === container)?.up ?? false;
}

/** A container is up while its daemon is (RabbitMQ's while the broker runs: it halts on its disk alarm). */
function up(node: SimNode, service: string): boolean {
  return service === 'rabbitmq-server' ? rabbitRunning(node) : isRunning(node, service);
}

/** A stable fake container id per name, as `docker ps` prints it. */
function idOf(container: string): string {
  let h = 0;
  for (const c of container) h = (h * 31 + c.charCodeAt(0)) >>> 0;
  return h.toString(16).padStart(8, '0').repeat(2).slice(0, 12);
}

function ps(ctx: ProgramContext, args: readonly string[]): ProgramResult {
  const all = args.includes('-a') || args.includes('--all');
  const fi = args.findIndex((a) => a === '--format' || a.startsWith('--format='));
  const format = fi < 0 ? undefined : args[fi]?.startsWith('--format=') ? args[fi]?.slice('--format='.length) : args[fi + 1];
  const rows = containersOn(ctx.cluster, ctx.node)
    .map((x) => ({ name: x.name, running: x.up, since: ctx.node.services.get(x.service)?.since ?? 0 }))
    .filter((r) => all || r.running)
    .sort((a, b) => a.name.localeCompare(b.name));
  if (format !== undefined)
    return result(rows.map((r) => `${format.replace(/\{\{\s*\.Names\s*\}\}/g, r.name).replace(/\{\{\s*\.ID\s*\}\}/g, idOf(r.name))}\n`).join(''));
  const now = ctx.cluster.clock.now();
  const lines = rows.map((r) => {
    const mins = Math.max(1, Math.floor((now - r.since) / 60_000));
    const status = r.running ? `Up ${mins} minutes` : `Exited (1) ${mins} minutes ago`;
    return `${idOf(r.name)}   quay.io/openstack.kolla/${r.name.replace(/_/g, '-')}:2024.1-ubuntu-jammy   "dumb-init --single-…"   ${status.padEnd(28)}   ${r.name}`;
  });
  return result(['CONTAINER ID   IMAGE   COMMAND   STATUS   NAMES', ...lines].map((l) => `${l}\n`).join(''));
}

async function engine(ctx: ProgramContext): Promise<ProgramResult> {
  const [verb, ...rest] = ctx.args;
  if (verb === 'ps') return ps(ctx, rest);
  if ((verb === 'container' && rest[0] === 'inspect') || verb === 'inspect') {
    const names = (verb === 'inspect' ? rest : rest.slice(1)).filter((a) => !a.startsWith('-'));
    const missing = names.find((n) => serviceOf(ctx.cluster, ctx.node, n) === undefined);
    if (missing !== undefined || names.length === 0) return fail(`Error: No such container: ${missing ?? ''}`, 1, '[]\n');
    return result(`${JSON.stringify(names.map((n) => ({ Id: idOf(n), Name: `/${n}`, State: { Running: containerUp(ctx.cluster, ctx.node, n) } })))}\n`);
  }
  if (verb === 'exec') {
    const args = [...rest];
    // Options before the container name (`-u root`, `-it`), as docker accepts them.
    while (args[0]?.startsWith('-')) {
      const opt = args.shift() ?? '';
      if (opt === '-u' || opt === '--user' || opt === '-e' || opt === '-w') args.shift();
    }
    const [name, ...argv] = args;
    if (!name || argv.length === 0) return fail(`"${ctx.name} exec" requires at least 2 arguments.`, 1);
    const svc = serviceOf(ctx.cluster, ctx.node, name);
    if (!svc) return fail(`Error response from daemon: No such container: ${name}`, 1);
    if (!containerUp(ctx.cluster, ctx.node, name)) return fail(`Error response from daemon: container ${idOf(name)} is not running`, 1);
    // The command runs as inside the container: the engine sets `container` in its environment.
    return ctx.runScript(argv.map(shellQuote).join(' '), ctx.stdin, new Map([['container', ctx.name]]));
  }
  if (verb === 'restart' || verb === 'stop' || verb === 'start') {
    let out = '';
    for (const name of rest.filter((a) => !a.startsWith('-'))) {
      const svc = serviceOf(ctx.cluster, ctx.node, name);
      if (!svc) return fail(`Error response from daemon: No such container: ${name}`, 1, out);
      const r =
        verb === 'restart'
          ? restartService(ctx.cluster, ctx.node, svc)
          : verb === 'stop'
            ? stopService(ctx.cluster, ctx.node, svc)
            : startService(ctx.cluster, ctx.node, svc);
      // A container whose process exits at once (RabbitMQ on a full disk) is restarted, then gone again.
      if (!r.ok && verb !== 'stop') return fail(`Error response from daemon: Cannot ${verb} container ${name}: the container exited (${r.reason})`, 1, out);
      out += `${name}\n`;
    }
    return result(out);
  }
  return fail(`${ctx.name}: '${verb ?? ''}' is not a ${ctx.name} command.\nSee '${ctx.name} --help'`, 1);
}

/** Where podman keeps its storage: a kolla node that has it was deployed with `kolla_container_engine: podman`. */
export const PODMAN_STORAGE = '/var/lib/containers/storage';

/** The engine a node's containers run on: podman on TripleO and on kolla nodes with podman's storage, docker on the other kolla nodes. */
export function engineOf(node: SimNode): 'docker' | 'podman' | undefined {
  if (node.deployment === 'tripleo') return 'podman';
  if (node.deployment === 'kolla-ansible') return node.fs.exists(PODMAN_STORAGE) ? 'podman' : 'docker';
  return undefined;
}

/** The container engines: docker on the simulated kolla nodes (kolla-ansible's default), podman on TripleO's and on kolla's podman variant. */
export const containerPrograms: Record<string, ProgramDef> = {
  docker: { deployments: ['kolla-ansible'], installedOn: (n) => engineOf(n) === 'docker', run: engine },
  podman: { deployments: ['kolla-ansible', 'tripleo'], installedOn: (n) => engineOf(n) === 'podman', run: engine },
};
