/**
 * State transitions: what starting, stopping and removing things does to the cluster, with the log
 * lines the real daemons would write. Every entry point goes through `mutate`, which applies the
 * cluster-wide consequences (disk alarms clearing, clients losing or regaining AMQP).
 */
import { osloLine, pacemakerLine, rabbitReport, reqContext, libvirtLine } from '../logs/format.js';
import { amqpHealthy, diskFree, isRunning, libvirtSocketOf, rabbitRunning, rabbitVmUp, resourceRole } from './derive.js';
import { logService } from './logging.js';
import { CLUSTER_STACK, foundationResources, isAmqpClient, pacemakerResources, type ResourceDef } from './topology.js';
import type { ClusterState, SimNode } from './types.js';

/** Outcome of a state change an emulated command asked for. */
export type ActionResult = { readonly ok: true } | { readonly ok: false; readonly reason: string; readonly peer?: string };

const OK: ActionResult = { ok: true };

function nextPid(c: ClusterState): number {
  c.counters.pid += 7;
  return c.counters.pid;
}

function setRunning(c: ClusterState, node: SimNode, service: string, running: boolean): void {
  const s = node.services.get(service);
  const at = c.clock.now();
  if (!s) {
    node.services.set(service, { running, pid: running ? nextPid(c) : 0, since: at });
    return;
  }
  if (s.running === running) return;
  s.running = running;
  s.pid = running ? nextPid(c) : 0;
  s.since = at;
}

/** Runs `change` and then the cluster-wide consequences of whatever it changed. */
export function mutate<T>(c: ClusterState, change: () => T): T {
  const before = amqpHealthy(c);
  const result = change();
  settle(c, before);
  return result;
}

function settle(c: ClusterState, amqpBefore: boolean): void {
  const at = c.clock.now();
  for (const n of c.controllers) {
    if (n.rabbit.alarms.has('disk') && rabbitRunning(n) && diskFree(n) >= n.rabbit.diskFreeLimit) {
      n.rabbit.alarms.delete('disk');
      logService(n, 'rabbitmq-server', rabbitReport(at, 'INFO', [`disk resource limit alarm cleared on node 'rabbit@${n.name}'`]), at);
    }
  }
  const after = amqpHealthy(c);
  if (after === amqpBefore) return;
  c.amqpDownSince = after ? undefined : at;
  const broker = c.controllers.find((n) => !rabbitRunning(n) || n.rabbit.alarms.size > 0) ?? c.controllers[0];
  const endpoint = `${broker?.ip ?? '192.168.0.2'}:5673`;
  for (const n of c.nodes.values()) {
    for (const [service, st] of n.services) {
      if (!st.running || !isAmqpClient(service)) continue;
      const ctx = reqContext(`${n.name}/${service}/${at}`);
      const line = after
        ? osloLine(at, st.pid, 'INFO', 'oslo.messaging._drivers.impl_rabbit', `Reconnected to AMQP server on ${endpoint}`, ctx)
        : osloLine(
            at,
            st.pid,
            'ERROR',
            'oslo.messaging._drivers.impl_rabbit',
            `AMQP server on ${endpoint} is unreachable: [Errno 32] Broken pipe. Trying again in 5 seconds.`,
            ctx,
          );
      logService(n, service, [line], at);
    }
  }
}

/** Lines RabbitMQ 3.5 writes when it boots. */
function rabbitBootLines(node: SimNode, at: number): string[] {
  const log = `/var/log/rabbitmq/rabbit@${node.name}.log`;
  return [
    ...rabbitReport(at, 'INFO', [
      'Starting RabbitMQ 3.5.6 on Erlang 18.1',
      'Copyright (C) 2007-2015 Pivotal Software, Inc.',
      'Licensed under the MPL.  See http://www.rabbitmq.com/',
    ]),
    ...rabbitReport(at, 'INFO', [
      `node           : rabbit@${node.name}`,
      'home dir       : /var/lib/rabbitmq',
      'config file(s) : /etc/rabbitmq/rabbitmq.config',
      'cookie hash    : soeIWU2jk2YNseTyDSlsEA==',
      `log            : ${log}`,
      `sasl log       : /var/log/rabbitmq/rabbit@${node.name}-sasl.log`,
      `database dir   : /var/lib/rabbitmq/mnesia/rabbit@${node.name}`,
    ]),
    ...rabbitReport(at, 'INFO', [`Disk free limit set to ${Math.round(node.rabbit.diskFreeLimit / 1_000_000)}MB`]),
  ];
}

