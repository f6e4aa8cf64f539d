/**
 * The built-in catalog, parsed and validated once at build time: parsing ~100 KB of YAML and
 * validating every signature costs a one-shot `stackmedic diagnose` about a third of a second,
 * more than scanning 100 MB of logs. The cache is keyed by each file's exact text and by the
 * code that validates it, so an edited signature file, or a loader changed without rebuilding the
 * cache, is parsed afresh: a stale cache can cost time, never a different catalog. Files that fail
 * validation are never cached, so every error still comes from the loader itself.
 */
import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Signature } from './schema.js';

/** Validated signatures of catalog texts seen before, by text. */
export interface CatalogCache {
  get(text: string): Signature[] | undefined;
}

interface CacheFile {
  readonly code: string;
  readonly entries: Readonly<Record<string, readonly Signature[]>>;
}

/** The modules whose code decides what a catalog text validates to. */
const VALIDATING_MODULES = ['catalog', 'schema', 'literals', 'globs', 'catalog-error'];

/** Where the build writes the cache: beside this module, so source and dist never share one. */
export function defaultCachePath(): string {
  return fileURLToPath(new URL('./catalog-cache.json', import.meta.url));
}

/** A hash of the validating code as it runs now (source under vitest, compiled under dist). */
export function validatorCodeHash(): string {
  const here = fileURLToPath(import.meta.url);
  const ext = here.slice(here.lastIndexOf('.'));
  const hash = createHash('sha256');
  for (const name of VALIDATING_MODULES) hash.update(readFileSync(fileURLToPath(new URL(`./${name}${ext}`, import.meta.url))));
  return hash.digest('hex');
}

function textKey(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

/** Reads the cache at `path`; `null` when there is none, it is unreadable, or it was made by other code. */
export function readCatalogCache(path = defaultCachePath(), code = validatorCodeHash()): CatalogCache | null {
  let parsed: CacheFile;
  try {
    parsed = JSON.parse(readFileSync(path, 'utf8')) as CacheFile;
  } catch {
    return null;
  }
  if (parsed === null || typeof parsed !== 'object' || parsed.code !== code || typeof parsed.entries !== 'object' || parsed.entries === null) return null;
  const entries = parsed.entries;
  return {
    // A copy per load: callers own the signatures they get, as they do from the parser.
    get: (text) => {
      const hit = entries[textKey(text)];
      return hit === undefined ? undefined : (structuredClone(hit) as Signature[]);
    },
  };
}

/** Writes the cache of these validated files to `path`. */
export function writeCatalogCache(files: readonly { readonly text: string; readonly signatures: readonly Signature[] }[], path = defaultCachePath()): void {
  const entries: Record<string, readonly Signature[]> = {};
  for (const f of files) entries[textKey(f.text)] = f.signatures;
  const body: CacheFile = { code: validatorCodeHash(), entries };
  writeFileSync(path, `${JSON.stringify(body)}\n`);
}
