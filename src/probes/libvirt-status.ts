import { inContainer, stoppedContainer } from '../deployment/container-script.js';
import { KOLLA_CONTAINERS } from '../deployment/kolla.js';
import { TRIPLEO_CONTAINERS } from '../deployment/tripleo.js';
import { remote, ShellScript } from '../ssh/shell.js';
import { rawText } from './text.js';
import { ok, unknown, type Probe, type ProbeOutput, type ProbeResult } from './types.js';

/**
 * The libvirt daemon nova-compute talks to: the monolithic `libvirtd`, or, with libvirt's modular
 * daemons (TripleO Wallaby / OSP 17's `nova_virtqemud` container), `virtqemud`, which runs the guests.
 */
export type LibvirtDaemon = 'libvirtd' | 'virtqemud';

/** The socket each daemon listens on, which nova-compute's `qemu:///system` connects to. */
export const LIBVIRT_SOCKETS: Readonly<Record<LibvirtDaemon, string>> = {
  libvirtd: '/var/run/libvirt/libvirt-sock',
  virtqemud: '/var/run/libvirt/virtqemud-sock',
};

/** Whether nova-compute can reach libvirt on this node. */
export interface LibvirtStatus {
  /** The daemon's socket exists (nova-compute fails without it). */
  readonly socketPresent: boolean;
  readonly daemonRunning: boolean;
  /** Which daemon was checked; undefined (read as libvirtd) in values built before modular libvirt was told apart. */
  readonly daemon?: LibvirtDaemon | undefined;
}

/** The daemon of a status, libvirtd unless the node runs the modular daemons. */
export function daemonOf(s: LibvirtStatus): LibvirtDaemon {
  return s.daemon ?? 'libvirtd';
}

/** Reads the `socket=...` and `libvirtd=...` (or `virtqemud=...`) lines. */
export function parseLibvirtStatus(output: ProbeOutput): ProbeResult<LibvirtStatus> {
  const socket = /^socket=(present|missing)$/m.exec(output.stdout)?.[1];
  const daemonLine = /^(libvirtd|virtqemud)=(running|stopped)$/m.exec(output.stdout);
  if (!socket || !daemonLine) return unknown('expected socket=... and libvirtd=... (or virtqemud=...) lines', rawText(output));
  // Only the modular daemon is named: a libvirtd value reads as every value did before.
  const daemon = daemonLine[1] === 'virtqemud' ? 'virtqemud' : undefined;
  return ok({ socketPresent: socket === 'present', daemonRunning: daemonLine[2] === 'running', daemon });
}

/** The probe's output: a stopped `nova_libvirt` or `nova_virtqemud` container has neither daemon nor socket. */
export function readLibvirtProbe(output: ProbeOutput): ProbeResult<LibvirtStatus> {
  const stopped = stoppedContainer(output.stdout);
  if (stopped)
    return ok({ socketPresent: false, daemonRunning: false, daemon: stopped.container === TRIPLEO_CONTAINERS.novaVirtqemud ? 'virtqemud' : undefined });
  return parseLibvirtStatus(output);
}

/** The socket and daemon check of `daemon`, as run where the daemon lives. */
function check(daemon: LibvirtDaemon): ShellScript {
  // Socket activation (RHEL 9's default for the modular daemons) lets an idle virtqemud exit after
  // its timeout while virtqemud.socket keeps listening: a listening socket unit is a running daemon
  // to nova-compute. Inside a container there is no systemctl, and only the process counts.
  const running =
    daemon === 'virtqemud' ? `pgrep -x virtqemud >/dev/null || systemctl -q is-active virtqemud.socket 2>/dev/null` : `pgrep -x libvirtd >/dev/null`;
  return ShellScript.raw(
    `if test -S ${LIBVIRT_SOCKETS[daemon]}; then echo socket=present; else echo socket=missing; fi; if ${running}; then echo ${daemon}=running; else echo ${daemon}=stopped; fi`,
  );
}

/**
 * Which daemon a host (or the `nova_libvirt` container) runs, told in the same command: libvirtd
 * when its process runs; virtqemud when its process or socket is there (a classic RHEL 9 host,
 * libvirt's modular daemons with no libvirtd); then whichever of `libvirtd.service` and the
 * `virtqemud` units systemd has enabled (`systemctl -q is-enabled` exits 0 only for an enabled
 * unit, non-zero for disabled, masked or not-found ones); libvirtd when nothing says (SysV, or no
 * systemd units at all), as before modular libvirt was told apart.
 */
function hostCheck(): ShellScript {
  const enabled = (unit: string): string => `systemctl -q is-enabled ${unit} 2>/dev/null`;
  return ShellScript.raw(
    [
      `if pgrep -x libvirtd >/dev/null; then ${check('libvirtd').text}`,
      `elif pgrep -x virtqemud >/dev/null || test -S ${LIBVIRT_SOCKETS.virtqemud}; then ${check('virtqemud').text}`,
      `elif ${enabled('libvirtd.service')}; then ${check('libvirtd').text}`,
      `elif ${enabled('virtqemud.socket')} || ${enabled('virtqemud.service')}; then ${check('virtqemud').text}`,
      `else ${check('libvirtd').text}; fi`,
    ].join('; '),
  );
}

/** True when an engine knows the container, running or not. */
function containerExists(container: string): string {
  return ['docker', 'podman'].map((e) => `${e} container inspect ${container} >/dev/null 2>&1`).join(' || ');
}

/**
 * On a node with the `nova_virtqemud` container (TripleO since Wallaby), virtqemud and its socket
 * inside it; otherwise the daemon `nova_libvirt` (kolla, TripleO up to Train) or the host runs:
 * libvirtd and libvirt-sock, or virtqemud and virtqemud-sock on a host with modular libvirt.
 * The node tells which, in the same command.
 */
const SCRIPT = ShellScript.raw(
  `if ${containerExists(TRIPLEO_CONTAINERS.novaVirtqemud)}; then ${inContainer(TRIPLEO_CONTAINERS.novaVirtqemud, check('virtqemud')).text}; else ${
    inContainer(KOLLA_CONTAINERS.novaLibvirt, hostCheck()).text
  }; fi`,
);

/** The libvirt socket and daemon on a compute node. */
export const libvirtStatus = {
  id: 'libvirt-status',
  title: 'libvirt',
  roles: ['compute'],
  scope: 'node',
  command: remote(SCRIPT),
  timeoutMs: 10_000,
  parse: readLibvirtProbe,
} satisfies Probe<LibvirtStatus>;
