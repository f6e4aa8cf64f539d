/**
 * `ovn-appctl` on the simulated OVN nodes (kolla-ansible's `neutron_plugin_agent: ovn`): the
 * Northbound and Southbound databases are raft clusters of the controllers' `ovn_nb_db` and
 * `ovn_sb_db` containers, and each compute's `ovn_controller` holds a Southbound connection.
 * Leadership is derived from which database servers run: a majority elects the first running
 * controller; without one every running server is a candidate and knows no leader. Output in the
 * shape of OVS's raft.c (`raft_unixctl_status`) and OVN's ovn-util.c, as the fixtures show.
 */
import { isRunning } from '../state/derive.js';
import { bundleDbsRunning, bundleSyncStatus, hasOvnDbsBundle, ovnDbsActive } from './ovn-dbs-bundle.js';
import type { ClusterState, SimNode } from '../state/types.js';
import { fail, result, type ProgramContext, type ProgramDef, type ProgramResult } from '../shell/types.js';

/** The daemons of the model that run OVN, each in kolla's container of the same name (`ovn_nb_db`). */
export const OVN_SERVICES = { nb: 'ovn-nb-db', sb: 'ovn-sb-db', northd: 'ovn-northd', controller: 'ovn-controller' } as const;

/** Where the daemons' control sockets and pidfiles are, inside their containers. */
export const OVN_RUN_FILES = ['/var/run/ovn/ovnnb_db.ctl', '/var/run/ovn/ovnsb_db.ctl'] as const;
/** ovn-controller's pidfile, which `ovn-appctl -t ovn-controller` reads. */
export const OVN_CONTROLLER_PIDFILE = '/var/run/ovn/ovn-controller.pid';

const DBS = {
  nb: { service: OVN_SERVICES.nb, name: 'OVN_Northbound', port: 6643, ctl: '/var/run/ovn/ovnnb_db.ctl' },
  sb: { service: OVN_SERVICES.sb, name: 'OVN_Southbound', port: 6644, ctl: '/var/run/ovn/ovnsb_db.ctl' },
} as const;

type Db = keyof typeof DBS;

/** A stable 32-hex id per name, printed as a UUID; its first four digits are raft's short id. */
function uuidOf(seed: string): string {
  let h = 2166136261;
  const hex: string[] = [];
  for (let round = 0; round < 4; round++) {
    for (const ch of `${seed}/${round}`) h = Math.imul(h ^ ch.charCodeAt(0), 16777619) >>> 0;
    hex.push(h.toString(16).padStart(8, '0'));
  }
  const s = hex.join('');
  return `${s.slice(0, 8)}-${s.slice(8, 12)}-${s.slice(12, 16)}-${s.slice(16, 20)}-${s.slice(20, 32)}`;
}

/** The controllers that are members of a database's raft cluster. */
function members(c: ClusterState, db: Db): SimNode[] {
  return c.controllers.filter((n) => n.services.has(DBS[db].service));
}

/** The leader: the first running member, when a majority of the members runs. */
export function ovnLeader(c: ClusterState, db: Db): SimNode | undefined {
  const all = members(c, db);
  const up = all.filter((n) => isRunning(n, DBS[db].service));
  return up.length * 2 > all.length ? up[0] : undefined;
}

function sid(db: Db, node: SimNode): string {
  return uuidOf(`${db}/${node.name}`).slice(0, 4);
}

/** `cluster/status DB` as the server on `node` prints it. */
function clusterStatus(c: ClusterState, node: SimNode, db: Db): string {
  const d = DBS[db];
  const all = members(c, db);
  const leader = ovnLeader(c, db);
  const self = sid(db, node);
  const cid = uuidOf(`${db}/cluster`);
  const role = leader === undefined ? 'candidate' : leader === node ? 'leader' : 'follower';
  const leaderText = leader === undefined ? 'unknown' : leader === node ? 'self' : sid(db, leader);
  const connections = all
    .filter((n) => n !== node)
    .map((n) => (isRunning(n, d.service) ? `->${sid(db, n)} <-${sid(db, n)}` : `(->${sid(db, n)})`))
    .join(' ');
  const out = [
    self,
    `Name: ${d.name}`,
    `Cluster ID: ${cid.slice(0, 4)} (${cid})`,
    `Server ID: ${self} (${uuidOf(`${db}/${node.name}`)})`,
    `Address: tcp:${node.ip}:${d.port}`,
    'Status: cluster member',
    `Role: ${role}`,
    `Term: ${leader === undefined ? 9 : 3}`,
    `Leader: ${leaderText}`,
    `Vote: ${leader === undefined || leader === node ? 'self' : sid(db, leader)}`,
    '',
    'Election timer: 1000',
    'Log: [2, 118]',
    'Entries not yet committed: 0',
    'Entries not yet applied: 0',
    `Connections: ${connections}`,
    'Servers:',
    ...all.map((n) => `    ${sid(db, n)} (${sid(db, n)} at tcp:${n.ip}:${d.port})${n === node ? ' (self)' : ''}`),
  ];
  return `${out.join('\n')}\n`;
}

