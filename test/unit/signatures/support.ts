import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { loadCatalog } from '../../../src/signatures/catalog.js';
import { LogMatcher, type LogFinding } from '../../../src/signatures/matcher.js';
import { isLogSignature, type Catalog } from '../../../src/signatures/schema.js';

/** Absolute path of a file under test/fixtures. */
export function fixturePath(relative: string): string {
  return fileURLToPath(new URL(`../../fixtures/${relative}`, import.meta.url));
}

/** Text of a file under test/fixtures/logs. */
export function logFixture(relative: string): string {
  return readFileSync(fixturePath(`logs/${relative}`), 'utf8');
}

let catalog: Promise<Catalog> | undefined;

/** The built-in catalog, loaded once per test file. */
export function builtinCatalog(): Promise<Catalog> {
  catalog ??= loadCatalog();
  return catalog;
}

/** Every finding of the built-in log signatures on `text`. */
export async function matchAll(text: string, file = '/var/log/test.log'): Promise<LogFinding[]> {
  const { signatures } = await builtinCatalog();
  return new LogMatcher(signatures.filter(isLogSignature)).scanText(text, { node: 'node-10', file });
}
