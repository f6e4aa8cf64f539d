/** rabbitmqctl and rabbitmq-diagnostics, on controllers, answered from each node's own view. */
import {
  renderAlarmsJson,
  renderAlarmsText,
  renderAppStateError,
  renderClusterStatusJson,
  renderClusterStatusText,
  renderNodeDown,
  renderStatusText,
} from '../render/rabbit.js';
import { mutate, startRabbitApp, stopRabbitApp } from '../state/actions.js';
import { diskFree, rabbitVmUp } from '../state/derive.js';
import { forgetRabbitNode, joinRabbitCluster, resetRabbitNode } from '../state/rabbit-cluster.js';
import { rabbitHost } from '../state/topology.js';
import type { SimNode } from '../state/types.js';
import { fail, result, type ProgramContext, type ProgramDef, type ProgramResult } from '../shell/types.js';

interface Parsed {
  readonly target: SimNode | undefined;
  readonly targetName: string;
  readonly command: string | undefined;
  readonly rest: string[];
  readonly json: boolean;
  readonly given: string[];
}

function parse(ctx: ProgramContext): Parsed {
  const args = [...ctx.args];
  let targetName = `rabbit@${ctx.node.name}`;
  let json = false;
  const words: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const a = args[i] as string;
    if (a === '-n' || a === '--node') targetName = args[++i] ?? targetName;
    else if (a.startsWith('--node=')) targetName = a.slice(7);
    else if (a === '--formatter') json = args[++i] === 'json';
    else if (a === '--formatter=json') json = true;
    else if (a === '-q' || a === '--quiet' || a === '--longnames' || a === '-l') continue;
    else if (a === '-t' || a === '--timeout') i++;
    else words.push(a);
  }
  const [command, ...rest] = words;
  return {
    target: ctx.cluster.nodes.get(rabbitHost(targetName)),
    targetName: targetName.includes('@') ? targetName : `rabbit@${targetName}`,
    command,
    rest,
    json,
    given: args,
  };
}

const USAGE: Record<string, string> = {
  cluster_status: 'cluster_status [--timeout <timeout>]',
  reset: 'reset',
  force_reset: 'force_reset',
  join_cluster: 'join_cluster [--disc|--ram] <existing_cluster_member>',
  forget_cluster_node: 'forget_cluster_node [--offline] <existing_cluster_member>',
};

function inconsistentError(self: string, peer: string, wrap: boolean): string {
  const msg = `'Node rabbit@${self} thinks it\\'s clustered with node rabbit@${peer}, but rabbit@${peer} disagrees'`;
  return wrap ? `Error:\n{:rabbit, {{:inconsistent_cluster, ${msg}}, {:rabbit, :start, [:normal, []]}}}\n` : `Error:\n{:inconsistent_cluster, ${msg}}\n`;
}

