import { readdir, readFile, stat } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRequire } from 'node:module';
import type { ZodIssue } from 'zod';
import { readCatalogCache, writeCatalogCache, type CatalogCache } from './catalog-cache.js';
import { CatalogError } from './catalog-error.js';
import { globProblem } from './globs.js';
import { requiredLiterals, MIN_LITERAL_LENGTH } from './literals.js';
import {
  isEmptyLogSignature,
  isLogSignature,
  logSourceSchema,
  probeSourceSchema,
  signatureSchema,
  type Catalog,
  type EmptyLogSignature,
  type Signature,
} from './schema.js';

// The YAML parser is loaded when a text is not in the build's cache: most starts never need it,
// and loading it costs a one-shot command about a tenth of a second.
type YamlModule = typeof import('yaml');
let yamlModule: YamlModule | undefined;
function yaml(): YamlModule {
  return (yamlModule ??= createRequire(import.meta.url)('yaml') as YamlModule);
}

/** Catalog files larger than this are refused: a signature file is a few KiB of YAML. */
const MAX_FILE_BYTES = 1024 * 1024;

/** Options of `loadCatalog`. */
export interface LoadCatalogOptions {
  /** The built-in catalog shipped with stackmedic (default: `signatures/builtin` of the package). */
  readonly builtinDir?: string;
  /** Operators' own signatures (`SIGNATURES_DIR`), loaded after the built-ins. */
  readonly extraDir?: string | undefined;
  /** Texts already validated (default: the cache the build wrote, see catalog-cache.ts); `null` parses every file. */
  readonly cache?: CatalogCache | null;
}

let builtCache: CatalogCache | null | undefined;

function defaultCache(): CatalogCache | null {
  if (builtCache === undefined) builtCache = readCatalogCache();
  return builtCache;
}

/** The `signatures/builtin` directory of the installed package, from source or from `dist`. */
export function defaultBuiltinDir(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 5; i++) {
    const candidate = join(dir, 'signatures', 'builtin');
    if (existsSync(candidate)) return candidate;
    dir = dirname(dir);
  }
  throw new Error('while locating the built-in signatures: no signatures/builtin directory above the code');
}

/**
 * Loads and validates the built-in catalog and the operators' directory. The first problem found
 * is thrown as a `CatalogError`; a catalog that loads is internally consistent (unique ids, known
 * `leadsTo`/`clears` targets, compilable patterns with prefilter literals, safe globs).
 */
export async function loadCatalog(options: LoadCatalogOptions = {}): Promise<Catalog> {
  const dirs = [options.builtinDir ?? defaultBuiltinDir()];
  if (options.extraDir) dirs.push(options.extraDir);
  const files: { file: string; text: string }[] = [];
  for (const dir of dirs) {
    for (const file of await catalogFiles(dir)) files.push({ file, text: await readCatalogFile(file) });
  }
  return buildCatalog(files, options.cache === undefined ? defaultCache() : options.cache);
}

/**
 * Writes the cache of the built-in catalog (run by `npm run build`): each file parsed and
 * validated as `loadCatalog` does, so a file that does not load is never cached.
 */
export async function writeBuiltinCatalogCache(builtinDir = defaultBuiltinDir(), path?: string): Promise<number> {
  const parsed: { text: string; signatures: Signature[] }[] = [];
  for (const file of await catalogFiles(builtinDir)) {
    const text = await readCatalogFile(file);
    parsed.push({ text, signatures: parseCatalogText(text, file) });
  }
  writeCatalogCache(parsed, path);
  return parsed.length;
}

/** Validates catalog texts already in memory (tests, or a catalog received another way). */
export function buildCatalog(files: readonly { file: string; text: string }[], cache: CatalogCache | null = null): Catalog {
  const signatures: Signature[] = [];
  const origin = new Map<string, string>();
  for (const { file, text } of files) {
    (cache?.get(text) ?? parseCatalogText(text, file)).forEach((signature, index) => {
      const previous = origin.get(signature.id);
      if (previous !== undefined) {
        throw new CatalogError(file, where(signature.id, index, 'id'), `a unique id; '${signature.id}' is already defined in ${previous}`, 'duplicate');
      }
      origin.set(signature.id, file);
      signatures.push(signature);
    });
  }
  checkReferences(signatures, origin);
  return { signatures, origin };
}

