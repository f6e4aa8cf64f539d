/**
 * Reading what an OVN database server says of itself: `cluster/status DB` of a raft-clustered
 * ovsdb-server (kolla-ansible, OVN's own ovn-ctl clusters) and `ovsdb-server/sync-status` of an
 * active/backup pair (TripleO's `ovn-dbs-bundle`). Formats from openvswitch's ovsdb/raft.c
 * (`raft_unixctl_status`) and ovsdb/replication.c; real outputs in test/fixtures/probes/ovn/.
 */
import { lines } from './text.js';

/** One server of the raft configuration, as `Servers:` lists it. */
export interface OvnRaftServer {
  /** The short server id (`3e6e`). */
  readonly sid: string;
  readonly address: string;
  readonly self: boolean;
}

/** `cluster/status` of one clustered database on one server. */
export interface OvnRaftStatus {
  readonly model: 'clustered';
  /** `OVN_Northbound`, `OVN_Southbound`. */
  readonly name: string;
  readonly sid: string;
  /** `cluster member`, `joining cluster`, `leaving cluster`, `disconnected from the cluster (election timeout)`, ... */
  readonly status: string;
  /** `leader`, `follower`, `candidate`. */
  readonly role: string;
  readonly term: number | undefined;
  /** The leader's short id, `self`, or undefined when the server prints `unknown`. */
  readonly leader: string | undefined;
  readonly servers: readonly OvnRaftServer[];
  /** Peers this server has a working connection to or from (`->b8af`, `<-b8af`), `0000` (not yet identified) left out. */
  readonly connectedPeers: readonly string[];
  /** Peers whose connection is failing (`(->7e27)`, `(<-7e27)`). */
  readonly failingPeers: readonly string[];
}

/** `ovsdb-server/sync-status` of an active/backup database server. */
export interface OvnSyncStatus {
  readonly model: 'active-backup';
  readonly state: 'active' | 'backup';
  /** For a backup: `replicating`, `connecting`, `not connected`, `failed`; undefined for the active one. */
  readonly replication: 'replicating' | 'connecting' | 'not connected' | 'failed' | undefined;
  /** The active server a backup replicates from. */
  readonly from: string | undefined;
}

/** The database server is not running, or not reachable through its control socket. */
export interface OvnDbDown {
  readonly model: 'down';
  /** The tool's own line (`ovn-appctl: cannot connect to "/var/run/ovn/ovnnb_db.ctl" (No such file or directory)`). */
  readonly message: string;
}

/** What one database server said of itself. */
export type OvnDbReading = OvnRaftStatus | OvnSyncStatus | OvnDbDown;

/** Why a text could not be read. */
export interface OvnUnreadable {
  readonly unreadable: string;
}

const CONNECTION = /^(\()?(->|<-)([0-9a-f]{4})\)?$/;

function field(text: string, name: string): string | undefined {
  const re = new RegExp(`^${name}: (.*)$`);
  for (const l of lines(text)) {
    const m = re.exec(l);
    if (m) return (m[1] ?? '').trim();
  }
  return undefined;
}

/** Reads the `Servers:` block: one indented `sid (sid at address)` line per server. */
function servers(text: string): OvnRaftServer[] {
  const all = lines(text);
  const start = all.findIndex((l) => l === 'Servers:');
  if (start < 0) return [];
  const out: OvnRaftServer[] = [];
  for (const l of all.slice(start + 1)) {
    const m = /^\s+([0-9a-f]{4}) \(\S+ at (\S+)\)(.*)$/.exec(l);
    if (!m) break;
    out.push({ sid: m[1] ?? '', address: m[2] ?? '', self: /\(self\)/.test(m[3] ?? '') });
  }
  return out;
}

/** Reads `cluster/status DB`; anything without the fields every OVS since 2.9 prints is unreadable. */
export function parseRaftStatus(text: string): OvnRaftStatus | OvnUnreadable {
  const name = field(text, 'Name');
  const role = field(text, 'Role');
  const status = field(text, 'Status');
  const leader = field(text, 'Leader');
  const serverId = field(text, 'Server ID');
  if (!name || !role || !status || leader === undefined || !serverId) return { unreadable: 'no Name, Server ID, Status, Role and Leader lines' };
  const connected = new Set<string>();
  const failing = new Set<string>();
  for (const token of (field(text, 'Connections') ?? '').split(/\s+/).filter(Boolean)) {
    const m = CONNECTION.exec(token);
    if (!m || m[3] === '0000') continue;
    (m[1] ? failing : connected).add(m[3] ?? '');
  }
  for (const sid of connected) failing.delete(sid);
  const term = field(text, 'Term');
  return {
    model: 'clustered',
    name,
    sid: serverId.split(' ')[0] ?? serverId,
    status,
    role,
    term: term && /^\d+$/.test(term) ? Number(term) : undefined,
    leader: leader === 'unknown' || leader === '' ? undefined : leader,
    servers: servers(text),
    connectedPeers: [...connected],
    failingPeers: [...failing],
  };
}

/** Reads `ovsdb-server/sync-status`. */
export function parseSyncStatus(text: string): OvnSyncStatus | OvnUnreadable {
  const state = field(text, 'state');
  if (state !== 'active' && state !== 'backup') return { unreadable: 'no "state: active|backup" line' };
  if (state === 'active') return { model: 'active-backup', state, replication: undefined, from: undefined };
  const body = lines(text).map((l) => l.trim());
  const pick = (re: RegExp): string | undefined => body.map((l) => re.exec(l)?.[1]).find((x) => x !== undefined);
  const replicating = pick(/^replicating: (\S+)/);
  if (replicating) return { model: 'active-backup', state, replication: 'replicating', from: replicating };
  const connecting = pick(/^connecting: (\S+)/);
  if (connecting) return { model: 'active-backup', state, replication: 'connecting', from: connecting };
  const lost = pick(/^not connected to (\S+)/);
  if (lost) return { model: 'active-backup', state, replication: 'not connected', from: lost };
  const failed = pick(/^Replication to \((\S+)\) failed/);
  if (failed) return { model: 'active-backup', state, replication: 'failed', from: failed };
  return { unreadable: 'a backup without a replication line' };
}

/** ovn-appctl's own lines when the server cannot answer (no socket, refused, left the cluster). */
const DOWN_LINE = /^ovn-appctl: |^ovs-appctl: /;

/**
 * Reads what one database's command printed: a raft status, a sync status, or ovn-appctl's own
 * complaint that nothing answers on the control socket.
 */
export function parseDbReading(stdout: string, stderr: string): OvnDbReading | OvnUnreadable {
  if (/^Name: /m.test(stdout)) return parseRaftStatus(stdout);
  if (/^state: /m.test(stdout)) return parseSyncStatus(stdout);
  const down = lines(`${stderr}\n${stdout}`).find((l) => DOWN_LINE.test(l));
  if (down) {
    const before = lines(`${stderr}\n${stdout}`).filter((l) => l.trim() !== '' && !DOWN_LINE.test(l) && !/\|WARN\|/.test(l));
    return { model: 'down', message: before.length ? `${before.join('; ')}: ${down.trim()}` : down.trim() };
  }
  return { unreadable: 'neither a cluster/status nor a sync-status answer' };
}
