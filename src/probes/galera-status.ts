import { inContainer, stoppedContainer } from '../deployment/container-script.js';
import { KOLLA_CONTAINERS } from '../deployment/kolla.js';
import { remote, ShellScript } from '../ssh/shell.js';
import { lines, rawText } from './text.js';
import { ok, unknown, type Probe, type ProbeOutput, type ProbeResult } from './types.js';

/** wsrep status of the local MariaDB/MySQL Galera node. */
export interface GaleraRunning {
  readonly running: true;
  readonly clusterSize: number | undefined;
  /** `Primary` when the node is in the quorate component; `non-Primary` or `Disconnected` otherwise. */
  readonly clusterStatus: string | undefined;
  /** `Synced`, `Donor/Desynced`, `Joining`, `Joined`, `Initialized` ... */
  readonly localState: string | undefined;
  readonly ready: boolean;
  readonly connected: boolean;
}

/** The mysql client could not reach the server. */
export interface GaleraDown {
  readonly running: false;
  readonly message: string;
}

/** The value of the `galera-status` probe. */
export type GaleraStatus = GaleraRunning | GaleraDown;

const SERVER_DOWN = /Can't connect to (local )?(MySQL |MariaDB )?server/i;

/** Reads `mysql -N -B` name/value lines for the wsrep status variables. */
export function parseGaleraStatus(output: ProbeOutput): ProbeResult<GaleraStatus> {
  const raw = rawText(output);
  const vars = new Map<string, string>();
  for (const line of lines(output.stdout)) {
    const m = /^(wsrep_\w+)\t(.*)$/.exec(line);
    if (m) vars.set(m[1] ?? '', (m[2] ?? '').trim());
  }
  if (vars.size === 0) {
    const error = lines(`${output.stderr}\n${output.stdout}`).find((l) => SERVER_DOWN.test(l));
    if (error) return ok({ running: false, message: error.trim() });
    if (output.stdout.trim() === '' && output.stderr.trim() === '' && output.exitCode === 0) {
      return unknown('the server has no wsrep status variables: not a Galera node', raw);
    }
    return unknown('no wsrep status variables in the output', raw);
  }
  const size = vars.get('wsrep_cluster_size');
  return ok({
    running: true,
    clusterSize: size === undefined || !/^\d+$/.test(size) ? undefined : Number(size),
    clusterStatus: vars.get('wsrep_cluster_status'),
    localState: vars.get('wsrep_local_state_comment') || undefined,
    ready: vars.get('wsrep_ready') === 'ON',
    connected: vars.get('wsrep_connected') === 'ON',
  });
}

/** The probe's output: a stopped kolla `mariadb` container is MySQL down; anything else is mysql's. */
export function readGaleraProbe(output: ProbeOutput): ProbeResult<GaleraStatus> {
  const stopped = stoppedContainer(output.stdout);
  if (stopped) return ok({ running: false, message: `${stopped.engine} container ${stopped.container} is not running` });
  return parseGaleraStatus(output);
}

/** Galera membership of the local database node: cluster size, Primary or not, Synced or not. */
export const galeraStatus = {
  id: 'galera-status',
  title: 'Galera (wsrep) status',
  roles: ['controller'],
  scope: 'node',
  command: remote(
    inContainer(
      KOLLA_CONTAINERS.mariadb,
      ShellScript.raw(
        `mysql -N -B -e "SHOW GLOBAL STATUS WHERE Variable_name IN ('wsrep_cluster_size','wsrep_cluster_status','wsrep_local_state_comment','wsrep_ready','wsrep_connected')"`,
      ),
    ),
    { privileged: true },
  ),
  timeoutMs: 15_000,
  parse: readGaleraProbe,
} satisfies Probe<GaleraStatus>;
