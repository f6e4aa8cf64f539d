import { inContainer, stoppedContainer } from '../deployment/container-script.js';
import { KOLLA_CONTAINERS } from '../deployment/kolla.js';
import { remote, ShellScript } from '../ssh/shell.js';
import { rawText } from './text.js';
import { ok, unknown, type Probe, type ProbeOutput, type ProbeResult } from './types.js';

/** Whether nova-compute can reach libvirt on this node. */
export interface LibvirtStatus {
  /** `/var/run/libvirt/libvirt-sock` exists (nova-compute fails without it). */
  readonly socketPresent: boolean;
  readonly daemonRunning: boolean;
}

/** Reads the `socket=...` and `libvirtd=...` lines. */
export function parseLibvirtStatus(output: ProbeOutput): ProbeResult<LibvirtStatus> {
  const socket = /^socket=(present|missing)$/m.exec(output.stdout)?.[1];
  const daemon = /^libvirtd=(running|stopped)$/m.exec(output.stdout)?.[1];
  if (!socket || !daemon) return unknown('expected socket=... and libvirtd=... lines', rawText(output));
  return ok({ socketPresent: socket === 'present', daemonRunning: daemon === 'running' });
}

/** The probe's output: a stopped kolla `nova_libvirt` container has neither daemon nor socket. */
export function readLibvirtProbe(output: ProbeOutput): ProbeResult<LibvirtStatus> {
  if (stoppedContainer(output.stdout)) return ok({ socketPresent: false, daemonRunning: false });
  return parseLibvirtStatus(output);
}

/** The libvirt socket and daemon on a compute node. */
export const libvirtStatus = {
  id: 'libvirt-status',
  title: 'libvirt',
  roles: ['compute'],
  scope: 'node',
  command: remote(
    inContainer(
      KOLLA_CONTAINERS.novaLibvirt,
      ShellScript.raw(
        'if test -S /var/run/libvirt/libvirt-sock; then echo socket=present; else echo socket=missing; fi; if pgrep -x libvirtd >/dev/null; then echo libvirtd=running; else echo libvirtd=stopped; fi',
      ),
    ),
  ),
  timeoutMs: 10_000,
  parse: readLibvirtProbe,
} satisfies Probe<LibvirtStatus>;