/** The lines of the seed's disk alarm and `enospc` crash, for `node` at `at`. */
export function rabbitDiskCrashLines(node: SimNode, at: number, free: number): string[] {
  const n = `rabbit@${node.name}`;
  const t2 = at + 13_000;
  const t3 = at + 16_000;
  return [
    ...rabbitReport(at, 'INFO', [`Disk free space insufficient. Free bytes:${free} Limit:${node.rabbit.diskFreeLimit}`]),
    ...rabbitReport(at, 'WARNING', [
      `disk resource limit alarm set on node '${n}'.`,
      '',
      '**********************************************************',
      '*** Publishers will be blocked until this alarm clears ***',
      '**********************************************************',
    ]),
    ...rabbitReport(t2, 'INFO', ['Stopping RabbitMQ']),
    ...rabbitReport(t2, 'INFO', [`stopped TCP Listener on ${node.ip}:5673`]),
    ...rabbitReport(t3, 'ERROR', [
      '** Generic server <0.845.0> terminating',
      "** Last message in was {'EXIT',<0.733.0>,shutdown}",
      '** When Server state == undefined',
      '** Reason for termination ==',
      `** {{badmatch,{error,{file_error,"/var/lib/rabbitmq/mnesia/${n}/recovery.dets",`,
      '                                 enospc}}},',
      '    [{rabbit_recovery_terms,flush,0,',
      '                            [{file,"src/rabbit_recovery_terms.erl"},',
      '                             {line,134}]},',
      '     {rabbit_recovery_terms,close_table,0,',
      '                            [{file,"src/rabbit_recovery_terms.erl"},',
      '                             {line,137}]},',
      '     {gen_server,try_terminate,3,[{file,"gen_server.erl"},{line,643}]},',
      '     {gen_server,terminate,7,[{file,"gen_server.erl"},{line,809}]},',
      '     {proc_lib,init_p_do_apply,3,[{file,"proc_lib.erl"},{line,240}]}]}',
    ]),
    ...rabbitReport(t3, 'INFO', ['Stopped RabbitMQ application']),
    ...rabbitReport(t3, 'INFO', ['Halting Erlang VM']),
  ];
}

/** The boot failure RabbitMQ 3.5 logs for `inconsistent_cluster`. */
export function rabbitInconsistentLines(node: SimNode, peer: string, at: number): string[] {
  const n = `rabbit@${node.name}`;
  return rabbitReport(at, 'INFO', [
    'Error description:',
    `   {error,{inconsistent_cluster,"Node '${n}' thinks it's clustered with node 'rabbit@${peer}', but 'rabbit@${peer}' disagrees"}}`,
    '',
    'Log files (may contain more information):',
    `   /var/log/rabbitmq/${n}.log`,
    `   /var/log/rabbitmq/${n}-sasl.log`,
    '',
    'Stack trace:',
    '   [{rabbit_mnesia,check_cluster_consistency,0,',
    '                   [{file,"src/rabbit_mnesia.erl"},{line,588}]},',
    '    {rabbit,\'-start/0-fun-0-\',0,[{file,"src/rabbit.erl"},{line,320}]},',
    '    {rabbit,start_it,1,[{file,"src/rabbit.erl"},{line,356}]},',
    '    {rpc,\'-handle_call_call/6-fun-0-\',5,[{file,"rpc.erl"},{line,206}]}]',
  ]);
}

/** A member that `node` lists but that does not list `node` back: the inconsistent_cluster check. */
export function rabbitDisagreeingPeer(c: ClusterState, node: SimNode): string | undefined {
  return node.rabbit.members.find((m) => {
    if (m === node.name) return false;
    const peer = c.nodes.get(m);
    return peer !== undefined && rabbitRunning(peer) && !peer.rabbit.members.includes(node.name);
  });
}

