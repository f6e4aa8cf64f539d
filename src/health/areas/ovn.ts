import type { OvnDbReading, OvnRaftStatus, OvnSyncStatus } from '../../probes/ovn-cluster-status.js';
import { ovnControllerStatus, type OvnControllerStatus } from '../../probes/ovn-controller-status.js';
import { OVN_DBS, ovnDbStatus, type OvnDb } from '../../probes/ovn-db-status.js';
import { utcHourMinute } from '../../render/clock-time.js';
import { defineArea, listNodes, type AreaProblem } from '../area.js';
import type { ClusterSnapshot } from '../snapshot.js';

/** One database server's reading, on the node that gave it. */
interface Seen<T> {
  readonly node: string;
  readonly value: T;
}

const SHORT: Readonly<Record<OvnDb, string>> = { nb: 'NB', sb: 'SB' };

/** The leader's node as the members name it: `self` on the leader, its short id elsewhere. */
function leaderNode(readings: readonly Seen<OvnRaftStatus>[]): string | undefined {
  const self = readings.find((r) => r.value.leader === 'self' || r.value.role === 'leader');
  if (self) return self.node;
  const sid = readings.find((r) => r.value.leader !== undefined)?.value.leader;
  return sid ? `server ${sid}` : undefined;
}

/** The servers of an active/backup pair that say they are active (exactly one when healthy). */
function activeServers(readings: readonly Seen<OvnSyncStatus>[]): Seen<OvnSyncStatus>[] {
  return readings.filter((r) => r.value.state === 'active');
}

/** One database's readings by model, as the controllers that run it gave them. */
function readingsOf(seen: readonly Seen<OvnDbReading>[]): { raft: Seen<OvnRaftStatus>[]; sync: Seen<OvnSyncStatus>[] } {
  return {
    raft: seen.flatMap((r) => (r.value.model === 'clustered' ? [{ node: r.node, value: r.value }] : [])),
    sync: seen.flatMap((r) => (r.value.model === 'active-backup' ? [{ node: r.node, value: r.value }] : [])),
  };
}

/** Every database server reading of the snapshot, per database, on the nodes that run OVN. */
function dbReadings(s: ClusterSnapshot, db: OvnDb): Seen<OvnDbReading>[] {
  return s.values(ovnDbStatus).flatMap(({ node, value }) => (value.ovn ? [{ node, value: value[db] }] : []));
}

/**
 * The databases nothing leads: a raft cluster whose members know no leader, or an active/backup
 * pair with no active server. The same conditions as the critical problems of `judgeDb`, so the
 * `no-leader` fact and the verdict never disagree.
 */
function leaderlessDbs(s: ClusterSnapshot): { db: OvnDb; model: 'clustered' | 'active-backup'; nodes: string[] }[] {
  const out: { db: OvnDb; model: 'clustered' | 'active-backup'; nodes: string[] }[] = [];
  for (const db of ['nb', 'sb'] as const) {
    const { raft, sync } = readingsOf(dbReadings(s, db));
    // judgeDb reads the raft status when there is one, the active/backup one otherwise.
    if (raft.length) {
      if (!leaderNode(raft)) out.push({ db, model: 'clustered', nodes: raft.map((r) => r.node) });
    } else if (sync.length && activeServers(sync).length === 0) out.push({ db, model: 'active-backup', nodes: sync.map((r) => r.node) });
  }
  return out;
}

/** A raft-clustered database: no leader, disconnected or failing members are what breaks it. */
function judgeRaft(db: OvnDb, readings: readonly Seen<OvnRaftStatus>[]): { problems: AreaProblem[]; note: string } {
  const name = OVN_DBS[db].name;
  const problems: AreaProblem[] = [];
  const disconnected = readings.filter((r) => /^disconnected/i.test(r.value.status));
  for (const r of disconnected) problems.push({ severity: 'critical', nodes: [r.node], summary: `${name} on ${r.node} is ${r.value.status}` });
  const leader = leaderNode(readings);
  const leaderless = readings.filter((r) => r.value.leader === undefined && !disconnected.includes(r));
  if (!leader) {
    const roles = readings.map((r) => `${r.node} ${r.value.role}`).join(', ');
    problems.push({ severity: 'critical', nodes: readings.map((r) => r.node), summary: `${name} has no leader (${roles}; Leader: unknown)` });
  } else if (leaderless.length) {
    problems.push({
      severity: 'critical',
      nodes: leaderless.map((r) => r.node),
      summary: `${name} servers on ${listNodes(leaderless.map((r) => r.node))} know no leader (${leaderless.map((r) => r.value.role).join(', ')})`,
    });
  }
  for (const r of readings) {
    if (disconnected.includes(r)) continue;
    if (r.value.status !== 'cluster member') problems.push({ severity: 'warning', nodes: [r.node], summary: `${name} on ${r.node}: ${r.value.status}` });
    const peers = r.value.servers.filter((x) => !x.self).map((x) => x.sid);
    const unconnected = peers.filter((sid) => !r.value.connectedPeers.includes(sid));
    if (unconnected.length) {
      problems.push({
        severity: 'warning',
        nodes: [r.node],
        summary: `${name} on ${r.node} has no connection to ${unconnected.length} of ${peers.length} other servers (${unconnected.join(', ')})`,
      });
    }
  }
  const servers = Math.max(0, ...readings.map((r) => r.value.servers.length));
  return { problems, note: `${SHORT[db]} leader ${leader ?? 'unknown'}, ${servers} servers` };
}

