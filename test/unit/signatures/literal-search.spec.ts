import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { LiteralSearcher } from '../../../src/signatures/literal-search.js';
import { buildPrefilter } from '../../../src/signatures/prefilter.js';
import { isLogSignature } from '../../../src/signatures/schema.js';
import { builtinCatalog, fixturePath } from './support.js';

/** A small deterministic generator (mulberry32), so that a failure can be replayed. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** What `search` promises, the slow way: per line of `[start, end)`, where the leftmost literal begins. */
function naive(text: Buffer, start: number, end: number, literals: readonly string[], ignoreCase: boolean): number[] {
  const out: number[] = [];
  let lineStart = start;
  while (lineStart < end) {
    let nl = text.indexOf(10, lineStart);
    if (nl < 0 || nl >= end) nl = end;
    let line = text.toString('latin1', lineStart, nl);
    if (ignoreCase) line = line.replace(/[A-Z]/g, (c) => c.toLowerCase());
    let best = -1;
    for (const literal of literals) {
      const i = line.indexOf(literal);
      if (i >= 0 && (best < 0 || i < best)) best = i;
    }
    if (best >= 0) out.push(lineStart + best);
    lineStart = nl + 1;
  }
  return out;
}

function search(text: Buffer, start: number, end: number, literals: readonly string[], ignoreCase: boolean): number[] {
  const out: number[] = [];
  new LiteralSearcher(
    literals.map((l) => Buffer.from(l, 'latin1')),
    ignoreCase,
  ).search(text, start, end, out);
  return out;
}

describe('LiteralSearcher', () => {
  it('finds what a per-line indexOf of every literal finds, on random text over a small alphabet', () => {
    const next = random(12);
    const pick = (chars: string): string => chars[Math.floor(next() * chars.length)] as string;
    for (let round = 0; round < 400; round++) {
      const ignoreCase = round % 3 === 0;
      // Few letters, so that literals occur often, overlap and share prefixes and suffixes.
      const alphabet = round % 2 === 0 ? 'abAB \n' : 'abcaXY:[ \n';
      const literals = Array.from({ length: 1 + Math.floor(next() * 6) }, () =>
        Array.from({ length: 3 + Math.floor(next() * 6) }, () => pick(alphabet.replace('\n', ''))).join(''),
      ).map((l) => (ignoreCase ? l.toLowerCase() : l));
      const text = Buffer.from(Array.from({ length: Math.floor(next() * 400) }, () => pick(alphabet)).join(''), 'latin1');
      const start = Math.floor(next() * 10) % (text.length + 1);
      const end = start + Math.floor(next() * (text.length - start + 1));
      expect(search(text, start, end, literals, ignoreCase), `round ${round}: ${JSON.stringify(literals)}`).toEqual(
        naive(text, start, end, literals, ignoreCase),
      );
    }
  });

  it('finds the same in blocks large enough to be scanned by two cursors, hits next to the split included', () => {
    const next = random(99);
    const pick = (chars: string): string => chars[Math.floor(next() * chars.length)] as string;
    for (let round = 0; round < 30; round++) {
      const literals = Array.from({ length: 1 + Math.floor(next() * 8) }, () =>
        Array.from({ length: 3 + Math.floor(next() * 9) }, () => pick('abcd:')).join(''),
      );
      // Long lines now and then, so that the split point moves and some lines hold no hit.
      const lines = Array.from({ length: 3000 }, () =>
        Array.from({ length: Math.floor(next() < 0.1 ? next() * 400 : next() * 60) }, () => pick('abcd: ')).join(''),
      );
      const text = Buffer.from(lines.join('\n'), 'latin1');
      expect(text.length).toBeGreaterThan(64 << 10);
      const start = Math.floor(next() * 50);
      const end = text.length - Math.floor(next() * 50);
      expect(search(text, start, end, literals, false), `round ${round}: ${JSON.stringify(literals)}`).toEqual(naive(text, start, end, literals, false));
    }
  });

  it('misses no hit at the end or the start of a line, wherever a two-cursor split falls', () => {
    const next = random(7);
    for (let round = 0; round < 20; round++) {
      const lines = Array.from({ length: 4000 }, (_, i) => {
        const pad = 'x'.repeat(Math.floor(next() * 40));
        return i % 2 === 0 ? `${pad}no space left` : `disk full${pad}`;
      });
      const text = Buffer.from(lines.join('\n'), 'latin1');
      const start = Math.floor(next() * 30);
      expect(search(text, start, text.length, ['no space left', 'disk full'], false)).toEqual(
        naive(text, start, text.length, ['no space left', 'disk full'], false),
      );
    }
  });

  it('finds the lines the naive search finds for the whole catalog on real logs', async () => {
    const { signatures } = await builtinCatalog();
    const prefilter = buildPrefilter(signatures.filter(isLogSignature));
    const literals = prefilter.signatures.filter((s) => !s.ignoreCase).flatMap((s) => s.literals);
    const files = [
      'logs/seed/rabbit@messaging-node-10.log',
      'logs/seed/node-10_cinder-volume.log',
      'logs/real/nova/hotsos_lp1944619_pci_in_use.log',
      'logs/unrecognised/compute1/var/log/nova/nova-compute.log',
      'logs/real/nova/hotsos_lp1972028_node_device.log',
    ];
    let hits = 0;
    for (const file of files) {
      const text = readFileSync(fixturePath(file));
      const found: number[] = [];
      prefilter.exact?.search(text, 0, text.length, found);
      // The prefilter searches only the shortest of nested literals, so compare lines, not offsets.
      const lineOf = (offset: number): number => text.lastIndexOf(10, offset) + 1;
      expect(found.map(lineOf), file).toEqual(naive(text, 0, text.length, literals, false).map(lineOf));
      hits += found.length;
    }
    expect(hits).toBeGreaterThan(5);
  });

  it('folds ASCII case only when asked', () => {
    const text = Buffer.from('x Connection RESET by peer\nconnection reset by peer\n', 'latin1');
    expect(search(text, 0, text.length, ['connection reset'], true)).toEqual([2, 27]);
    expect(search(text, 0, text.length, ['connection reset'], false)).toEqual([27]);
  });
});