/**
 * Starts the rabbit application (`rabbitmqctl start_app`, or the second half of a service start).
 * Fails on inconsistent membership (the VM stays up), or halts the VM when the disk is full.
 */
export function startRabbitApp(c: ClusterState, node: SimNode): ActionResult {
  if (!rabbitVmUp(node)) return { ok: false, reason: 'nodedown' };
  if (node.rabbit.appRunning) return OK;
  const at = c.clock.now();
  const peer = rabbitDisagreeingPeer(c, node);
  if (peer) {
    logService(node, 'rabbitmq-server', rabbitInconsistentLines(node, peer, at), at);
    return { ok: false, reason: 'inconsistent_cluster', peer };
  }
  const free = diskFree(node);
  if (free < node.rabbit.diskFreeLimit) {
    node.rabbit.alarms.add('disk');
    if (free === 0) {
      logService(node, 'rabbitmq-server', [...rabbitBootLines(node, at), ...rabbitDiskCrashLines(node, at, free)], at);
      node.rabbit.appRunning = false;
      setRunning(c, node, 'rabbitmq-server', false);
      return { ok: false, reason: 'enospc' };
    }
  }
  node.rabbit.appRunning = true;
  c.rabbitPartition.delete(node.name);
  logService(node, 'rabbitmq-server', [...rabbitBootLines(node, at), ...rabbitReport(at, 'INFO', ['Server startup complete; 0 plugins started.'])], at);
  return OK;
}

/** Stops the rabbit application, leaving the Erlang VM up. */
export function stopRabbitApp(c: ClusterState, node: SimNode): void {
  if (!node.rabbit.appRunning) return;
  const at = c.clock.now();
  node.rabbit.appRunning = false;
  logService(node, 'rabbitmq-server', [...rabbitReport(at, 'INFO', ['Stopping RabbitMQ']), ...rabbitReport(at, 'INFO', ['Stopped RabbitMQ application'])], at);
}

function startPlain(c: ClusterState, node: SimNode, service: string): ActionResult {
  const at = c.clock.now();
  switch (service) {
    case 'rabbitmq-server': {
      const wasUp = rabbitVmUp(node);
      setRunning(c, node, service, true);
      const r = startRabbitApp(c, node);
      if (!r.ok && !wasUp && r.reason === 'enospc') setRunning(c, node, service, false);
      return r;
    }
    case 'mysql':
      if (diskFree(node) === 0) {
        logService(
          node,
          'mysql',
          [
            `${new Date(at).toISOString().slice(0, 19).replace('T', ' ')} 0 [ERROR] mysqld: Error writing file '/var/lib/mysql/ib_logfile101' (Errcode: 28 "No space left on device")`,
          ],
          at,
        );
        return { ok: false, reason: 'enospc' };
      }
      setRunning(c, node, service, true);
      return OK;
    case 'libvirtd':
      setRunning(c, node, service, true);
      node.fs.put(libvirtSocketOf(node), { kind: 'socket', mtime: at });
      logService(
        node,
        'libvirtd',
        [
          libvirtLine(
            at,
            node.services.get('libvirtd')?.pid ?? 0,
            'info',
            'libvirt version: 1.3.1, package: 1ubuntu10.8 (Christian Ehrhardt <christian.ehrhardt@canonical.com> Mon, 05 Dec 2016 11:17:11 +0100)',
          ),
        ],
        at,
      );
      return OK;
    case 'nova-compute': {
      setRunning(c, node, service, true);
      const pid = node.services.get(service)?.pid ?? 0;
      const socket = isRunning(node, 'libvirtd') && node.fs.exists(libvirtSocketOf(node));
      node.novaLibvirtConnected = socket;
      if (!socket) {
        logService(
          node,
          service,
          [
            osloLine(
              at,
              pid,
              'ERROR',
              'nova.virt.libvirt.host',
              `Connection to libvirt failed: Failed to connect socket to '${libvirtSocketOf(node)}': No such file or directory`,
            ),
            osloLine(
              at,
              pid,
              'WARNING',
              'nova.compute.monitors',
              'Excluding nova.compute.monitors.cpu monitor virt_driver. Not in the list of enabled monitors (CONF.compute_monitors).',
            ),
          ],
          at,
        );
      } else {
        logService(node, service, [osloLine(at, pid, 'INFO', 'nova.service', 'Starting compute node (version 13.1.2)')], at);
      }
      return OK;
    }
    default:
      setRunning(c, node, service, true);
      return OK;
  }
}

