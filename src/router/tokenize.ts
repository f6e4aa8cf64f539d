import { UsageError } from '../errors.js';

/** Characters a command line may contain: no shell syntax, quotes or control characters at all. */
const ALLOWED = /^[A-Za-z0-9 \t._:@/=,+-]*$/;

/**
 * The longest command text taken. No real command comes near it (node names, ids and flags), and
 * it bounds what an error may echo back: a megabyte of text gets one short line, not itself.
 */
export const MAX_COMMAND_LENGTH = 1000;

/**
 * Characters that read as nothing, or change how the rest of the line reads: controls (Cc),
 * format and direction marks (Cf), surrogates, private use and unassigned (Cs, Co, Cn),
 * separators other than the plain space (Zs, Zl, Zp) and combining marks (M), which fuse with
 * the quote shown around them.
 */
const INVISIBLE = /[\p{Cc}\p{Cf}\p{Cs}\p{Co}\p{Cn}\p{Zs}\p{Zl}\p{Zp}\p{M}]/u;

/** Unicode names of the invisible characters met in pasted text, to say which one it was. */
const NAMES: Readonly<Record<number, string>> = {
  0x00: 'NULL',
  0x07: 'BELL',
  0x08: 'BACKSPACE',
  0x0b: 'LINE TABULATION',
  0x0c: 'FORM FEED',
  0x0d: 'CARRIAGE RETURN',
  0x1b: 'ESCAPE',
  0x7f: 'DELETE',
  0x85: 'NEXT LINE',
  0xa0: 'NO-BREAK SPACE',
  0xad: 'SOFT HYPHEN',
  0x061c: 'ARABIC LETTER MARK',
  0x180e: 'MONGOLIAN VOWEL SEPARATOR',
  0x2002: 'EN SPACE',
  0x2003: 'EM SPACE',
  0x2009: 'THIN SPACE',
  0x200a: 'HAIR SPACE',
  0x200b: 'ZERO WIDTH SPACE',
  0x200c: 'ZERO WIDTH NON-JOINER',
  0x200d: 'ZERO WIDTH JOINER',
  0x200e: 'LEFT-TO-RIGHT MARK',
  0x200f: 'RIGHT-TO-LEFT MARK',
  0x2028: 'LINE SEPARATOR',
  0x2029: 'PARAGRAPH SEPARATOR',
  0x202a: 'LEFT-TO-RIGHT EMBEDDING',
  0x202b: 'RIGHT-TO-LEFT EMBEDDING',
  0x202c: 'POP DIRECTIONAL FORMATTING',
  0x202d: 'LEFT-TO-RIGHT OVERRIDE',
  0x202e: 'RIGHT-TO-LEFT OVERRIDE',
  0x202f: 'NARROW NO-BREAK SPACE',
  0x205f: 'MEDIUM MATHEMATICAL SPACE',
  0x2060: 'WORD JOINER',
  0x2066: 'LEFT-TO-RIGHT ISOLATE',
  0x2067: 'RIGHT-TO-LEFT ISOLATE',
  0x2068: 'FIRST STRONG ISOLATE',
  0x2069: 'POP DIRECTIONAL ISOLATE',
  0x3000: 'IDEOGRAPHIC SPACE',
  0xfeff: 'ZERO WIDTH NO-BREAK SPACE',
};

function codePoint(cp: number): string {
  return `U+${cp.toString(16).toUpperCase().padStart(4, '0')}`;
}

/**
 * How a refused character is named in an error: visible ones quoted (with their code point when
 * not ASCII, to tell look-alikes apart), invisible or direction-changing ones by code point and
 * name only, never raw, where they would read as nothing or reverse the rest of the line.
 */
export function describeCharacter(ch: string): string {
  const cp = ch.codePointAt(0) ?? 0;
  if (ch === '\n') return `a line break (${codePoint(cp)})`;
  if (INVISIBLE.test(ch)) {
    const name = NAMES[cp];
    return name ? `${codePoint(cp)} ${name}` : codePoint(cp);
  }
  return cp < 0x80 ? `"${ch}"` : `"${ch}" (${codePoint(cp)})`;
}

/**
 * Text shown back as it was typed (a footer echoing a refused command), with every invisible or
 * direction character replaced by its code point in brackets, so nothing hides or reverses.
 */
export function revealInvisible(text: string): string {
  return text.replace(new RegExp(INVISIBLE.source, 'gu'), (ch) => (ch === ' ' ? ch : `[${codePoint(ch.codePointAt(0) ?? 0)}]`));
}

/** Splits command text into words, refusing anything that is not a plain word. */
export function tokenize(text: string, usage: string): string[] {
  if (text.length > MAX_COMMAND_LENGTH) {
    throw new UsageError(
      `the command is ${text.length} characters long; commands take at most ${MAX_COMMAND_LENGTH} (plain words: node names, ids, flags)`,
      usage,
    );
  }
  const trimmed = text.trim();
  if (!ALLOWED.test(trimmed)) {
    const bad = [...trimmed].find((ch) => !ALLOWED.test(ch)) ?? '?';
    throw new UsageError(`unexpected ${describeCharacter(bad)} in the command: commands take plain words only (node names, ids, flags)`, usage);
  }
  return trimmed.split(/\s+/).filter((w) => w !== '');
}
