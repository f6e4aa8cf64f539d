/** Pacemaker's CLI: crm_mon, crm (crmsh), pcs and crm_resource, on controllers. */
import { CRM_MON_NOT_CONNECTED_TEXT, renderCrmMonNotConnectedXml, renderCrmMonText, renderCrmMonXml } from '../render/crm-mon.js';
import { cleanupResource, restartResource, restartService, setResourceTarget, startService, stopService } from '../state/actions.js';
import { isRunning } from '../state/derive.js';
import { findResource, PACEMAKER_VIPS } from '../state/topology.js';
import { fail, result, type ProgramContext, type ProgramDef, type ProgramResult } from '../shell/types.js';

function crmMon(ctx: ProgramContext): ProgramResult {
  const xml = ctx.args.some((a) => a === '--output-as=xml' || a === '--as-xml' || a === '-X' || (a === 'xml' && ctx.args.includes('--output-as')));
  const request = ['crm_mon', ...ctx.args].join(' ');
  if (!isRunning(ctx.node, 'pacemaker')) {
    return xml ? result(renderCrmMonNotConnectedXml(request), '', 102) : fail(CRM_MON_NOT_CONNECTED_TEXT, 102);
  }
  return result(xml ? renderCrmMonXml(ctx.cluster, request) : renderCrmMonText(ctx.cluster));
}

const NOT_CONNECTED = 'Error signing on to the CIB service: Transport endpoint is not connected\n';

function resourceCommand(ctx: ProgramContext, verb: string, id: string | undefined, node: string | undefined): ProgramResult {
  if (!isRunning(ctx.node, 'pacemaker')) return fail(NOT_CONNECTED, 102);
  // A cleanup without a resource cleans up every resource (on the node given, if any).
  if (!id && (verb === 'cleanup' || verb === 'refresh')) {
    const cleaned = cleanupResource(ctx.cluster, undefined, node);
    return result(cleaned.map((n) => `Cleaned up all resources on ${n.name}\n`).join('') + 'Waiting for 1 reply from the controller\n... got reply (done)\n');
  }
  if (!id) return fail(`ERROR: resource ${verb}: missing resource id`, 1);
  const r = findResource(id, ctx.cluster);
  const isVip = PACEMAKER_VIPS.some((v) => v.id === id);
  if (!r && !isVip) return fail(`ERROR: resource ${id} does not exist`, 1);
  if (node !== undefined && !ctx.cluster.controllers.some((n) => n.name === node)) return fail(`ERROR: node ${node} does not exist`, 1);
  switch (verb) {
    case 'cleanup':
    case 'refresh': {
      const cleaned = cleanupResource(ctx.cluster, r, node);
      const name = r?.id ?? id;
      return result(cleaned.map((n) => `Cleaned up ${name} on ${n.name}\n`).join('') + 'Waiting for 1 reply from the controller\n... got reply (done)\n');
    }
    case 'restart':
      if (r) restartResource(ctx.cluster, r, node);
      if (ctx.name === 'pcs') return result(`${id} successfully restarted\n`);
      return result(`INFO: ordering ${id} to stop\nwaiting for stop to finish .. done\nINFO: ordering ${id} to start\n`);
    case 'stop':
    case 'start':
      if (r) setResourceTarget(ctx.cluster, r, verb === 'start');
      return result('');
    case 'status':
      return result(
        `resource ${id} is running on: ${ctx.cluster.controllers
          .filter((n) => r && isRunning(n, r.service))
          .map((n) => n.name)
          .join(' ')}\n`,
      );
    default:
      return fail(`ERROR: resource.${verb}: unknown command`, 1);
  }
}

function crm(ctx: ProgramContext): ProgramResult {
  const [group, verb, id, node] = ctx.args;
  if (group === 'status') return crmMon({ ...ctx, args: ['-1'] });
  if (group === 'resource' && verb) return resourceCommand(ctx, verb, id, node);
  if (group === 'cluster' && (verb === 'stop' || verb === 'start' || verb === 'restart')) return clusterStack(ctx, verb);
  return fail(`ERROR: ${ctx.args.join(' ')}: unknown command`, 1);
}

