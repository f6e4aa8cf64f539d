import { kollaConversionDir } from '../deployment/kolla.js';
import { KNOWN_ROLES } from '../inventory/roles.js';
import { remote, ShellScript } from '../ssh/shell.js';
import { rawText } from './text.js';
import { ok, unknown, type Probe, type ProbeOutput, type ProbeResult } from './types.js';

/** Cinder's default `image_conversion_dir` on a classic node. */
export const CINDER_CONVERSION_DIR = '/var/lib/cinder/conversion';

/**
 * The directories `/cluster free-disk` may clean: cinder's conversion dir on a classic node, and the
 * same dir inside kolla's `cinder` volume as the host sees it (docker, podman).
 */
export const CINDER_CONVERSION_DIRS: readonly string[] = [CINDER_CONVERSION_DIR, kollaConversionDir('docker'), kollaConversionDir('podman')];

/** The conversion dir `path` lies plainly inside, if any. */
export function conversionDirOf(path: string): string | undefined {
  return CINDER_CONVERSION_DIRS.find((dir) => isPlainlyUnder(path, dir));
}

/** Which known space hog a large file belongs to. */
export type SpaceHogCategory = 'cinder-conversion' | 'glance-cache' | 'log' | 'other';

/** One file over 100 MB in a place that is known to fill root disks. */
export interface SpaceHogFile {
  /** The name exactly as the node reported it (it may contain anything but NUL). */
  readonly path: string;
  readonly bytes: number;
  readonly mtime: Date;
  /** Device number of the file's filesystem (`find -printf %D`), to check it is still the same file. */
  readonly device: string;
  /** Inode number (`find -printf %i`). */
  readonly inode: string;
  readonly category: SpaceHogCategory;
}

/** The value of the `space-hogs` probe: the largest files first. */
export interface SpaceHogs {
  readonly files: readonly SpaceHogFile[];
}

/**
 * Why `path` is not a plain absolute name directly comparable with a directory prefix, or
 * undefined when it is: `..`, `.`, empty components or control characters make a name say one
 * place and mean another (or read differently in a terminal than on disk).
 */
export function pathProblem(path: string): string | undefined {
  if (!path.startsWith('/')) return 'it is not an absolute path';
  if (/[\u0000-\u001f\u007f\u0085\u2028\u2029]/.test(path)) return 'it contains control or line-break characters';
  const parts = path.slice(1).split('/');
  if (parts.some((p) => p === '')) return 'it has an empty component (`//` or a trailing `/`)';
  if (parts.some((p) => p === '.' || p === '..')) return 'it has a `.` or `..` component';
  return undefined;
}

/** Whether `path` is a canonical name strictly inside `dir` (no `..`, no tricks). */
export function isPlainlyUnder(path: string, dir: string): boolean {
  return pathProblem(path) === undefined && path.startsWith(`${dir}/`);
}

/** The category of a path found by the probe; a name that is not plainly inside a hog is `other`. */
export function spaceHogCategory(path: string): SpaceHogCategory {
  if (conversionDirOf(path) !== undefined) return 'cinder-conversion';
  if (isPlainlyUnder(path, '/var/lib/glance/image-cache')) return 'glance-cache';
  if (isPlainlyUnder(path, '/var/log')) return 'log';
  return 'other';
}

/** A node-reported name made safe to show: control characters are written as `\xNN` / `\u{N}`. */
export function displayPath(path: string): string {
  return path.replace(/[\u0000-\u001f\u007f\u0085\u2028\u2029]/g, (c) => {
    const code = c.codePointAt(0) ?? 0;
    return code < 0x100 ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u{${code.toString(16)}}`;
  });
}

const RECORD = /^(\d+)\t(\d+(?:\.\d+)?)\t(\d+)\t(\d+)\t([\s\S]+)$/;

/**
 * Reads NUL-terminated `find -printf '%s\t%T@\t%D\t%i\t%p\0'` records (size, mtime in epoch
 * seconds, device, inode, path). Records are split on NUL only: a file name may hold newlines and
 * tabs, and a listing read by lines would let one crafted name pose as several.
 */
export function parseSpaceHogs(output: ProbeOutput): ProbeResult<SpaceHogs> {
  const raw = rawText(output);
  if (output.stdout === '') return ok({ files: [] });
  if (!output.stdout.includes('\0')) return unknown(`unreadable find output (no NUL-separated records): ${output.stdout.slice(0, 200)}`, raw);
  const files: SpaceHogFile[] = [];
  const records = output.stdout.split('\0');
  const last = records.pop();
  if (last !== undefined && last !== '') return unknown(`find output ends in an unterminated record (cut short?): ${displayPath(last.slice(0, 200))}`, raw);
  for (const record of records) {
    const m = RECORD.exec(record);
    if (!m) return unknown(`unreadable find record: ${displayPath(record.slice(0, 200))}`, raw);
    const path = m[5] ?? '';
    files.push({
      path,
      bytes: Number(m[1]),
      mtime: new Date(Math.round(Number(m[2]) * 1000)),
      device: m[3] ?? '',
      inode: m[4] ?? '',
      category: spaceHogCategory(path),
    });
  }
  files.sort((a, b) => b.bytes - a.bytes);
  return ok({ files });
}

/** The 20 largest files over 100 MB under the cinder conversion dirs, the glance cache and /var/log. */
export const spaceHogs = {
  id: 'space-hogs',
  title: 'Largest files in known space hogs',
  roles: KNOWN_ROLES,
  scope: 'node',
  command: remote(
    ShellScript.raw(
      `find ${CINDER_CONVERSION_DIRS.join(' ')} /var/lib/glance/image-cache /var/log -xdev -type f -size +100M -printf '%s\\t%T@\\t%D\\t%i\\t%p\\0' 2>/dev/null | sort -z -rn | head -z -n 20`,
    ),
    { privileged: true },
  ),
  timeoutMs: 60_000,
  parse: parseSpaceHogs,
} satisfies Probe<SpaceHogs>;