/** Parses and validates one catalog file's text (one signature, or `signatures: [...]`). */
export function parseCatalogText(text: string, file: string): Signature[] {
  let document: unknown;
  try {
    document = yaml().parse(text, { maxAliasCount: 50, uniqueKeys: true });
  } catch (error) {
    const at = error instanceof yaml().YAMLParseError && error.linePos ? ` (line ${error.linePos[0].line})` : '';
    const detail = error instanceof Error ? error.message.split('\n')[0] : String(error);
    throw new CatalogError(file, `YAML${at}`, `valid YAML: ${detail}`, 'yaml');
  }
  if (document === null || document === undefined) {
    throw new CatalogError(file, '(file)', 'one signature, or `signatures:` with a list of signatures; the file is empty', 'empty');
  }
  let raws: unknown[];
  if (isRecord(document) && 'signatures' in document) {
    if (!Array.isArray(document.signatures) || document.signatures.length === 0) {
      throw new CatalogError(file, 'signatures', 'a non-empty list of signatures', 'empty');
    }
    const extra = Object.keys(document).filter((k) => k !== 'signatures' && k !== 'source');
    if (extra.length > 0) throw new CatalogError(file, extra[0] as string, 'only `signatures` and a shared `source` at the top level', 'schema');
    raws = document.signatures;
    if ('source' in document) {
      // One `source` for the file: the signatures that name none read the same logs.
      checkSource(document.source, file, undefined, undefined, 'source');
      const shared = document.source;
      raws = raws.map((raw) => (isRecord(raw) && !('source' in raw) ? { ...raw, source: shared } : raw));
    }
  } else if (isRecord(document)) {
    raws = [document];
  } else {
    throw new CatalogError(file, '(file)', 'a mapping: one signature, or `signatures:` with a list', 'schema');
  }
  return raws.map((raw, index) => validateSignature(raw, file, index));
}

function validateSignature(raw: unknown, file: string, index: number): Signature {
  const id = isRecord(raw) && typeof raw.id === 'string' ? raw.id : undefined;
  if (!isRecord(raw)) throw new CatalogError(file, where(id, index, '(signature)'), 'a mapping with id, title, severity, source, ...', 'schema');
  checkSource(raw.source, file, id, index);
  const parsed = signatureSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0] as ZodIssue;
    throw new CatalogError(file, where(id, index, issue.path.join('.') || '(signature)'), describeIssue(issue), 'schema');
  }
  const signature = parsed.data;
  if (isEmptyLogSignature(signature)) {
    checkEmptyLogSignature(signature, file, index);
    return signature;
  }
  if (signature.empty !== undefined) {
    throw new CatalogError(file, where(signature.id, index, 'empty'), 'no `empty` on a probe signature: it is about a log file', 'schema');
  }
  if (isLogSignature(signature)) {
    signature.source.logs.paths.forEach((glob, i) => {
      const problem = globProblem(glob);
      if (problem) throw new CatalogError(file, where(signature.id, index, `source.logs.paths.${i}`), problem, 'glob');
    });
    if (signature.patterns.length === 0) {
      throw new CatalogError(file, where(signature.id, index, 'patterns'), 'at least one regular expression for a log signature', 'schema');
    }
  } else if (signature.patterns.length > 0) {
    throw new CatalogError(file, where(signature.id, index, 'patterns'), 'no patterns: a probe signature matches a fact, not text', 'schema');
  }
  if (signature.clearScope !== undefined && signature.clears === undefined) {
    throw new CatalogError(file, where(signature.id, index, 'clearScope'), 'no clearScope without `clears` (it says how far a recovery reaches)', 'schema');
  }
  if (signature.threshold !== undefined && signature.clears !== undefined) {
    throw new CatalogError(file, where(signature.id, index, 'threshold'), 'no threshold on a recovery: one recovery line is enough', 'schema');
  }
  const captures = new Set<string>(['node']);
  signature.patterns.forEach((pattern, i) => {
    const field = where(signature.id, index, `patterns.${i}`);
    let regex: RegExp;
    try {
      regex = new RegExp(pattern, signature.ignoreCase ? 'i' : '');
    } catch (error) {
      throw new CatalogError(file, field, `a valid JavaScript regular expression (${(error as Error).message})`, 'regex');
    }
    if (NESTED_QUANTIFIER.test(pattern)) {
      throw new CatalogError(file, field, 'no quantified group that itself ends in a quantifier (catastrophic backtracking)', 'regex');
    }
    for (const name of namedGroups(regex)) captures.add(name);
    if (!signature.literals && requiredLiterals(pattern) === null) {
      throw new CatalogError(
        file,
        field,
        `a pattern containing a literal of at least ${MIN_LITERAL_LENGTH} characters that every match contains, or explicit \`literals\``,
        'literal',
      );
    }
  });
  if (signature.clearKey !== undefined && (signature.clears === undefined || !captures.has(signature.clearKey))) {
    throw new CatalogError(
      file,
      where(signature.id, index, 'clearKey'),
      `a field this recovery captures (${[...captures].filter((c) => c !== 'node').join(', ') || 'none'}), with \`clears\``,
      'schema',
    );
  }
  if (signature.runbook && isLogSignature(signature)) {
    for (const [, name] of signature.runbook.matchAll(/\{([^}]*)\}/g)) {
      if (!captures.has(name ?? '')) {
        throw new CatalogError(
          file,
          where(signature.id, index, 'runbook'),
          `placeholders naming a captured field (${[...captures].join(', ')}); {${name}} is not one`,
          'placeholder',
        );
      }
    }
  }
  return signature;
}

/**
 * An empty-log signature is read by file size: no text fields (patterns, literals, a count, a
 * recovery) make sense on it, and its globs go into the remote command like every other.
 */
