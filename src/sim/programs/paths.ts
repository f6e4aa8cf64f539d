/** Where the emulated programs live, for `command -v` and `which`. */
const SBIN = new Set(['crm_mon', 'crm_resource', 'crm', 'pcs', 'rabbitmqctl', 'rabbitmq-diagnostics', 'service', 'fuser', 'libvirtd', 'mysqld']);
const BIN = new Set([
  'systemctl',
  'df',
  'rm',
  'cat',
  'echo',
  'grep',
  'zgrep',
  'gzip',
  'gunzip',
  'zcat',
  'sh',
  'bash',
  'hostname',
  'sleep',
  'true',
  'false',
  'ls',
  'uptime',
  'pgrep',
  'stat',
  'sort',
  'head',
  'tail',
  'wc',
]);

/** The absolute path of an installed program. */
export function programPath(name: string): string {
  if (SBIN.has(name)) return `/usr/sbin/${name}`;
  if (BIN.has(name)) return `/bin/${name}`;
  return `/usr/bin/${name}`;
}
