import { describe, expect, it } from 'vitest';
import { UsageError } from '../../../src/errors.js';
import { describeCharacter, MAX_COMMAND_LENGTH, revealInvisible, tokenize } from '../../../src/router/tokenize.js';

function refusal(text: string): string {
  try {
    tokenize(text, 'usage');
  } catch (error) {
    expect(error).toBeInstanceOf(UsageError);
    return (error as UsageError).message;
  }
  throw new Error(`tokenize accepted ${JSON.stringify(text)}`);
}

/** Characters that read as nothing, or reverse the rest of the line, when echoed raw. */
const INVISIBLE_OR_DIRECTION = /[\p{Cc}\p{Cf}\p{Zl}\p{Zp}\u00a0\u2000-\u200a\u202f\u205f\u3000]/u;

describe('tokenize', () => {
  it('splits plain words on spaces and tabs', () => {
    expect(tokenize('  cluster  ping\tnode-10 --dry-run ', 'usage')).toEqual(['cluster', 'ping', 'node-10', '--dry-run']);
  });

  it.each([
    ['\u202e', 'U+202E RIGHT-TO-LEFT OVERRIDE'],
    ['\u202d', 'U+202D LEFT-TO-RIGHT OVERRIDE'],
    ['\u2067', 'U+2067 RIGHT-TO-LEFT ISOLATE'],
    ['\u200f', 'U+200F RIGHT-TO-LEFT MARK'],
    ['\u200b', 'U+200B ZERO WIDTH SPACE'],
    ['\u200d', 'U+200D ZERO WIDTH JOINER'],
    ['\u00a0', 'U+00A0 NO-BREAK SPACE'],
    ['\u2028', 'U+2028 LINE SEPARATOR'],
    ['\u2029', 'U+2029 PARAGRAPH SEPARATOR'],
    ['\u0085', 'U+0085 NEXT LINE'],
    ['\ufeff', 'U+FEFF ZERO WIDTH NO-BREAK SPACE'],
    ['\u00ad', 'U+00AD SOFT HYPHEN'],
    ['\u3000', 'U+3000 IDEOGRAPHIC SPACE'],
    ['\u001b', 'U+001B ESCAPE'],
    ['\u0000', 'U+0000 NULL'],
    ['\u007f', 'U+007F DELETE'],
    ['\r', 'U+000D CARRIAGE RETURN'],
    ['\u0301', 'U+0301'],
    ['\ue000', 'U+E000'],
    ['\u2061', 'U+2061'],
    ['\ud800', 'U+D800'],
  ])('names %j by code point inside a word, never echoing it', (ch, named) => {
    const message = refusal(`rabbit heal node${ch}-10`);
    expect(message).toBe(`unexpected ${named} in the command: commands take plain words only (node names, ids, flags)`);
    expect(message).not.toContain(ch);
    expect(INVISIBLE_OR_DIRECTION.test(message)).toBe(false);
  });

  it('names a line break', () => {
    expect(refusal('cluster ping\nid')).toMatch(/^unexpected a line break \(U\+000A\) in the command/);
  });

  it('quotes visible characters, with the code point when they are not ASCII (look-alikes)', () => {
    expect(refusal('cluster ping; id')).toMatch(/^unexpected ";" in the command/);
    expect(refusal('cluster ping <!channel>')).toMatch(/^unexpected "<" in the command/);
    // A Cyrillic "а" looks like the Latin one: the code point tells them apart.
    expect(refusal('cluster ping nоde-10')).toMatch(/^unexpected "о" \(U\+043E\) in the command/);
    expect(refusal('cluster ping 😀')).toMatch(/^unexpected "😀" \(U\+1F600\) in the command/);
  });

  it('refuses a megabyte of text with one short line that does not echo it', () => {
    const text = `cluster ${'a'.repeat(1024 * 1024)}`;
    const message = refusal(text);
    expect(message).toBe(`the command is ${text.length} characters long; commands take at most ${MAX_COMMAND_LENGTH} (plain words: node names, ids, flags)`);
  });

  it('takes a command of exactly the longest length', () => {
    const text = `cluster ${'a'.repeat(MAX_COMMAND_LENGTH - 8)}`;
    expect(tokenize(text, 'usage')).toHaveLength(2);
  });
});

describe('describeCharacter', () => {
  it.each([
    ['\u2066', 'U+2066 LEFT-TO-RIGHT ISOLATE'],
    ['\u180e', 'U+180E MONGOLIAN VOWEL SEPARATOR'],
    ['\u{e0001}', 'U+E0001'],
    ['é', '"é" (U+00E9)'],
    ['|', '"|"'],
  ])('%j -> %s', (ch, shown) => {
    expect(describeCharacter(ch)).toBe(shown);
  });
});

describe('revealInvisible', () => {
  it('shows invisible and direction characters by code point, and leaves the rest as typed', () => {
    expect(revealInvisible('heal node\u202e-10\u200b now\u00a0x')).toBe('heal node[U+202E]-10[U+200B] now[U+00A0]x');
    expect(revealInvisible('/cluster ping')).toBe('/cluster ping');
  });
});
