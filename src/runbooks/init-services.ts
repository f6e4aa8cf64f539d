/** Starting and stopping daemons the node's own way: `systemctl` on systemd, `service` on SysV. */
import { initSystem, type InitSystem } from '../probes/init-system.js';
import { sh, type ShellScript } from '../ssh/shell.js';
import { readProbe } from './read.js';
import type { RunbookContext } from './types.js';

/** The node's init system; SysV when the probe cannot tell (`service` works on systemd too). */
export async function detectInit(rctx: Pick<RunbookContext, 'executor'>, node: string): Promise<InitSystem> {
  const r = await readProbe(rctx, node, initSystem);
  return r.ok ? r.value : 'sysv';
}

/** `systemctl stop libvirtd` / `service libvirtd stop`. */
export function serviceScript(init: InitSystem, service: string, verb: 'start' | 'stop' | 'restart'): ShellScript {
  return init === 'systemd' ? sh`systemctl ${verb} ${service}` : sh`service ${service} ${verb}`;
}

/**
 * Stops a daemon only if it runs: SysV `service X stop` fails on a stopped job ("Unknown
 * instance"), and a runbook must not stop on that.
 */
export function stopIfRunningScript(init: InitSystem, service: string): ShellScript {
  if (init === 'systemd') return sh`systemctl stop ${service}`;
  return sh`if service ${service} status >/dev/null 2>&1; then service ${service} stop; fi`;
}
