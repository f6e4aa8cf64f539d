import { describe, expect, it } from 'vitest';
import { corpusSignatureTemplates, generateLogText, type CorpusLogKind } from '../../../src/signatures/corpus.js';
import { applyThresholds } from '../../../src/signatures/threshold.js';
import { builtinCatalog, matchAll } from './support.js';

const KINDS: readonly CorpusLogKind[] = ['rabbit-old', 'rabbit-new', 'oslo', 'galera', 'ceph'];

describe('corpus generator', () => {
  it.each(KINDS)('each %s signature record fires exactly the signatures it declares', async (kind) => {
    for (const template of corpusSignatureTemplates(kind)) {
      const fired = (await matchAll(template.text)).map((f) => f.signature).sort();
      expect(fired, template.text).toEqual([...template.fires].sort());
    }
  });

  it.each(KINDS)('%s noise fires nothing and the whole text fires what was sprinkled', async (kind) => {
    const noise = generateLogText(kind, 'node-1', 200_000, { seed: 3, signatureEvery: 1e12 });
    expect(noise.expected).toEqual({});
    expect(await matchAll(noise.text)).toEqual([]);
    const mixed = generateLogText(kind, 'node-1', 200_000, { seed: 4, signatureEvery: 40 });
    const counts: Record<string, number> = {};
    // As diagnose counts them: a storm signature's lone sprinkled lines are below its threshold.
    for (const f of applyThresholds(await matchAll(mixed.text), (await builtinCatalog()).signatures)) counts[f.signature] = (counts[f.signature] ?? 0) + 1;
    expect(counts).toEqual(mixed.expected);
  });

  it('is deterministic', () => {
    expect(generateLogText('oslo', 'node-4', 50_000, { seed: 8 }).text).toBe(generateLogText('oslo', 'node-4', 50_000, { seed: 8 }).text);
  });
});
