import { CINDER_CONVERSION_DIRS } from './space-hogs.js';
import { KNOWN_ROLES } from '../inventory/roles.js';
import { remote, ShellScript } from '../ssh/shell.js';
import { lines, rawText } from './text.js';
import { ok, unknown, type Probe, type ProbeOutput, type ProbeResult } from './types.js';

/** One mounted filesystem from `df -P -B1`. */
export interface DiskMount {
  readonly filesystem: string;
  readonly sizeBytes: number;
  readonly usedBytes: number;
  readonly availBytes: number;
  /** As df computes it (used / (used + avail), rounded up), 0..100. */
  readonly usePercent: number;
  readonly mountpoint: string;
}

/** The size of one of the known space hogs (cinder conversion dir, glance cache, /var/log). */
export interface DiskHog {
  readonly path: string;
  readonly bytes: number;
}

/** The value of the `disk-usage` probe. */
export interface DiskUsage {
  readonly mounts: readonly DiskMount[];
  /** Only the directories that exist and that du measured before its timeout. */
  readonly hogs: readonly DiskHog[];
}

/** Marks where df output ends and du output begins. */
export const DU_MARKER = '@@du';

const PSEUDO_FILESYSTEMS = new Set(['tmpfs', 'devtmpfs', 'udev', 'shm', 'none', 'proc', 'sysfs', 'cgroup', 'cgroup2']);
const PSEUDO_MOUNT_PREFIXES = ['/dev', '/sys', '/proc', '/run', '/var/lib/docker/', '/var/lib/containers/', '/snap/'];

/** True for what an operator never needs to see: tmpfs, /dev, /run, container layers ... but never `/`. */
export function isNoiseMount(mount: DiskMount): boolean {
  if (mount.mountpoint === '/') return false;
  if (PSEUDO_FILESYSTEMS.has(mount.filesystem) || mount.filesystem === 'overlay') return true;
  if (mount.sizeBytes === 0) return true;
  return PSEUDO_MOUNT_PREFIXES.some((p) => mount.mountpoint === p || mount.mountpoint.startsWith(p.endsWith('/') ? p : `${p}/`));
}

/** Reads `df -P -B1`, then the `@@du` marker, then `du -s -B1` lines. */
export function parseDiskUsage(output: ProbeOutput): ProbeResult<DiskUsage> {
  const raw = rawText(output);
  const all = lines(output.stdout);
  const marker = all.findIndex((l) => l.trim() === DU_MARKER);
  const dfLines = marker < 0 ? all : all.slice(0, marker);
  const duLines = marker < 0 ? [] : all.slice(marker + 1);
  const header = dfLines.findIndex((l) => /^Filesystem\s+\S*blocks\s+Used\s+Avail/i.test(l));
  if (header < 0) return unknown('no df -P header in the output', raw);
  const mounts: DiskMount[] = [];
  for (const line of dfLines.slice(header + 1)) {
    if (line.trim() === '') continue;
    const m = /^(\S+)\s+(\d+)\s+(\d+)\s+(\d+)\s+(\d+|-)%?\s+(\/.*)$/.exec(line);
    if (!m) return unknown(`unreadable df line: ${line}`, raw);
    const mount: DiskMount = {
      filesystem: m[1] ?? '',
      sizeBytes: Number(m[2]),
      usedBytes: Number(m[3]),
      availBytes: Number(m[4]),
      usePercent: m[5] === '-' ? 0 : Number(m[5]),
      mountpoint: m[6] ?? '',
    };
    if (!isNoiseMount(mount)) mounts.push(mount);
  }
  if (mounts.length === 0) return unknown('df listed no real filesystem', raw);
  const hogs: DiskHog[] = [];
  for (const line of duLines) {
    const m = /^(\d+)\s+(\/.*)$/.exec(line);
    if (m) hogs.push({ bytes: Number(m[1]), path: m[2] ?? '' });
  }
  return ok({ mounts, hogs });
}

/** Filesystem usage of a node plus the size of the usual space hogs; du is bounded to 10 s. */
export const diskUsage = {
  id: 'disk-usage',
  title: 'Disk usage',
  roles: KNOWN_ROLES,
  scope: 'node',
  command: remote(
    ShellScript.raw(
      `df -P -B1; echo '${DU_MARKER}'; timeout 10 du -s -B1 ${CINDER_CONVERSION_DIRS.join(' ')} /var/lib/glance/image-cache /var/log 2>/dev/null; true`,
    ),
  ),
  timeoutMs: 20_000,
  parse: parseDiskUsage,
} satisfies Probe<DiskUsage>;
