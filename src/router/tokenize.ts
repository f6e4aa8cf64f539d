import { UsageError } from '../errors.js';

/** Characters a command line may contain: no shell syntax, quotes or control characters at all. */
const ALLOWED = /^[A-Za-z0-9 \t._:@/=,+-]*$/;

/** Splits command text into words, refusing anything that is not a plain word. */
export function tokenize(text: string, usage: string): string[] {
  const trimmed = text.trim();
  if (!ALLOWED.test(trimmed)) {
    const bad = [...trimmed].find((ch) => !ALLOWED.test(ch)) ?? '?';
    const shown = bad === '\n' ? 'a line break' : /[\x00-\x1f\x7f]/.test(bad) ? 'a control character' : `"${bad}"`;
    throw new UsageError(`unexpected ${shown} in the command: commands take plain words only (node names, ids, flags)`, usage);
  }
  return trimmed.split(/\s+/).filter((w) => w !== '');
}
