/** Reading `/cluster status` replies of the TripleO release scenarios (shared by tripleo-osp16/17.spec.ts). */

/** The block of one area in a `/cluster status` text reply: its line and the indented lines under it. */
export function areaBlock(text: string, title: string): string {
  const lines = text.split('\n');
  const start = lines.findIndex((l) => new RegExp(`^\\S ${title} `).test(l));
  if (start < 0) return '';
  const rest = lines.slice(start + 1);
  const end = rest.findIndex((l) => !l.startsWith('   '));
  return [lines[start], ...rest.slice(0, end < 0 ? rest.length : end)].join('\n');
}

/** Every area of `/cluster status`, in its report order. */
export const AREAS = ['Pacemaker', 'RabbitMQ', 'Galera', 'Ceph', 'Nova', 'Neutron', 'OVN', 'Disk', 'libvirt'] as const;

/** The commands one node received, from the simulator's command log. */
export function sentTo(log: readonly { node: string; command: string }[], node: string): string[] {
  return log.filter((e) => e.node === node).map((e) => e.command);
}
