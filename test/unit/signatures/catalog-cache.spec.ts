import { mkdtempSync, readFileSync, rmSync, writeFileSync, mkdirSync, copyFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { readCatalogCache, validatorCodeHash } from '../../../src/signatures/catalog-cache.js';
import { CatalogError } from '../../../src/signatures/catalog-error.js';
import { defaultBuiltinDir, loadCatalog, writeBuiltinCatalogCache } from '../../../src/signatures/catalog.js';

const dir = mkdtempSync(join(tmpdir(), 'stackmedic-catalog-cache-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('the built catalog cache', () => {
  it('gives exactly the catalog the parser gives, for every built-in file', async () => {
    const path = join(dir, 'cache.json');
    expect(await writeBuiltinCatalogCache(defaultBuiltinDir(), path)).toBeGreaterThan(5);
    const cache = readCatalogCache(path);
    expect(cache).not.toBeNull();
    const cached = await loadCatalog({ cache });
    const parsed = await loadCatalog({ cache: null });
    expect(cached.signatures.length).toBeGreaterThan(50);
    expect(cached.signatures).toEqual(parsed.signatures);
    expect([...cached.origin]).toEqual([...parsed.origin]);
    // Each load owns its signatures: changing one does not change the next load.
    (cached.signatures[0] as { title: string }).title = 'changed';
    expect((await loadCatalog({ cache })).signatures[0]?.title).toBe(parsed.signatures[0]?.title);
  });

  it('parses an edited file afresh: a broken edit is refused even though the old text was cached', async () => {
    const builtin = join(dir, 'builtin');
    mkdirSync(builtin);
    for (const f of readdirSync(defaultBuiltinDir()).filter((f) => f.endsWith('.yaml'))) copyFileSync(join(defaultBuiltinDir(), f), join(builtin, f));
    const path = join(dir, 'edited.json');
    await writeBuiltinCatalogCache(builtin, path);
    const victim = readdirSync(builtin).filter((f) => f.endsWith('.yaml'))[0] as string;
    writeFileSync(join(builtin, victim), readFileSync(join(builtin, victim), 'utf8').replace(/severity: \w+/, 'severity: apocalyptic'));
    await expect(loadCatalog({ builtinDir: builtin, cache: readCatalogCache(path) })).rejects.toThrow(CatalogError);
  });

  it('is ignored when the validating code is not the code that wrote it, or when it is unreadable', async () => {
    const path = join(dir, 'other-code.json');
    await writeBuiltinCatalogCache(defaultBuiltinDir(), path);
    expect(readCatalogCache(path, validatorCodeHash())).not.toBeNull();
    expect(readCatalogCache(path, 'another build')).toBeNull();
    writeFileSync(join(dir, 'garbage.json'), '{"code": ');
    expect(readCatalogCache(join(dir, 'garbage.json'))).toBeNull();
    expect(readCatalogCache(join(dir, 'missing.json'))).toBeNull();
  });
});