function checkEmptyLogSignature(signature: EmptyLogSignature, file: string, index: number): void {
  const globs = [
    ...signature.source.logs.paths.map((g, i) => [g, `source.logs.paths.${i}`] as const),
    ...signature.empty.witnesses.map((g, i) => [g, `empty.witnesses.${i}`] as const),
  ];
  for (const [glob, field] of globs) {
    const problem = globProblem(glob);
    if (problem) throw new CatalogError(file, where(signature.id, index, field), problem, 'glob');
  }
  for (const field of ['patterns', 'literals', 'threshold', 'clears', 'clearScope', 'clearKey'] as const) {
    const value = signature[field];
    if (value !== undefined && !(Array.isArray(value) && value.length === 0)) {
      throw new CatalogError(file, where(signature.id, index, field), `no ${field} on an \`empty\` signature: it is read by file size, not by text`, 'schema');
    }
  }
  if (signature.runbook && /\{(?!node\})[^}]*\}/.test(signature.runbook)) {
    throw new CatalogError(
      file,
      where(signature.id, index, 'runbook'),
      'placeholders naming a captured field (node); an empty file captures nothing else',
      'placeholder',
    );
  }
}

/** `(x+)+`, `(x*)*`, `(a|b+){2,}`: the classic shapes of catastrophic backtracking. */
const NESTED_QUANTIFIER = /\((?:[^()\\]|\\.)*[+*](?:[^()\\]|\\.)*\)[+*{]/;

function checkSource(source: unknown, file: string, id: string | undefined, index: number | undefined, at?: string): void {
  const expected = 'either { logs: { roles: [...], paths: [...] } } or { probe: { id: ..., fact: ... } }';
  const field = (f: string): string => (at === undefined ? where(id, index, f) : `(file) ${f}`);
  if (!isRecord(source)) throw new CatalogError(file, field('source'), expected, 'schema');
  const keys = Object.keys(source);
  if (keys.length !== 1 || (keys[0] !== 'logs' && keys[0] !== 'probe')) {
    throw new CatalogError(file, field('source'), expected, 'schema');
  }
  const key = keys[0];
  const parsed = key === 'logs' ? logSourceSchema.safeParse(source.logs) : probeSourceSchema.safeParse(source.probe);
  if (!parsed.success) {
    const issue = parsed.error.issues[0] as ZodIssue;
    const reason = key === 'logs' && issue.path[0] === 'paths' ? 'glob' : 'schema';
    throw new CatalogError(file, field(['source', key, ...issue.path].join('.')), describeIssue(issue), reason);
  }
}

function checkReferences(signatures: readonly Signature[], origin: ReadonlyMap<string, string>): void {
  const ids = new Set(signatures.map((s) => s.id));
  for (const signature of signatures) {
    const file = origin.get(signature.id) ?? '(catalog)';
    signature.leadsTo.forEach((target, i) => {
      if (target === signature.id) {
        throw new CatalogError(file, where(signature.id, undefined, `leadsTo.${i}`), 'ids of other signatures; a signature cannot lead to itself', 'reference');
      }
      if (!ids.has(target)) {
        throw new CatalogError(file, where(signature.id, undefined, `leadsTo.${i}`), `the id of a known signature; '${target}' is not defined`, 'reference');
      }
    });
    if (signature.clears !== undefined && !ids.has(signature.clears)) {
      throw new CatalogError(file, where(signature.id, undefined, 'clears'), `the id of a known signature; '${signature.clears}' is not defined`, 'reference');
    }
  }
}

function where(id: string | undefined, index: number | undefined, field: string): string {
  const who = id ? `signature '${id}'` : 'signature';
  const position = index === undefined ? '' : ` (#${index + 1})`;
  return `${who}${position} ${field}`;
}

function describeIssue(issue: ZodIssue): string {
  if (issue.code === 'unrecognized_keys') return `only known fields; unknown: ${issue.keys.join(', ')}`;
  if (issue.code === 'invalid_type' && issue.received === 'undefined') return `a value (required, ${issue.expected})`;
  return issue.message;
}

function namedGroups(regex: RegExp): string[] {
  return [...regex.source.matchAll(/\(\?<([A-Za-z_$][\w$]*)>/g)].map((m) => m[1] as string);
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

async function catalogFiles(dir: string): Promise<string[]> {
  let entries: string[];
  try {
    entries = await readdir(dir);
  } catch (error) {
    throw new CatalogError(resolve(dir), '(directory)', `a readable directory of *.yaml signature files (${(error as Error).message})`, 'io');
  }
  return entries
    .filter((name) => /\.ya?ml$/.test(name) && !name.startsWith('.'))
    .sort()
    .map((name) => join(dir, name));
}

async function readCatalogFile(file: string): Promise<string> {
  const info = await stat(file);
  if (info.size > MAX_FILE_BYTES) {
    throw new CatalogError(file, '(file)', `a signature file under ${MAX_FILE_BYTES} bytes (${basename(file)} has ${info.size})`, 'io');
  }
  return readFile(file, 'utf8');
}
