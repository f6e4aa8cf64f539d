/** `systemctl` (systemd nodes only) and `service` (both), driving the state transitions. */
import { restartService, startService, stopService, type ActionResult } from '../state/actions.js';
import { isRunning, rabbitRunning } from '../state/derive.js';
import { CLUSTER_STACK } from '../state/topology.js';
import type { SimNode } from '../state/types.js';
import { containerNameOn } from './containers.js';
import { fail, result, type ProgramContext, type ProgramDef, type ProgramResult } from '../shell/types.js';

const ALIASES: Record<string, string> = {
  'libvirt-bin': 'libvirtd',
  mariadb: 'mysql',
  mysqld: 'mysql',
  rabbitmq: 'rabbitmq-server',
  'neutron-plugin-openvswitch-agent': 'neutron-openvswitch-agent',
  pacemakerd: 'pacemaker',
};

/**
 * The node's service name for what the operator typed (`libvirtd.service`, `libvirt-bin`). A
 * TripleO node has no host service for what runs in containers: only pacemaker's own stack and the
 * `tripleo_<container>` units tripleo-ansible writes (pacemaker's bundles have none).
 */
export function resolveService(node: SimNode, typed: string): string | undefined {
  const bare = typed.replace(/\.service$/, '');
  if (node.deployment === 'tripleo') {
    const container = /^tripleo_(.+)$/.exec(bare)?.[1];
    if (container === undefined) return (CLUSTER_STACK as readonly string[]).includes(ALIASES[bare] ?? bare) ? (ALIASES[bare] ?? bare) : undefined;
    const fileExists = node.fs.exists(`/etc/systemd/system/tripleo_${container}.service`);
    return fileExists ? [...node.services.keys()].find((s) => containerNameOn(node, s) === container) : undefined;
  }
  const name = ALIASES[bare] ?? bare;
  return node.services.has(name) ? name : undefined;
}

function active(node: SimNode, service: string): boolean {
  return service === 'rabbitmq-server' ? rabbitRunning(node) || isRunning(node, service) : isRunning(node, service);
}

function apply(ctx: ProgramContext, service: string, verb: string): ActionResult | undefined {
  if (verb === 'start') return startService(ctx.cluster, ctx.node, service);
  if (verb === 'stop') return stopService(ctx.cluster, ctx.node, service);
  if (verb === 'restart' || verb === 'force-reload' || verb === 'reload') return restartService(ctx.cluster, ctx.node, service);
  return undefined;
}

function systemctl(ctx: ProgramContext): ProgramResult {
  const args = ctx.args.filter((a) => !a.startsWith('-'));
  const quiet = ctx.args.includes('-q') || ctx.args.includes('--quiet');
  const [verb, ...units] = args;
  if (!verb) return fail('systemctl: missing verb', 1);
  let out = '';
  let code = 0;
  for (const unit of units) {
    const svc = resolveService(ctx.node, unit);
    const u = `${unit.replace(/\.service$/, '')}.service`;
    if (verb === 'is-active') {
      const a = svc !== undefined && active(ctx.node, svc);
      if (!quiet) out += a ? 'active\n' : svc && ctx.node.pacemakerFailures.length > 0 && svc === 'rabbitmq-server' ? 'failed\n' : 'inactive\n';
      if (!a) code = 3;
      continue;
    }
    if (!svc) return fail(verb === 'status' ? `Unit ${u} could not be found.` : `Failed to ${verb} ${u}: Unit ${u} not found.`, verb === 'status' ? 4 : 5);
    if (verb === 'status') {
      const s = ctx.node.services.get(svc);
      const on = active(ctx.node, svc);
      out += `\u25cf ${u}\n     Loaded: loaded (/lib/systemd/system/${u}; enabled; vendor preset: enabled)\n     Active: ${on ? `active (running) since ${new Date(s?.since ?? 0).toUTCString()}` : 'inactive (dead)'}\n${on ? `   Main PID: ${s?.pid ?? 0} (${svc})\n` : ''}`;
      if (!on) code = 3;
      continue;
    }
    const r = apply(ctx, svc, verb);
    if (!r) return fail(`Unknown command verb ${verb}.`, 1);
    if (!r.ok) {
      return fail(
        `Job for ${u} failed because the control process exited with error code.\nSee "systemctl status ${u}" and "journalctl -xeu ${u}" for details.`,
        1,
        out,
      );
    }
  }
  return result(out, '', code);
}

function service(ctx: ProgramContext): ProgramResult {
  const [name, verb] = ctx.args;
  if (!name) return fail('Usage: service < option > | --status-all | [ service_name [ command | --full-restart ] ]', 1);
  const svc = resolveService(ctx.node, name);
  if (!svc) return fail(`${name}: unrecognized service`, 1);
  const line = (): string => {
    const s = ctx.node.services.get(svc);
    return active(ctx.node, svc) ? `${name} start/running, process ${s?.pid ?? 0}\n` : `${name} stop/waiting\n`;
  };
  if (verb === 'status') return result(line(), '', active(ctx.node, svc) ? 0 : 3);
  if (verb === undefined) return fail(`Usage: /etc/init.d/${name} {start|stop|restart|status}`, 1);
  if (verb === 'stop' && !active(ctx.node, svc) && svc !== 'rabbitmq-server') return fail('stop: Unknown instance: ', 1);
  if (verb === 'start' && active(ctx.node, svc) && !(svc === 'rabbitmq-server' && !rabbitRunning(ctx.node)))
    return fail('start: Job is already running: ' + name, 1);
  const r = apply(ctx, svc, verb);
  if (!r) return fail(`Usage: /etc/init.d/${name} {start|stop|restart|status}`, 1);
  if (!r.ok) return fail(`start: Job failed to start`, 1);
  return result(line());
}

/** Service managers. */
export const servicePrograms: Record<string, ProgramDef> = {
  systemctl: { init: 'systemd', run: systemctl },
  service: { run: service },
};
