import { inContainer, stoppedContainer } from '../deployment/container-script.js';
import { remote, ShellScript } from '../ssh/shell.js';
import { NO_OVN_MARKER } from './ovn-db-status.js';
import { lines, rawText } from './text.js';
import { ok, unknown, type Probe, type ProbeOutput, type ProbeResult } from './types.js';

/** kolla's and TripleO's container of ovn-controller. */
export const OVN_CONTROLLER_CONTAINER = 'ovn_controller';

/** A chassis' ovn-controller and its connection to the Southbound database. */
export type OvnControllerStatus =
  | { readonly ovn: false; readonly why: string }
  | { readonly ovn: true; readonly running: true; readonly connected: boolean }
  | { readonly ovn: true; readonly running: false; readonly message: string };

const DOWN_LINE = /^ovn-appctl: /;

/**
 * Reads `ovn-appctl -t ovn-controller connection-status`: `connected` or `not connected` (OVN's
 * lib/ovn-util.c, `ovn_conn_show`); ovn-appctl's own complaint when no ovn-controller answers.
 */
export function parseOvnControllerStatus(output: ProbeOutput): ProbeResult<OvnControllerStatus> {
  const raw = rawText(output);
  const text = lines(`${output.stdout}\n${output.stderr}`).map((l) => l.trim());
  if (text.includes(NO_OVN_MARKER)) return ok({ ovn: false, why: 'no ovn_controller container or ovn-controller socket' });
  const stopped = stoppedContainer(output.stdout);
  if (stopped) return ok({ ovn: true, running: false, message: `${stopped.engine} container ${stopped.container} is not running` });
  if (text.includes('connected')) return ok({ ovn: true, running: true, connected: true });
  if (text.includes('not connected')) return ok({ ovn: true, running: true, connected: false });
  const down = text.find((l) => DOWN_LINE.test(l));
  if (down) return ok({ ovn: true, running: false, message: down });
  return unknown('expected "connected" or "not connected"', raw);
}

/**
 * The host's script: ovn-controller's control socket is named after its pid
 * (`/var/run/ovn/ovn-controller.<pid>.ctl`), which `-t ovn-controller` finds through the pidfile.
 */
const SCRIPT = [
  'if test -e /var/run/ovn/ovn-controller.pid || test -e /var/run/openvswitch/ovn-controller.pid',
  'then ovn-appctl -t ovn-controller connection-status 2>&1',
  `else echo ${NO_OVN_MARKER}; fi`,
].join('; ');

/** Each chassis' ovn-controller: running, and connected to the Southbound database or not. */
export const ovnControllerStatus = {
  id: 'ovn-controller-status',
  title: 'ovn-controller connection to the Southbound database',
  roles: ['compute', 'network'],
  scope: 'node',
  command: remote(inContainer(OVN_CONTROLLER_CONTAINER, ShellScript.raw(SCRIPT)), {
    privileged: true,
  }),
  timeoutMs: 15_000,
  // Most clusters run ML2/OVS: asking each of hundreds of computes every status whether it has an
  // ovn-controller doubled a warm status's commands. A node with none is asked again after 10
  // minutes (the area says when it was read); a chassis that has one is asked every time.
  maxAgeMs: 10 * 60_000,
  reuse: (value) => !value.ovn,
  parse: parseOvnControllerStatus,
} satisfies Probe<OvnControllerStatus>;
