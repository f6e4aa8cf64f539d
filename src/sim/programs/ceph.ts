/** `ceph -s` / `ceph health` / `ceph quorum_status` in Luminous' JSON shape; hangs without monitor quorum, like the real CLI. */
import { cephQuorum } from '../state/derive.js';
import type { ClusterState } from '../state/types.js';
import { fail, result, sleep, type ProgramContext, type ProgramDef, type ProgramResult } from '../shell/types.js';

const FSID = '05761444-f55c-42ca-a0b0-97145898c3bc';

function health(c: ClusterState): { checks: Record<string, unknown>; status: string; overall_status: string } {
  const q = cephQuorum(c);
  const down = c.controllers.filter((n) => !q.inQuorum.includes(n));
  const checks: Record<string, unknown> = {};
  if (down.length > 0) {
    checks.MON_DOWN = {
      severity: 'HEALTH_WARN',
      summary: { message: `${down.length}/${c.controllers.length} mons down, quorum ${q.inQuorum.map((n) => n.name).join(',')}` },
      detail: down.map((n) => ({ message: `mon.${n.name} (rank ${c.controllers.indexOf(n)}) addr ${n.ip}:6789/0 is down (out of quorum)` })),
    };
  }
  const status = down.length > 0 ? 'HEALTH_WARN' : 'HEALTH_OK';
  return { checks, status, overall_status: status };
}

function monmap(c: ClusterState): unknown {
  return {
    epoch: 3,
    fsid: FSID,
    modified: '2017-01-04 11:02:31.912212',
    created: '2016-12-28 15:47:52.108262',
    features: { persistent: ['kraken', 'luminous'], optional: [] },
    mons: c.controllers.map((n, rank) => ({ rank, name: n.name, addr: `${n.ip}:6789/0`, public_addr: `${n.ip}:6789/0` })),
  };
}

function quorumStatusDoc(c: ClusterState): unknown {
  const q = cephQuorum(c);
  return {
    election_epoch: 24,
    quorum: q.inQuorum.map((n) => c.controllers.indexOf(n)),
    quorum_names: q.inQuorum.map((n) => n.name),
    quorum_leader_name: q.inQuorum[0]?.name ?? '',
    monmap: monmap(c),
  };
}

function statusDoc(c: ClusterState): unknown {
  const q = cephQuorum(c);
  return {
    fsid: FSID,
    health: health(c),
    election_epoch: 24,
    quorum: q.inQuorum.map((n) => c.controllers.indexOf(n)),
    quorum_names: q.inQuorum.map((n) => n.name),
    monmap: monmap(c),
    osdmap: { osdmap: { epoch: 412, num_osds: 6, num_up_osds: 6, num_in_osds: 6, full: false, nearfull: false, num_remapped_pgs: 0 } },
    pgmap: {
      pgs_by_state: [{ state_name: 'active+clean', count: 512 }],
      num_pgs: 512,
      num_pools: 5,
      num_objects: 48213,
      data_bytes: 187465912340,
      bytes_used: 563712345088,
      bytes_avail: 5438627840000,
      bytes_total: 6002340185088,
    },
    fsmap: { epoch: 1, by_rank: [] },
    mgrmap: {
      epoch: 18,
      active_gid: 14123,
      active_name: c.controllers[0]?.name ?? '',
      active_addr: `${c.controllers[0]?.ip ?? ''}:6800/2143`,
      available: true,
      standbys: [],
    },
    servicemap: { epoch: 1, modified: '0.000000', services: {} },
  };
}

async function ceph(ctx: ProgramContext): Promise<ProgramResult> {
  const args = [...ctx.args];
  const json = args.some((a, i) => (a === '-f' || a === '--format') && (args[i + 1] ?? '').startsWith('json')) || args.includes('--format=json');
  const words = args.filter((a, i) => !a.startsWith('-') && !['-f', '--format'].includes(args[i - 1] ?? ''));
  const c = ctx.cluster;
  if (!cephQuorum(c).hasQuorum) {
    // Without quorum the real client waits for a monitor forever; callers wrap it in `timeout`.
    await sleep(3_600_000, ctx.signal);
    return fail('', 1);
  }
  const cmd = words.join(' ');
  if (ctx.args.includes('-s') || cmd === 'status') {
    if (json) return result(`${JSON.stringify(statusDoc(c))}\n`);
    const h = health(c);
    const q = cephQuorum(c);
    return result(
      `  cluster:\n    id:     ${FSID}\n    health: ${h.status}\n\n  services:\n    mon: ${c.controllers.length} daemons, quorum ${q.inQuorum.map((n) => n.name).join(',')}\n    osd: 6 osds: 6 up, 6 in\n`,
    );
  }
  if (cmd === 'quorum_status') return result(`${JSON.stringify(quorumStatusDoc(c))}\n`);
  if (cmd === 'health' || cmd === 'health detail') {
    const h = health(c);
    if (json) return result(`${JSON.stringify(h)}\n`);
    return result(
      `${h.status}${
        Object.keys(h.checks).length > 0
          ? ` ${Object.values(h.checks)
              .map((x) => (x as { summary: { message: string } }).summary.message)
              .join('; ')}`
          : ''
      }\n`,
    );
  }
  return fail(`no valid command found; 10 closest matches:\n${cmd}`, 22);
}

/**
 * Ceph CLI, on controllers: inside the monitor's container where the release runs it in one of its
 * own name (ceph-ansible on OSP 16, cephadm on OSP 17, whose hosts have no `ceph`), on the host otherwise.
 */
export const cephPrograms: Record<string, ProgramDef> = {
  ceph: { roles: ['controller'], installedOn: (n, env) => !n.containerNames?.has('ceph-mon') || env?.get('container') !== undefined, run: ceph },
};