/** Whether a Southbound server takes chassis connections: the raft leader, or the bundle's active server on TripleO. */
function southboundServes(c: ClusterState): boolean {
  return hasOvnDbsBundle(c) ? ovnDbsActive(c) !== undefined : ovnLeader(c, 'sb') !== undefined;
}

/** What ovn-appctl prints when nothing listens on the control socket. */
function cannotConnect(ctx: ProgramContext, target: string): ProgramResult {
  const when = new Date(ctx.cluster.clock.now()).toISOString().replace(/\.\d+Z$/, 'Z');
  return fail(`${when}|00001|unixctl|WARN|failed to connect to ${target}\novn-appctl: cannot connect to "${target}" (No such file or directory)`, 1);
}

function appctl(ctx: ProgramContext): Promise<ProgramResult> | ProgramResult {
  const args = [...ctx.args];
  let target = 'ovs-vswitchd';
  while (args[0]?.startsWith('-')) {
    const opt = args.shift() ?? '';
    if (opt === '-t' || opt === '--target') target = args.shift() ?? target;
    else if (opt.startsWith('--target=')) target = opt.slice('--target='.length);
    else if (opt === '-T' || opt === '--timeout') args.shift();
  }
  const [cmd, ...rest] = args;
  const db = (Object.keys(DBS) as Db[]).find((k) => DBS[k].ctl === target);
  if (db && ctx.node.deployment === 'tripleo' && hasOvnDbsBundle(ctx.cluster)) {
    // TripleO's ovn-dbs-bundle: an active/backup pair, not a raft cluster.
    if (!bundleDbsRunning(ctx.node)) return cannotConnect(ctx, target);
    if (cmd === 'ovsdb-server/sync-status') return result(bundleSyncStatus(ctx.cluster, ctx.node, db));
    if (cmd === 'cluster/status') return fail(`${rest[0] ?? ''}: unknown cluster\novn-appctl: ${target}: server returned an error`, 2);
    return fail(`"${cmd ?? ''}" is not a valid command\novn-appctl: ${target}: server returned an error`, 2);
  }
  if (db) {
    if (!isRunning(ctx.node, DBS[db].service)) return cannotConnect(ctx, target);
    if (cmd === 'cluster/status') {
      if (rest[0] !== DBS[db].name) return fail(`${rest[0] ?? ''}: unknown cluster\novn-appctl: ${target}: server returned an error`, 2);
      return result(clusterStatus(ctx.cluster, ctx.node, db));
    }
    if (cmd === 'ovsdb-server/sync-status') return result('state: active\n');
    return fail(`"${cmd ?? ''}" is not a valid command\novn-appctl: ${target}: server returned an error`, 2);
  }
  if (target === 'ovn-controller') {
    if (!isRunning(ctx.node, OVN_SERVICES.controller)) return cannotConnect(ctx, OVN_CONTROLLER_PIDFILE);
    if (cmd === 'connection-status') return result(`${southboundServes(ctx.cluster) ? 'connected' : 'not connected'}\n`);
    return fail(`"${cmd ?? ''}" is not a valid command\novn-appctl: ovn-controller: server returned an error`, 2);
  }
  return cannotConnect(ctx, target.startsWith('/') ? target : `/var/run/ovn/${target}.pid`);
}

/** OVN's control tool, inside the OVN containers of kolla and TripleO nodes (the hosts have none of their own). */
export const ovnPrograms: Record<string, ProgramDef> = {
  'ovn-appctl': { deployments: ['kolla-ansible', 'tripleo'], containerOnlyOn: ['kolla-ansible', 'tripleo'], run: appctl },
};