function rabbitmqctl(ctx: ProgramContext): ProgramResult {
  const p = parse(ctx);
  const node = p.target;
  if (!p.command) return fail('Usage\n\nrabbitmqctl [--node <node>] [--timeout <timeout>] [--longnames] [--quiet] <command> [<command options>]', 64);
  if (!node || !node.roles.includes('controller') || !rabbitVmUp(node)) return fail(renderNodeDown(p.targetName), 69);
  const c = ctx.cluster;
  const n = `rabbit@${node.name}`;
  const needApp = (running: boolean): ProgramResult | undefined =>
    node.rabbit.appRunning === running ? undefined : fail(renderAppStateError(running, p.given, USAGE[p.command ?? ''] ?? p.command ?? ''), 64);
  switch (p.command) {
    case 'cluster_status':
      return needApp(true) ?? result(p.json ? renderClusterStatusJson(c, node) : renderClusterStatusText(c, node));
    case 'status':
      return result(renderStatusText(node, diskFree(node), c.clock.now()));
    case 'stop_app':
      mutate(c, () => stopRabbitApp(c, node));
      return result(`Stopping rabbit application on node ${n} ...\n`);
    case 'start_app': {
      const r = mutate(c, () => startRabbitApp(c, node));
      const head = `Starting node ${n} ...\n`;
      if (r.ok) return result(head);
      if (r.reason === 'inconsistent_cluster') return fail(inconsistentError(node.name, r.peer ?? '', true), 69, head);
      return fail(
        `Error:\n{:rabbit, {{:badmatch, {:error, {:file_error, '/var/lib/rabbitmq/mnesia/${n}/recovery.dets', :enospc}}}, {:rabbit, :start, [:normal, []]}}}\n`,
        69,
        head,
      );
    }
    case 'reset':
    case 'force_reset': {
      const bad = needApp(false);
      if (bad) return bad;
      resetRabbitNode(c, node, p.command === 'force_reset');
      return result(`${p.command === 'reset' ? 'Resetting' : 'Forcefully resetting'} node ${n} ...\n`);
    }
    case 'join_cluster': {
      const bad = needApp(false);
      if (bad) return bad;
      const seedName = p.rest.find((a) => !a.startsWith('--'));
      if (!seedName) return fail(renderAppStateError(false, p.given, USAGE.join_cluster ?? ''), 64);
      const seed = c.nodes.get(rabbitHost(seedName));
      const head = `Clustering node ${n} with ${seedName}\n`;
      if (!seed || !seed.roles.includes('controller') || !rabbitVmUp(seed) || !seed.rabbit.appRunning) return fail(renderNodeDown(seedName), 69, head);
      const r = joinRabbitCluster(c, node, seed);
      if (!r.ok) return fail(inconsistentError(seed.name, node.name, false), 69, head);
      return result(head);
    }
    case 'forget_cluster_node': {
      const goneName = p.rest.find((a) => !a.startsWith('--'));
      if (!goneName) return fail(renderAppStateError(true, p.given, USAGE.forget_cluster_node ?? ''), 64);
      const head = `Removing node ${goneName} from the cluster\n`;
      const gone = c.nodes.get(rabbitHost(goneName));
      if (!gone) return fail("Error:\n{:not_a_cluster_node, 'The node selected is not in the cluster.'}\n", 69, head);
      const r = forgetRabbitNode(c, node, gone);
      if (r.ok) return result(head);
      if (r.reason === 'active') return fail(`Error:\n{:failed_to_remove_node, :"${goneName}", {:active, 'Mnesia is running', :"${goneName}"}}\n`, 69, head);
      return fail("Error:\n{:not_a_cluster_node, 'The node selected is not in the cluster.'}\n", 69, head);
    }
    case 'eval': {
      const expr = p.rest.join(' ');
      if (/rabbit_disk_monitor:get_disk_free_limit\(\)/.test(expr)) return result(`${node.rabbit.diskFreeLimit}\n`);
      if (/rabbit_disk_monitor:get_disk_free\(\)/.test(expr)) return result(`${diskFree(node)}\n`);
      if (/rabbit_mnesia:cluster_nodes\(all\)/.test(expr)) return result(`[${node.rabbit.members.map((m) => `'rabbit@${m}'`).join(',')}]\n`);
      return fail(`Error:\n{:undef, [{:erl_eval, :expr, []}]}\n`, 70);
    }
    case 'set_disk_free_limit': {
      const v = p.rest[0] ?? '';
      const m = /^(\d+)(GB|MB|KB|kB|)$/.exec(v);
      if (!m) return fail(`Error: invalid disk free limit ${v}`, 64);
      node.rabbit.diskFreeLimit = Number(m[1]) * ({ GB: 1e9, MB: 1e6, KB: 1e3, kB: 1e3, '': 1 }[m[2] ?? ''] ?? 1);
      mutate(c, () => {
        if (diskFree(node) < node.rabbit.diskFreeLimit && node.rabbit.appRunning) node.rabbit.alarms.add('disk');
      });
      return result(`Setting disk free limit on ${n} to ${v} bytes ...\n`);
    }
    case 'environment':
      return result(
        `Application environment of node ${n} ...\n[{rabbit,\n     [{cluster_nodes,{[${node.rabbit.members.map((m) => `'rabbit@${m}'`).join(',')}],disc}},\n      {disk_free_limit,${node.rabbit.diskFreeLimit}},\n      {tcp_listeners,[{"${node.ip}",5673}]},\n      {vm_memory_high_watermark,0.4}]}]\n`,
      );
    case 'list_queues':
      return needApp(true) ?? result(`Timeout: 60.0 seconds ...\nListing queues for vhost / ...\n`);
    default:
      return fail(`Command '${p.command}' not found.\n`, 64);
  }
}

function diagnostics(ctx: ProgramContext): ProgramResult {
  const p = parse(ctx);
  const node = p.target;
  if (!node || !node.roles.includes('controller') || !rabbitVmUp(node)) return fail(renderNodeDown(p.targetName), 69);
  switch (p.command) {
    case 'alarms':
      return result(p.json ? renderAlarmsJson(node) : renderAlarmsText(node));
    case 'ping':
      return node.rabbit.appRunning
        ? result(`Will ping rabbit@${node.name}. This only checks if the OS process is running and registered with epmd. Timeout: 60000 ms.\nPing succeeded\n`)
        : result('Ping succeeded\n');
    case 'check_running':
      return node.rabbit.appRunning
        ? result(`Checking if RabbitMQ is running on node rabbit@${node.name} ...\nRabbitMQ on node rabbit@${node.name} is fully booted and running\n`)
        : fail(`Error:\nRabbitMQ on node rabbit@${node.name} is not running or has not fully booted yet (check with is_booting)\n`, 69);
    case 'cluster_status':
      return rabbitmqctl(ctx);
    default:
      return fail(`Command '${p.command ?? ''}' not found.\n`, 64);
  }
}

/** RabbitMQ CLI tools, installed on controllers only. */
export const rabbitPrograms: Record<string, ProgramDef> = {
  rabbitmqctl: { roles: ['controller'], containerOnlyOn: ['tripleo'], run: rabbitmqctl },
  'rabbitmq-diagnostics': { roles: ['controller'], containerOnlyOn: ['tripleo'], run: diagnostics },
};
