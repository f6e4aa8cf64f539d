import { KNOWN_ROLES } from '../inventory/roles.js';
import { remote, ShellScript } from '../ssh/shell.js';
import { rawText } from './text.js';
import { ok, unknown, type Probe, type ProbeOutput, type ProbeResult } from './types.js';

/** How services are started on the node: runbooks pick `systemctl` or `service` from it. */
export type InitSystem = 'systemd' | 'sysv';

/** Reads the single word the probe prints. */
export function parseInitSystem(output: ProbeOutput): ProbeResult<InitSystem> {
  const word = output.stdout.trim();
  if (word === 'systemd' || word === 'sysv') return ok(word);
  return unknown('expected "systemd" or "sysv"', rawText(output));
}

/** Whether the node runs systemd or SysV-style init. */
export const initSystem = {
  id: 'init-system',
  title: 'Init system',
  roles: KNOWN_ROLES,
  scope: 'node',
  command: remote(ShellScript.raw('if command -v systemctl >/dev/null 2>&1 && test -d /run/systemd/system; then echo systemd; else echo sysv; fi')),
  timeoutMs: 10_000,
  parse: parseInitSystem,
} satisfies Probe<InitSystem>;