function stopPlain(c: ClusterState, node: SimNode, service: string): void {
  const at = c.clock.now();
  switch (service) {
    case 'rabbitmq-server':
      if (rabbitVmUp(node)) {
        stopRabbitApp(c, node);
        logService(node, service, rabbitReport(at, 'INFO', ['Halting Erlang VM']), at);
      }
      node.rabbit.appRunning = false;
      break;
    case 'libvirtd':
      node.fs.remove(libvirtSocketOf(node));
      break;
    case 'nova-compute':
      node.novaLibvirtConnected = false;
      break;
    case 'cinder-volume':
      node.cinderOpenFiles.clear();
      node.fs.deletedOpen.splice(0, node.fs.deletedOpen.length, ...node.fs.deletedOpen.filter((f) => f.holder !== 'cinder-volume'));
      break;
    default:
      break;
  }
  setRunning(c, node, service, false);
}

function recordFailure(c: ClusterState, node: SimNode, r: ResourceDef, reason: string): void {
  c.counters.call += 1;
  const at = c.clock.now();
  node.pacemakerFailures.push({ resource: r.id, task: 'start', exitstatus: 'error', exitreason: reason, exitcode: 1, call: c.counters.call, at });
  logService(
    node,
    'pacemaker',
    [pacemakerLine(at, node.name, 2345, 'pacemaker-controld', 'error', `Result of start operation for ${r.id} on ${node.name}: error (${reason})`)],
    at,
  );
}

/**
 * Lets pacemaker on `node` start what it can, in order: a resource with a recorded failure stays
 * stopped until cleaned up, and nothing but the foundation resources (Galera, RabbitMQ, each tried)
 * starts while one of them is not running.
 */
export function pacemakerConverge(c: ClusterState, node: SimNode): void {
  if (!isRunning(node, 'pacemaker')) return;
  let blocked = false;
  const foundations = foundationResources(c);
  for (const r of pacemakerResources(c)) {
    const foundation = foundations.includes(r.id);
    if (blocked && !foundation) return;
    if (c.disabledResources.has(r.id)) continue;
    const failed = node.pacemakerFailures.some((f) => f.resource === r.id);
    if (resourceRole(node, r) !== 'Started' && !failed) {
      const res = startPlain(c, node, r.service);
      if (!res.ok)
        recordFailure(
          c,
          node,
          r,
          res.reason === 'inconsistent_cluster' ? 'inconsistent_cluster' : res.reason === 'enospc' ? 'No space left on device' : res.reason,
        );
    }
    if (foundation && resourceRole(node, r) !== 'Started') blocked = true;
  }
}

function startPacemakerStack(c: ClusterState, node: SimNode): void {
  const at = c.clock.now();
  for (const s of CLUSTER_STACK) setRunning(c, node, s, true);
  logService(
    node,
    'pacemaker',
    [pacemakerLine(at, node.name, node.services.get('pacemaker')?.pid ?? 0, 'pacemakerd', 'notice', 'Starting Pacemaker 2.1.5')],
    at,
  );
  c.pacemakerLastChange = { at, client: 'crmd', origin: node.name };
  pacemakerConverge(c, node);
}

function stopPacemakerStack(c: ClusterState, node: SimNode): void {
  if (!isRunning(node, 'pacemaker')) return;
  const at = c.clock.now();
  for (const r of [...pacemakerResources(c)].reverse()) if (isRunning(node, r.service)) stopPlain(c, node, r.service);
  for (const s of [...CLUSTER_STACK].reverse()) setRunning(c, node, s, false);
  // A node leaving the cluster loses its status section, fail counts included.
  node.pacemakerFailures.length = 0;
  logService(node, 'pacemaker', [pacemakerLine(at, node.name, 2345, 'pacemakerd', 'notice', 'Shutdown complete')], at);
}