/** An active/backup pair (TripleO's ovn-dbs-bundle): exactly one active, every backup replicating from it. */
function judgeActiveBackup(db: OvnDb, readings: readonly Seen<OvnSyncStatus>[]): { problems: AreaProblem[]; note: string } {
  const name = OVN_DBS[db].name;
  const problems: AreaProblem[] = [];
  const active = activeServers(readings);
  if (active.length === 0)
    problems.push({ severity: 'critical', nodes: readings.map((r) => r.node), summary: `no active ${name} server (every one is a backup)` });
  if (active.length > 1)
    problems.push({ severity: 'critical', nodes: active.map((r) => r.node), summary: `${name} is active on ${listNodes(active.map((r) => r.node))} at once` });
  for (const r of readings.filter((x) => x.value.state === 'backup' && x.value.replication !== 'replicating')) {
    problems.push({
      severity: r.value.replication === 'connecting' ? 'warning' : 'critical',
      nodes: [r.node],
      summary: `${name} backup on ${r.node} is ${r.value.replication ?? 'not replicating'}${r.value.from ? ` (${r.value.from})` : ''}`,
    });
  }
  return { problems, note: `${SHORT[db]} active on ${active.map((r) => r.node).join(', ') || 'none'}, ${readings.length - active.length} backups` };
}

/** One database across the controllers that run it. */
function judgeDb(db: OvnDb, seen: readonly Seen<OvnDbReading>[]): { problems: AreaProblem[]; note: string } {
  const problems: AreaProblem[] = [];
  for (const r of seen) {
    if (r.value.model === 'down')
      problems.push({ severity: 'critical', nodes: [r.node], summary: `${OVN_DBS[db].name} server down on ${r.node}: ${r.value.message}` });
  }
  const { raft, sync } = readingsOf(seen);
  const judged = raft.length ? judgeRaft(db, raft) : sync.length ? judgeActiveBackup(db, sync) : undefined;
  if (!judged) {
    problems.push({ severity: 'critical', nodes: seen.map((r) => r.node), summary: `no ${OVN_DBS[db].name} server answers` });
    return { problems, note: '' };
  }
  return { problems: [...problems, ...judged.problems], note: judged.note };
}

/** The nodes whose answers say they have no OVN, and whether anything at all could not be read. */
function noOvnSeen(s: ClusterSnapshot): { nodes: string[]; unread: boolean; readNote: string } {
  const outcomes = [...s.of(ovnDbStatus), ...s.of(ovnControllerStatus)];
  const nodes = outcomes.flatMap((o) => (o.kind === 'ok' && !o.value.ovn ? [o.node] : []));
  const reused = outcomes.flatMap((o) => (o.kind === 'ok' && !o.value.ovn && o.readAt ? [o.readAt] : []));
  return {
    nodes: [...new Set(nodes)],
    unread: outcomes.some((o) => o.kind === 'unknown' || (o.kind === 'failed' && o.failure.kind === 'error')),
    readNote: readSince(reused),
  };
}

/** `; read 10:00 UTC` for answers reused from an earlier status (ovn-controller's "none here"), else nothing. */
function readSince(times: readonly Date[]): string {
  if (times.length === 0) return '';
  const oldest = new Date(Math.min(...times.map((t) => t.getTime())));
  return `; read ${utcHourMinute(oldest)} UTC`;
}

