import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { convertPattern } from '../../../bench/logscan.js';
import { isLogSignature, loadCatalog } from '../../../src/signatures/index.js';

describe("the bench's pattern rewriting for the peers (rg, grep -E)", () => {
  it('drops look-around (the peers lack it; the match only widens) and needless escapes of /', () => {
    expect(convertPattern('Connection failed: (?!\\[Errno 101\\])(?<reason>[^\\n(]*?) x', 'rust')).toBe('Connection failed: ([^\\n(]*?) x');
    expect(convertPattern('URI(?: (?<uri>[^\\s:]+:\\/\\/[^\\s:]+))?', 'rust')).toBe('URI(?: ([^\\s:]+://[^\\s:]+))?');
    expect(convertPattern('a(?=b[)])c', 'ere')).toBe('ac');
  });

  it('turns every log pattern of the catalog into one GNU grep -E accepts', async () => {
    const catalog = await loadCatalog();
    const refused = catalog.signatures
      .filter(isLogSignature)
      .flatMap((s) => s.patterns.map((p) => ({ id: s.id, ere: convertPattern(p, 'ere') })))
      .filter(({ ere }) => spawnSync('grep', ['-E', '-e', ere, '/dev/null']).status === 2)
      .map(({ id }) => id);
    expect(refused).toEqual([]);
  });
});
