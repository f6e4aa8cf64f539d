import { CONTAINER_STOPPED_MARKER, inContainer, stoppedContainer } from '../deployment/container-script.js';
import { remote, ShellScript } from '../ssh/shell.js';
import { parseDbReading, type OvnDbReading } from './ovn-cluster-status.js';
import { lines, rawText } from './text.js';
import { ok, unknown, type Probe, type ProbeOutput, type ProbeResult } from './types.js';

/** Printed where a node has no OVN database server at all: no container, bundle replica or control socket. */
export const NO_OVN_MARKER = '@@no-ovn';
/** Opens one database's section of the probe's output. */
const SECTION_MARKER = '@@ovn-db';

/** The two OVN databases: kolla's container, the control socket, the schema name. */
export const OVN_DBS = {
  nb: { container: 'ovn_nb_db', tripleoContainer: 'ovn_cluster_north_db_server', ctl: 'ovnnb_db.ctl', name: 'OVN_Northbound' },
  sb: { container: 'ovn_sb_db', tripleoContainer: 'ovn_cluster_south_db_server', ctl: 'ovnsb_db.ctl', name: 'OVN_Southbound' },
} as const;

/** Which OVN database. */
export type OvnDb = keyof typeof OVN_DBS;

/** TripleO runs both databases in one pacemaker bundle, active on one controller, backup on the others. */
export const TRIPLEO_OVN_BUNDLE = 'ovn-dbs-bundle';
/** Replica numbers tried for the bundle's container (as for TripleO's other bundles). */
const BUNDLE_REPLICAS = 32;

/** What a controller's OVN database servers say. */
export type OvnDbStatus = { readonly ovn: false; readonly why: string } | { readonly ovn: true; readonly nb: OvnDbReading; readonly sb: OvnDbReading };

/**
 * One database's command, one script wherever it runs: inside TripleO OSP 17's
 * `ovn_cluster_<north|south>_db_server` or kolla's `ovn_<db>_db` container
 * (docker or podman, chosen by `inContainer`) the socket answers its raft `cluster/status`; on a
 * TripleO host the node's replica of `ovn-dbs-bundle` answers the active/backup `sync-status`; on a
 * host with OVN's packages the socket answers either; elsewhere it prints the no-OVN mark.
 */
function dbScript(db: OvnDb): ShellScript {
  const { container, tripleoContainer, ctl, name } = OVN_DBS[db];
  const appctl = (path: string, cmd: string): string => `ovn-appctl -t ${path} ${cmd} 2>&1`;
  const replicas = Array.from({ length: BUNDLE_REPLICAS }, (_, i) => i).join(' ');
  const bundle = `${TRIPLEO_OVN_BUNDLE}-podman-$n`;
  const script = [
    `c=; if command -v podman >/dev/null 2>&1; then for n in ${replicas}; do if test -z "$c" && podman container inspect ${bundle} >/dev/null 2>&1; then c=${bundle}; fi; done; fi`,
    `if test -n "$c"; then if podman exec "$c" true >/dev/null 2>&1; then podman exec "$c" ${appctl(`/var/run/ovn/${ctl}`, 'ovsdb-server/sync-status')}; else echo ${CONTAINER_STOPPED_MARKER} "$c" podman; fi`,
    ...['/var/run/ovn', '/var/run/openvswitch'].map(
      (dir) =>
        `elif test -e ${dir}/${ctl}; then ${appctl(`${dir}/${ctl}`, `cluster/status ${name}`)} || ${appctl(`${dir}/${ctl}`, 'ovsdb-server/sync-status')}`,
    ),
    `else echo ${NO_OVN_MARKER}; fi`,
  ].join('; ');
  // TripleO since OSP 17 runs raft-clustered databases in plain containers of its own names
  // (tripleo_ovn_cluster_*_db_server units): tried first, then kolla's container, the bundle, the host.
  const located = inContainer(tripleoContainer, inContainer(container, ShellScript.raw(script)));
  return ShellScript.raw(`echo ${SECTION_MARKER} ${db}; ${located.text}`);
}

/** The sections of the output, by database. */
function sections(stdout: string): Map<OvnDb, string> {
  const out = new Map<OvnDb, string>();
  let current: OvnDb | undefined;
  for (const l of lines(stdout)) {
    const m = new RegExp(`^${SECTION_MARKER} (nb|sb)$`).exec(l);
    if (m) {
      current = m[1] as OvnDb;
      out.set(current, '');
    } else if (current) out.set(current, `${out.get(current) ?? ''}${l}\n`);
  }
  return out;
}

/** Reads one database's section. */
function readSection(text: string): OvnDbReading | { unreadable: string } | 'no-ovn' {
  if (new RegExp(`^${NO_OVN_MARKER}$`, 'm').test(text)) return 'no-ovn';
  const stopped = stoppedContainer(text);
  if (stopped) return { model: 'down', message: `${stopped.engine} container ${stopped.container} is not running` };
  return parseDbReading(text, '');
}

/** Reads both databases' sections: a node without either server has no OVN database; one unreadable section makes the answer unknown. */
export function parseOvnDbStatus(output: ProbeOutput): ProbeResult<OvnDbStatus> {
  const raw = rawText(output);
  const parts = sections(output.stdout);
  const nb = parts.get('nb');
  const sb = parts.get('sb');
  if (nb === undefined || sb === undefined) return unknown('no @@ovn-db sections: the probe script did not run', raw);
  const readings = { nb: readSection(nb), sb: readSection(sb) };
  if (readings.nb === 'no-ovn' && readings.sb === 'no-ovn')
    return ok({ ovn: false, why: 'no ovn_nb_db/ovn_sb_db container, ovn-dbs-bundle replica or OVN database socket' });
  const read: Partial<Record<OvnDb, OvnDbReading>> = {};
  for (const db of ['nb', 'sb'] as const) {
    const r = readings[db];
    if (r === 'no-ovn') read[db] = { model: 'down', message: `no ${OVN_DBS[db].container} container or ${OVN_DBS[db].ctl} socket` };
    else if ('unreadable' in r) return unknown(`${OVN_DBS[db].name}: ${r.unreadable}`, raw);
    else read[db] = r;
  }
  return read.nb && read.sb ? ok({ ovn: true, nb: read.nb, sb: read.sb }) : unknown('a database section is missing', raw);
}

/** The OVN Northbound and Southbound database servers of a controller: raft role and leader, or active/backup state. */
export const ovnDbStatus = {
  id: 'ovn-db-status',
  title: 'OVN databases (cluster/status, sync-status)',
  roles: ['controller'],
  scope: 'node',
  command: remote(ShellScript.raw(`${dbScript('nb').text}; ${dbScript('sb').text}`), { privileged: true }),
  timeoutMs: 15_000,
  parse: parseOvnDbStatus,
} satisfies Probe<OvnDbStatus>;
