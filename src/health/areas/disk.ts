import { diskUsage, type DiskMount } from '../../probes/disk-usage.js';
import { spaceHogs } from '../../probes/space-hogs.js';
import { humanBytes } from '../../render/bytes.js';
import { defineArea } from '../area.js';
import type { ClusterSnapshot } from '../snapshot.js';

/** Root or data mount usage at which a node is flagged. */
export const DISK_WARN_PERCENT = 85;
/** Mount usage at which a disk counts as full: critical, and the `mount-full` fact. */
export const DISK_CRITICAL_PERCENT = 95;

/** Mounts at or above `percent`, with their node. */
function mountsAbove(s: ClusterSnapshot, percent: number): { node: string; mount: DiskMount }[] {
  return s.values(diskUsage).flatMap(({ node, value }) => value.mounts.filter((m) => m.usePercent >= percent).map((mount) => ({ node, mount })));
}

/** What fills a mount: the largest known file under it, else the largest known directory. */
function hogUnder(s: ClusterSnapshot, node: string, m: DiskMount): string {
  const underMount = (path: string): boolean => m.mountpoint === '/' || path.startsWith(`${m.mountpoint}/`);
  const files = s.values(spaceHogs).find((v) => v.node === node)?.value.files ?? [];
  const biggestFile = files.filter((f) => underMount(f.path))[0];
  if (biggestFile) return ` (${humanBytes(biggestFile.bytes)} in ${biggestFile.path})`;
  const dirs = s.values(diskUsage).find((v) => v.node === node)?.value.hogs ?? [];
  const biggestDir = [...dirs].filter((h) => underMount(h.path)).sort((a, b) => b.bytes - a.bytes)[0];
  return biggestDir && biggestDir.bytes > 0 ? ` (${humanBytes(biggestDir.bytes)} in ${biggestDir.path})` : '';
}

/** Disk: how full every node's real filesystems are, and what fills a full one. */
export default defineArea({
  id: 'disk',
  title: 'Disk',
  reportOrder: 70,
  causeOrder: 10,
  probes: [diskUsage],
  detailProbes: [spaceHogs],
  assess(s) {
    const problems = mountsAbove(s, DISK_WARN_PERCENT).map(({ node, mount: m }) => ({
      severity: m.usePercent >= DISK_CRITICAL_PERCENT ? ('critical' as const) : ('warning' as const),
      nodes: [node],
      summary: `${node} ${m.mountpoint} ${m.usePercent}% full, ${humanBytes(m.availBytes)} free${hogUnder(s, node, m)}`,
    }));
    const usages = s.values(diskUsage);
    const fullest = Math.max(0, ...usages.flatMap((u) => u.value.mounts.map((m) => m.usePercent)));
    return { problems, okNote: usages.length ? `fullest mount at ${fullest}%` : '' };
  },
  facts: {
    'disk-usage/mount-full': (s) =>
      mountsAbove(s, DISK_CRITICAL_PERCENT).map(({ node, mount: m }) => ({
        node,
        time: s.takenAt.toISOString(),
        fields: { mount: m.mountpoint, usePercent: String(m.usePercent), availBytes: String(m.availBytes) },
        text: `${m.mountpoint} ${m.usePercent}% used`,
      })),
  },
});
