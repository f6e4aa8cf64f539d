import { remote, ShellScript } from '../ssh/shell.js';
import { lines, rawText } from './text.js';
import { ok, unknown, type Probe, type ProbeOutput, type ProbeResult } from './types.js';

/** Which known space hog a large file belongs to. */
export type SpaceHogCategory = 'cinder-conversion' | 'glance-cache' | 'log' | 'other';

/** One file over 100 MB in a place that is known to fill root disks. */
export interface SpaceHogFile {
  readonly path: string;
  readonly bytes: number;
  readonly mtime: Date;
  readonly category: SpaceHogCategory;
}

/** The value of the `space-hogs` probe: the largest files first. */
export interface SpaceHogs {
  readonly files: readonly SpaceHogFile[];
}

/** The category of a path found by the probe. */
export function spaceHogCategory(path: string): SpaceHogCategory {
  if (path.startsWith('/var/lib/cinder/conversion/')) return 'cinder-conversion';
  if (path.startsWith('/var/lib/glance/image-cache/')) return 'glance-cache';
  if (path.startsWith('/var/log/')) return 'log';
  return 'other';
}

/** Reads `find -printf '%s\t%T@\t%p\n'` lines (size, mtime in epoch seconds, path). */
export function parseSpaceHogs(output: ProbeOutput): ProbeResult<SpaceHogs> {
  const raw = rawText(output);
  const files: SpaceHogFile[] = [];
  const bad: string[] = [];
  for (const line of lines(output.stdout)) {
    if (line.trim() === '') continue;
    const m = /^(\d+)\t(\d+(?:\.\d+)?)\t(\/.*)$/.exec(line);
    if (!m) {
      bad.push(line);
      continue;
    }
    const path = m[3] ?? '';
    files.push({
      path,
      bytes: Number(m[1]),
      mtime: new Date(Math.round(Number(m[2]) * 1000)),
      category: spaceHogCategory(path),
    });
  }
  if (bad.length > 0 && files.length === 0) return unknown(`unreadable find output: ${bad[0] ?? ''}`, raw);
  files.sort((a, b) => b.bytes - a.bytes);
  return ok({ files });
}

/** The 20 largest files over 100 MB under the cinder conversion dir, the glance cache and /var/log. */
export const spaceHogs = {
  id: 'space-hogs',
  title: 'Largest files in known space hogs',
  roles: ['controller', 'compute'],
  scope: 'node',
  command: remote(
    ShellScript.raw(
      "find /var/lib/cinder/conversion /var/lib/glance/image-cache /var/log -xdev -type f -size +100M -printf '%s\\t%T@\\t%p\\n' 2>/dev/null | sort -rn | head -n 20",
    ),
    { privileged: true },
  ),
  timeoutMs: 60_000,
  parse: parseSpaceHogs,
} satisfies Probe<SpaceHogs>;
