/**
 * Sizes for people, in SI units (1 GB = 10^9 bytes) as RabbitMQ and cinder print them:
 * `83.7 GB`, `5.0 MB`, `512 B`. One formatter for every reply, so that the same file never
 * shows as 77.9 in one message and 83.7 in the next.
 */
export function humanBytes(n: number): string {
  if (!Number.isFinite(n)) return '?';
  const units = ['B', 'kB', 'MB', 'GB', 'TB', 'PB'];
  let v = n;
  let i = 0;
  while (Math.abs(v) >= 1000 && i < units.length - 1) {
    v /= 1000;
    i += 1;
  }
  return i === 0 ? `${v} B` : `${v.toFixed(v >= 100 ? 0 : 1)} ${units[i]}`;
}
