/** Line formats of the logs the simulator writes, matching the real daemons' output. */
import { createHash } from 'node:crypto';

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const DAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];

const pad = (n: number, w = 2): string => String(n).padStart(w, '0');

/** `2017-02-15 06:25:44.123` (oslo.log, UTC). */
export function osloTime(ms: number): string {
  const d = new Date(ms);
  return `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())} ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}.${pad(d.getUTCMilliseconds(), 3)}`;
}

/** `14-Feb-2017::05:49:45` (RabbitMQ 3.5's report header; the day is not zero-padded). */
export function rabbitOldTime(ms: number): string {
  const d = new Date(ms);
  return `${d.getUTCDate()}-${MONTHS[d.getUTCMonth()]}-${d.getUTCFullYear()}::${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}`;
}

/** `Tue Feb 14 05:50:01 2017` (ctime, as crm_mon prints). */
export function ctime(ms: number): string {
  const d = new Date(ms);
  return `${DAYS[d.getUTCDay()]} ${MONTHS[d.getUTCMonth()]} ${pad(d.getUTCDate())} ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())} ${d.getUTCFullYear()}`;
}

/** `2017-02-14T05:50:01.000000` (OpenStack API `updated_at`). */
export function isoMicro(ms: number): string {
  return `${new Date(ms).toISOString().slice(0, 19)}.000000`;
}

/** One RabbitMQ 3.5 report: header line, message lines, blank separator. */
export function rabbitReport(ms: number, level: 'INFO' | 'WARNING' | 'ERROR', message: readonly string[]): string[] {
  return [`=${level} REPORT==== ${rabbitOldTime(ms)} ===`, ...message, ''];
}

/** One oslo.log line; `context` is the `[req-... ...]` part (or `[-]`). */
export function osloLine(ms: number, pid: number, level: 'INFO' | 'WARNING' | 'ERROR' | 'DEBUG', logger: string, message: string, context = '[-]'): string {
  return `${osloTime(ms)} ${pid} ${level} ${logger} ${context} ${message}`;
}

/** A stable request context like the seed's `[req-c83bcc9e-... - - - - -]`, derived from `seed`. */
export function reqContext(seed: string): string {
  return `[req-${stableUuid(seed)} - - - - -]`;
}

/** A UUID-shaped id that is the same for the same input, so runs are reproducible. */
export function stableUuid(seed: string): string {
  const h = createHash('md5').update(seed).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

/** libvirtd's own log line format. */
export function libvirtLine(ms: number, pid: number, level: 'info' | 'error' | 'warning', message: string): string {
  return `${new Date(ms).toISOString().replace('T', ' ').replace('Z', '')}+0000: ${pid}: ${level} : ${message}`;
}

/** Pacemaker 2's detail log line. */
export function pacemakerLine(ms: number, node: string, pid: number, daemon: string, level: 'notice' | 'error' | 'warning' | 'info', message: string): string {
  const d = new Date(ms);
  return `${MONTHS[d.getUTCMonth()]} ${pad(d.getUTCDate())} ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())} ${node} ${daemon} [${pid}] (${daemon}) ${level}: ${message}`;
}
