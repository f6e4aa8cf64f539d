import { KNOWN_ROLES } from '../inventory/roles.js';
import { remote, ShellScript } from '../ssh/shell.js';
import { lines, rawText } from './text.js';
import { ok, unknown, type Probe, type ProbeOutput, type ProbeResult } from './types.js';

/** How long the node has been up, and what it calls itself. */
export interface NodeUptime {
  readonly uptimeSeconds: number;
  readonly hostname: string;
}

/** Reads `cat /proc/uptime; hostname`. */
export function parseUptime(output: ProbeOutput): ProbeResult<NodeUptime> {
  const [first, second] = lines(output.stdout)
    .map((l) => l.trim())
    .filter((l) => l !== '');
  const m = /^(\d+(?:\.\d+)?)\s+\d+(?:\.\d+)?$/.exec(first ?? '');
  if (!m || !second || /\s/.test(second)) return unknown('expected /proc/uptime then a hostname', rawText(output));
  return ok({ uptimeSeconds: Number(m[1]), hostname: second });
}

/** Node uptime and hostname: a cheap liveness check, and it shows a recent reboot. */
export const uptime = {
  id: 'uptime',
  title: 'Uptime',
  roles: KNOWN_ROLES,
  scope: 'node',
  command: remote(ShellScript.raw('cat /proc/uptime; hostname')),
  timeoutMs: 10_000,
  parse: parseUptime,
} satisfies Probe<NodeUptime>;
