/** Pathname expansion against a node's virtual file system. */
import { normalisePath, type VirtualFs } from '../state/vfs.js';
import type { WordPart } from './tokenize.js';

const GLOB_CHARS = /[*?[]/;

/** True when an unquoted part holds a glob character. */
export function hasGlob(parts: readonly WordPart[]): boolean {
  return parts.some((p) => p.kind === 'text' && !p.quoted && GLOB_CHARS.test(p.text));
}

function segmentRegex(segment: string): RegExp {
  let re = '';
  for (let i = 0; i < segment.length; i++) {
    const c = segment[i] as string;
    if (c === '\\') {
      re += (segment[i + 1] ?? '').replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
      i++;
    } else if (c === '*') re += '[^/]*';
    else if (c === '?') re += '[^/]';
    else if (c === '[') {
      const end = segment.indexOf(']', i + 2);
      if (end < 0) re += '\\[';
      else {
        let cls = segment.slice(i + 1, end);
        if (cls.startsWith('!')) cls = `^${cls.slice(1)}`;
        re += `[${cls.replace(/\\/g, '\\\\')}]`;
        i = end;
      }
    } else re += c.replace(/[.*+?^${}()|\\]/g, '\\$&');
  }
  return new RegExp(`^${re}$`);
}

/**
 * Expands a pattern (quoted characters escaped with `\`) to the sorted matching paths; like sh,
 * returns an empty list when nothing matches (the caller keeps the word as is).
 */
export function expandGlob(fs: VirtualFs, pattern: string, cwd: string): string[] {
  const absolute = pattern.startsWith('/');
  const segments = (absolute ? pattern.slice(1) : pattern).split('/').filter((s) => s !== '');
  let paths = [absolute ? '/' : normalisePath(cwd)];
  for (const seg of segments) {
    const next: string[] = [];
    const isGlob = /(^|[^\\])[*?[]/.test(seg);
    for (const dir of paths) {
      const base = dir === '/' ? '' : dir;
      if (!isGlob) {
        const p = `${base}/${seg.replace(/\\(.)/g, '$1')}`;
        if (fs.exists(p)) next.push(p);
        continue;
      }
      const re = segmentRegex(seg);
      for (const name of fs.list(dir)) {
        if (name.startsWith('.') && !seg.startsWith('.')) continue;
        if (re.test(name)) next.push(`${base}/${name}`);
      }
    }
    paths = next;
  }
  const prefix = absolute ? '' : `${normalisePath(cwd) === '/' ? '' : normalisePath(cwd)}/`;
  return paths.map((p) => (absolute ? p : p.slice(prefix.length))).sort();
}
