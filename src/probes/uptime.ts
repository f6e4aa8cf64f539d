import { ShellScript, remote } from '../ssh/shell.js';
import { ok, unknown, type Probe } from './types.js';

/** How long a node has been up, and what it calls itself. */
export interface Uptime {
  readonly uptimeSeconds: number;
  readonly hostname: string;
}

/** Reads `/proc/uptime` and the host name: the cheapest proof that a node answers. */
export const uptime = {
  id: 'uptime',
  title: 'Uptime',
  roles: ['controller', 'compute'],
  scope: 'node',
  command: remote(ShellScript.raw('cat /proc/uptime; hostname')),
  timeoutMs: 10_000,
  parse({ stdout }) {
    const [first = '', second = ''] = stdout.split('\n');
    const m = /^(\d+(?:\.\d+)?)\s+\d+(?:\.\d+)?$/.exec(first.trim());
    const hostname = second.trim();
    if (!m || !m[1] || hostname === '') return unknown('expected "<seconds> <idle>" then a host name', stdout);
    return ok({ uptimeSeconds: Number(m[1]), hostname });
  },
} satisfies Probe<Uptime>;