function clusterStack(ctx: ProgramContext, verb: string): ProgramResult {
  if (verb === 'stop') {
    stopService(ctx.cluster, ctx.node, 'pacemaker');
    return result('Stopping Cluster (pacemaker)...\nStopping Cluster (corosync)...\n');
  }
  if (verb === 'restart') restartService(ctx.cluster, ctx.node, 'pacemaker');
  else startService(ctx.cluster, ctx.node, 'pacemaker');
  return result('Starting Cluster...\n');
}

/**
 * Where pcs keeps the version `pcs --version` prints (pcs/settings_default.py: `pcs_version = "0.10.8"`);
 * a node without the file runs RHEL 8's 0.10.8.
 */
export const PCS_SETTINGS_FILE = '/usr/lib/python3.6/site-packages/pcs/settings_default.py';

function pcsVersion(ctx: ProgramContext): string {
  const e = ctx.node.fs.get(PCS_SETTINGS_FILE);
  return (e && /^pcs_version = "([^"]+)"$/m.exec(ctx.node.fs.read(e))?.[1]) ?? '0.10.8';
}

/** pcs 0.9 takes `cleanup [RES] [--node NODE]` and refuses more words; 0.10+ takes `node=NODE` and refuses `--node`. */
function pcsCleanupArgs(ctx: ProgramContext, rest: readonly string[]): ProgramResult | { id: string | undefined; node: string | undefined } {
  const old = pcsVersion(ctx).startsWith('0.9.');
  const at = rest.indexOf('--node');
  const words = rest.filter((a, i) => !a.startsWith('-') && (at < 0 || i !== at + 1));
  if (old) {
    if (words.length > 1) return fail('', 1, '\nUsage: pcs resource cleanup...\n    cleanup [<resource id>] [--node <node>] [--strict]\n');
    return { id: words[0], node: at < 0 ? undefined : rest[at + 1] };
  }
  if (at >= 0) return fail("Error: Specified option '--node' is not supported in this command\n", 1);
  return { id: words.find((a) => !a.includes('=')), node: words.find((a) => a.startsWith('node='))?.slice(5) };
}

function pcs(ctx: ProgramContext): ProgramResult {
  const [group, verb, ...rest] = ctx.args;
  if (group === '--version') return result(`${pcsVersion(ctx)}\n`);
  if (group === 'resource' && verb === 'cleanup') {
    const parsed = pcsCleanupArgs(ctx, rest);
    return 'code' in parsed ? parsed : resourceCommand(ctx, verb, parsed.id, parsed.node);
  }
  if (group === 'status') return crmMon({ ...ctx, args: ['-1'] });
  if (group === 'cluster' && verb && ['stop', 'start'].includes(verb)) return clusterStack(ctx, verb);
  if (group === 'resource' && verb) {
    const id = rest.find((a) => !a.includes('=') && !a.startsWith('-'));
    const nodeArg = rest.find((a) => a.startsWith('node='))?.slice(5) ?? rest.filter((a) => !a.startsWith('-') && !a.includes('='))[1];
    return resourceCommand(ctx, verb, id, nodeArg);
  }
  return fail(`Error: unknown command '${ctx.args.join(' ')}'`, 1);
}

function crmResource(ctx: ProgramContext): ProgramResult {
  const args = [...ctx.args];
  let verb: string | undefined;
  let id: string | undefined;
  let node: string | undefined;
  for (let i = 0; i < args.length; i++) {
    const a = args[i] as string;
    if (a === '--cleanup' || a === '-C') verb = 'cleanup';
    else if (a === '--refresh' || a === '-R') verb = 'refresh';
    else if (a === '-r' || a === '--resource') id = args[++i];
    else if (a.startsWith('--resource=')) id = a.slice(11);
    else if (a === '-N' || a === '--node') node = args[++i];
    else if (a.startsWith('--node=')) node = a.slice(7);
  }
  if (!verb) return fail('crm_resource: no action given', 64);
  return resourceCommand(ctx, verb, id, node);
}

/** Pacemaker tools, installed on controllers only. */
export const pacemakerPrograms: Record<string, ProgramDef> = {
  crm_mon: { roles: ['controller'], run: crmMon },
  crm: { roles: ['controller'], run: crm },
  pcs: { roles: ['controller'], run: pcs },
  crm_resource: { roles: ['controller'], run: crmResource },
};
