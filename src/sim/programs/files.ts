/** File access for emulated programs: path resolution and the error texts of coreutils. */
import { normalisePath, type VEntry } from '../state/vfs.js';
import type { ProgramContext } from '../shell/types.js';

/** A file an emulated program opened, or why it could not. */
export type Opened =
  { readonly ok: true; readonly path: string; readonly entry: VEntry; readonly text: string } | { readonly ok: false; readonly why: 'missing' | 'directory' };

/** What a compressed file reads as without decompression: gzip's magic bytes, then binary. */
export const GZIP_BYTES = '\u001f\u008b\u0008\u0000binary';

/** Opens `path` for reading; `.gz` logs read decompressed only when `decompress` is set. */
export function openFile(ctx: ProgramContext, path: string, decompress = false): Opened {
  const abs = normalisePath(path, ctx.cwd);
  const entry = ctx.node.fs.get(abs);
  if (!entry) return { ok: false, why: 'missing' };
  if (entry.kind === 'dir') return { ok: false, why: 'directory' };
  if (entry.kind === 'log' && entry.gzip && !decompress) return { ok: true, path: abs, entry, text: GZIP_BYTES };
  return { ok: true, path: abs, entry, text: ctx.node.fs.read(entry) };
}

/** Splits text into lines without the trailing empty one. */
export function linesOf(text: string, separator = '\n'): string[] {
  if (text === '') return [];
  const lines = text.split(separator);
  if (lines[lines.length - 1] === '') lines.pop();
  return lines;
}

/** Joins lines back into newline-terminated text. */
export function textOf(lines: readonly string[], separator = '\n'): string {
  return lines.length === 0 ? '' : `${lines.join(separator)}${separator}`;
}