/** Why a chassis has no Southbound connection (ovn-controller not running, or running but not connected), if it has none. */
function sbLoss(value: OvnControllerStatus): { state: 'not running' | 'not connected'; message: string } | undefined {
  if (!value.ovn || (value.running && value.connected)) return undefined;
  return value.running ? { state: 'not connected', message: '' } : { state: 'not running', message: value.message };
}

/** Chassis that have no Southbound connection, in snapshot order. */
function disconnectedChassis(s: ClusterSnapshot): { node: string; state: 'not running' | 'not connected'; message: string }[] {
  return s.values(ovnControllerStatus).flatMap(({ node, value }) => {
    const loss = sbLoss(value);
    return loss ? [{ node, ...loss }] : [];
  });
}

/** Chassis whose ovn-controller is down or not connected, with the words of the problem. */
function chassisProblems(s: ClusterSnapshot): AreaProblem[] {
  const problems: AreaProblem[] = [];
  for (const o of s.of(ovnControllerStatus)) {
    if (o.kind !== 'ok') continue;
    const { node, value } = o;
    const loss = sbLoss(value);
    if (!value.ovn) {
      const when = o.readAt ? ` (as read ${utcHourMinute(o.readAt)} UTC)` : '';
      problems.push({ severity: 'warning', nodes: [node], summary: `no ovn-controller on ${node}, a chassis of an OVN deployment${when}` });
    } else if (loss?.state === 'not running') {
      problems.push({ severity: 'critical', nodes: [node], summary: `ovn-controller not running on ${node}: ${loss.message}` });
    } else if (loss) {
      problems.push({ severity: 'critical', nodes: [node], summary: `ovn-controller on ${node} is not connected to the Southbound database` });
    }
  }
  return problems;
}

/**
 * OVN (ML2/OVN): the Northbound and Southbound databases (raft role and leader on kolla-ansible,
 * active/backup on TripleO) and every chassis' ovn-controller connection to the Southbound one.
 * A cluster without OVN is not checked, which is no gap: it runs ML2/OVS or another backend.
 */
export default defineArea({
  id: 'ovn',
  title: 'OVN',
  reportOrder: 65,
  causeOrder: 85,
  probes: [ovnDbStatus, ovnControllerStatus],
  assess(s) {
    const dbs = s.values(ovnDbStatus).flatMap(({ node, value }) => (value.ovn ? [{ node, value }] : []));
    const chassis = s.values(ovnControllerStatus).filter((v) => v.value.ovn);
    if (dbs.length === 0 && chassis.length === 0) {
      const none = noOvnSeen(s);
      // Only a full set of readable answers can say there is no OVN; anything unread leaves it not checked.
      if (none.nodes.length && !none.unread)
        return { problems: [], okNote: '', notUsed: `no OVN (no OVN database or ovn-controller on ${listNodes(none.nodes)}${none.readNote})` };
      return { problems: [], okNote: '' };
    }
    const problems: AreaProblem[] = [];
    const notes: string[] = [];
    if (dbs.length) {
      for (const db of ['nb', 'sb'] as const) {
        const judged = judgeDb(
          db,
          dbs.map(({ node, value }) => ({ node, value: value[db] })),
        );
        problems.push(...judged.problems);
        if (judged.note) notes.push(judged.note);
      }
    } else notes.push('no OVN database on the controllers');
    // A controller without the databases while others run them is kolla's `ovn-database` group being smaller: not a fault.
    problems.push(...chassisProblems(s));
    const connected = chassis.filter((c) => c.value.ovn && c.value.running && c.value.connected).length;
    const all = s.values(ovnControllerStatus).length;
    if (all) notes.push(`${connected} of ${all} chassis connected to SB`);
    return { problems, okNote: notes.join('; ') };
  },
  facts: {
    // One hit per server of the leaderless database: each is where an operator would look.
    'ovn-db-status/no-leader': (s) =>
      leaderlessDbs(s).flatMap(({ db, model, nodes }) =>
        nodes.map((node) => ({
          node,
          time: s.takenAt.toISOString(),
          fields: { database: OVN_DBS[db].name, model },
          text: model === 'clustered' ? `${OVN_DBS[db].name} has no raft leader` : `no active ${OVN_DBS[db].name} server`,
        })),
      ),
    'ovn-controller-status/chassis-disconnected': (s) =>
      disconnectedChassis(s).map(({ node, state, message }) => ({
        node,
        time: s.takenAt.toISOString(),
        fields: { state },
        text: state === 'not running' ? `ovn-controller not running: ${message}` : 'ovn-controller not connected to the Southbound database',
      })),
  },
});
