import { describe, expect, it } from 'vitest';
import { codeSections, escapeMrkdwn, headerText, splitLines } from '../../../src/slack/split.js';

describe('splitLines', () => {
  it.each([
    ['empty text', '', 10, ['']],
    ['short text', 'a\nb', 10, ['a\nb']],
    ['lines packed up to the limit', 'aaaa\nbbbb\ncccc', 9, ['aaaa\nbbbb', 'cccc']],
    ['a line longer than the limit, cut inside', 'x'.repeat(20), 8, ['xxxxxxxx', 'xxxxxxxx', 'xxxx']],
    ['a long line between short ones', 'ab\n' + 'y'.repeat(10) + '\ncd', 8, ['ab', 'yyyyyyyy', 'yy\ncd']],
  ])('splits %s', (_name, text, max, expected) => {
    expect(splitLines(text, max)).toEqual(expected);
  });

  it('never cuts inside an HTML entity', () => {
    const text = `${'a'.repeat(6)}&amp;bc`;
    const parts = splitLines(text, 8);
    expect(parts).toEqual(['aaaaaa', '&amp;bc']);
  });

  it('never cuts a surrogate pair in two', () => {
    const text = `${'a'.repeat(7)}😀b`;
    const parts = splitLines(text, 8);
    expect(parts.join('')).toBe(text);
    for (const p of parts) expect(p).not.toMatch(/^[\udc00-\udfff]|[\ud800-\udbff]$/);
  });

  it('loses no character on large input', () => {
    const lines = Array.from({ length: 2000 }, (_, i) => `line ${i} ${'z'.repeat(i % 97)}`);
    const parts = splitLines(lines.join('\n'), 3000);
    for (const p of parts) expect(p.length).toBeLessThanOrEqual(3000);
    expect(parts.join('\n')).toBe(lines.join('\n'));
  });
});

describe('codeSections', () => {
  it('wraps output in code blocks of at most 3000 characters, escaped', () => {
    const text = Array.from({ length: 400 }, (_, i) => `node-${i} <down> & out`).join('\n');
    const sections = codeSections(text);
    expect(sections.length).toBeGreaterThan(1);
    for (const s of sections) {
      expect(s.length).toBeLessThanOrEqual(3000);
      expect(s.startsWith('```\n') && s.endsWith('\n```')).toBe(true);
      expect(s).not.toMatch(/[<>]/);
    }
    const body = sections.map((s) => s.slice(4, -4)).join('\n');
    expect(body).toBe(escapeMrkdwn(text));
  });

  it('defuses triple backticks in the output', () => {
    const [s] = codeSections('before ``` after');
    expect(s?.match(/```/g)).toHaveLength(2);
  });

  it('gives nothing for empty output', () => {
    expect(codeSections('  \n')).toEqual([]);
  });
});

describe('headerText', () => {
  it('keeps a title of 150 characters', () => {
    expect(headerText('t'.repeat(150))).toBe('t'.repeat(150));
  });
  it('refuses to cut a longer title', () => {
    expect(headerText('t'.repeat(151))).toBeUndefined();
  });
});
