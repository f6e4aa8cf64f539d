import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ReplyFile } from '../router/types.js';

/**
 * A terminal cannot show a reply's pictures (the post-mortem's timeline PNG): they are written to a
 * new temporary directory, and one line per file says where, for an image viewer. Text files are
 * not written, since their text is the reply itself. Returns the lines to print.
 */
export function saveBinaryFiles(files: readonly ReplyFile[] | undefined, dir?: string): string[] {
  const binary = (files ?? []).filter((f) => f.base64 !== undefined);
  if (binary.length === 0) return [];
  const into = dir ?? mkdtempSync(join(tmpdir(), 'stackmedic-files-'));
  return binary.map((f) => {
    // The name comes from the command, but a path separator must never leave the directory.
    const path = join(into, f.filename.replace(/[/\\]/g, '_'));
    writeFileSync(path, Buffer.from(f.base64 ?? '', 'base64'));
    return `${f.title}: ${path}`;
  });
}