/** `service NAME start` / `systemctl start NAME`. */
export function startService(c: ClusterState, node: SimNode, service: string): ActionResult {
  return mutate(c, () => {
    if (service === 'pacemaker') {
      if (!isRunning(node, 'pacemaker')) startPacemakerStack(c, node);
      return OK;
    }
    if (isRunning(node, service) && !(service === 'rabbitmq-server' && !node.rabbit.appRunning)) return OK;
    return startPlain(c, node, service);
  });
}

/** `service NAME stop` / `systemctl stop NAME`. */
export function stopService(c: ClusterState, node: SimNode, service: string): ActionResult {
  return mutate(c, () => {
    if (service === 'pacemaker' || service === 'corosync') stopPacemakerStack(c, node);
    else stopPlain(c, node, service);
    return OK;
  });
}

/** `service NAME restart`. */
export function restartService(c: ClusterState, node: SimNode, service: string): ActionResult {
  return mutate(c, () => {
    if (service === 'pacemaker' || service === 'corosync') {
      stopPacemakerStack(c, node);
      startPacemakerStack(c, node);
      return OK;
    }
    stopPlain(c, node, service);
    return startPlain(c, node, service);
  });
}

/** `crm resource cleanup RES [NODE]`: forget failures, then let pacemaker try again. */
export function cleanupResource(c: ClusterState, r: ResourceDef | undefined, nodeName?: string): SimNode[] {
  return mutate(c, () => {
    const targets = c.controllers.filter((n) => (nodeName === undefined || n.name === nodeName) && isRunning(n, 'pacemaker'));
    for (const n of targets) {
      const keep = n.pacemakerFailures.filter((f) => r !== undefined && f.resource !== r.id);
      n.pacemakerFailures.splice(0, n.pacemakerFailures.length, ...keep);
    }
    c.pacemakerLastChange = { at: c.clock.now(), client: 'crm_resource', origin: targets[0]?.name ?? c.controllers[0]?.name ?? '' };
    for (const n of c.controllers) pacemakerConverge(c, n);
    return targets;
  });
}

/** `crm resource restart RES` (optionally on one node): stop everywhere, then converge. */
export function restartResource(c: ClusterState, r: ResourceDef, nodeName?: string): void {
  mutate(c, () => {
    const targets = c.controllers.filter((n) => (nodeName === undefined || n.name === nodeName) && isRunning(n, 'pacemaker'));
    for (const n of targets) if (isRunning(n, r.service)) stopPlain(c, n, r.service);
    c.pacemakerLastChange = { at: c.clock.now(), client: 'crm_resource', origin: targets[0]?.name ?? '' };
    for (const n of targets) pacemakerConverge(c, n);
  });
}

/** `crm resource stop|start RES`: sets the target role cluster-wide. */
export function setResourceTarget(c: ClusterState, r: ResourceDef, started: boolean): void {
  mutate(c, () => {
    if (started) c.disabledResources.delete(r.id);
    else c.disabledResources.add(r.id);
    c.pacemakerLastChange = { at: c.clock.now(), client: 'crm_resource', origin: c.controllers[0]?.name ?? '' };
    for (const n of c.controllers) {
      if (!isRunning(n, 'pacemaker')) continue;
      if (started) pacemakerConverge(c, n);
      else if (isRunning(n, r.service)) stopPlain(c, n, r.service);
    }
  });
}

/** What `rm` found at a path. */
export type RemoveOutcome = 'removed' | 'missing' | 'directory';

/** `rm PATH`: frees the space unless a running process holds the file open. */
export function removeFile(c: ClusterState, node: SimNode, path: string): RemoveOutcome {
  return mutate(c, () => {
    const e = node.fs.get(path);
    if (!e) return 'missing';
    if (e.kind === 'dir') return 'directory';
    const size = node.fs.sizeOf(e);
    node.fs.remove(path);
    if (node.cinderOpenFiles.has(path) && isRunning(node, 'cinder-volume')) {
      node.fs.deletedOpen.push({ path, size, holder: 'cinder-volume' });
    }
    node.cinderOpenFiles.delete(path);
    return 'removed';
  });
}
