/**
 * `docker` on kolla-ansible nodes: every daemon of the state model is a container of
 * kolla's name (`rabbitmq-server` runs in `rabbitmq`, libvirtd in `nova_libvirt`). `ps` lists them,
 * `container inspect NAME` tells whether one exists,
 * `exec NAME CMD...` runs CMD in the node's shell (the model has one process table per node),
 * `restart|stop|start NAME` drive the same state transitions as the init scripts.
 */
import { restartService, startService, stopService } from '../state/actions.js';
import { isRunning, rabbitRunning } from '../state/derive.js';
import type { SimNode } from '../state/types.js';
import { fail, result, type ProgramContext, type ProgramDef, type ProgramResult } from '../shell/types.js';

/** kolla's container name for a daemon of the model. */
export function containerOf(service: string): string {
  if (service === 'rabbitmq-server') return 'rabbitmq';
  if (service === 'mysql') return 'mariadb';
  if (service === 'libvirtd') return 'nova_libvirt';
  return service.replace(/-/g, '_');
}

function serviceOf(node: SimNode, container: string): string | undefined {
  return [...node.services.keys()].find((s) => containerOf(s) === container);
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
  const rows = [...ctx.node.services.keys()]
    .map((s) => ({ name: containerOf(s), running: up(ctx.node, s), since: ctx.node.services.get(s)?.since ?? 0 }))
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
    const missing = names.find((n) => serviceOf(ctx.node, n) === undefined);
    if (missing !== undefined || names.length === 0) return fail(`Error: No such container: ${missing ?? ''}`, 1, '[]\n');
    return result(`${JSON.stringify(names.map((n) => ({ Id: idOf(n), Name: `/${n}`, State: { Running: up(ctx.node, serviceOf(ctx.node, n) ?? '') } })))}\n`);
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
    const svc = serviceOf(ctx.node, name);
    if (!svc) return fail(`Error response from daemon: No such container: ${name}`, 1);
    if (!up(ctx.node, svc)) return fail(`Error response from daemon: container ${idOf(name)} is not running`, 1);
    return ctx.run(argv, ctx.stdin, ctx.signal);
  }
  if (verb === 'restart' || verb === 'stop' || verb === 'start') {
    let out = '';
    for (const name of rest.filter((a) => !a.startsWith('-'))) {
      const svc = serviceOf(ctx.node, name);
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

/** The container engine of the simulated kolla nodes (kolla-ansible's default, docker). */
export const containerPrograms: Record<string, ProgramDef> = {
  docker: { deployments: ['kolla-ansible'], run: engine },
};
