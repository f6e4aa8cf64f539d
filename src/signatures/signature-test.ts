import { copyFile, mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join, resolve } from 'node:path';
import { CatalogError } from './catalog-error.js';
import { loadCatalog } from './catalog.js';
import { diagnoseDirectory, type DiagnoseOptions, type Diagnosis } from './diagnose.js';
import type { Catalog } from './schema.js';
import { WILDCARD } from './template-miner.js';
import type { Classification, UnrecognisedGroup } from './unrecognised.js';
import { compareNodes } from '../inventory/node-order.js';

/**
 * What a signature file would do before it goes into `SIGNATURES_DIR` (`stackmedic signatures
 * test`): the logs are diagnosed with today's catalog and again with the file added, and the two
 * runs compared: what its signatures match, and which unrecognised groups it takes over.
 */

/** What one signature of the file matched. */
export interface SignatureMatch {
  readonly id: string;
  readonly title: string;
  readonly records: number;
  /** `node:path` of every file it matched in. */
  readonly files: readonly string[];
  readonly nodes: readonly string[];
  readonly first: string | null;
  readonly last: string | null;
}

/** An unrecognised group (numbered as `diagnose` numbers it) the file would now recognise, wholly or in part. */
export interface ClaimedGroup {
  readonly number: number;
  readonly template: string;
  readonly count: number;
  /** Records of the group that would be recognised. */
  readonly claimed: number;
}

/** The comparison of the two runs. */
export interface SignatureTestReport {
  readonly file: string;
  readonly matches: readonly SignatureMatch[];
  readonly claimed: readonly ClaimedGroup[];
  readonly before: Classification;
  readonly after: Classification;
}

/** The catalog today and the same with the file added, both through the real loader. */
export interface CandidateCatalogs {
  readonly baseline: Catalog;
  readonly combined: Catalog;
  /** Ids the file defines. */
  readonly ids: readonly string[];
}

/**
 * Loads the catalog as it is (built-ins and `signaturesDir`) and as it would be with `file` copied
 * into `signaturesDir`, through `loadCatalog` itself (a temporary copy of the directory). A problem
 * of the file is thrown as the loader's `CatalogError`, naming the file the operator gave.
 */
export async function loadCandidate(file: string, signaturesDir: string | undefined, builtinDir?: string): Promise<CandidateCatalogs> {
  const builtin = builtinDir ? { builtinDir } : {};
  const baseline = await loadCatalog({ ...builtin, extraDir: signaturesDir });
  const dir = await mkdtemp(join(tmpdir(), 'stackmedic-signature-test-'));
  const copy = join(dir, basename(file));
  try {
    if (signaturesDir) {
      for (const name of await readdir(signaturesDir))
        if (/\.ya?ml$/.test(name) && name !== basename(file)) await copyFile(join(signaturesDir, name), join(dir, name));
    }
    try {
      await copyFile(file, copy);
    } catch (error) {
      throw new CatalogError(resolve(file), '(file)', `a readable signature file (${(error as Error).message})`, 'io');
    }
    let combined: Catalog;
    try {
      combined = await loadCatalog({ ...builtin, extraDir: dir });
    } catch (error) {
      if (error instanceof CatalogError && error.file === copy) throw new CatalogError(file, error.field, error.expected, error.reason);
      throw error;
    }
    const ids = combined.signatures.filter((s) => combined.origin.get(s.id) === copy).map((s) => s.id);
    return { baseline, combined, ids };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** True when `wide` could have grown from `narrow` by more records joining: equal tokens, or a wildcard. */
function subsumes(wide: readonly string[], narrow: readonly string[]): boolean {
  return wide.length === narrow.length && wide.every((t, i) => t === WILDCARD || t === narrow[i]);
}

/**
 * The groups of `before` whose records `after` no longer lists. A group left with fewer records
 * can be mined into a narrower template (fewer members differ), so a template of `after` that
 * `before` does not have counts for the first group of `before` it could have grown into.
 */
export function claimedGroups(before: readonly UnrecognisedGroup[], after: readonly UnrecognisedGroup[]): ClaimedGroup[] {
  const remaining = new Map<number, number>();
  const index = new Map(before.map((g, i) => [g.template, i]));
  const split = before.map((g) => g.template.split(' '));
  for (const group of after) {
    let i = index.get(group.template);
    if (i === undefined) {
      const tokens = group.template.split(' ');
      const found = split.findIndex((wide) => subsumes(wide, tokens));
      i = found < 0 ? undefined : found;
    }
    if (i !== undefined) remaining.set(i, (remaining.get(i) ?? 0) + group.count);
  }
  return before.flatMap((g, i) => {
    const claimed = g.count - Math.min(g.count, remaining.get(i) ?? 0);
    return claimed > 0 ? [{ number: i + 1, template: g.template, count: g.count, claimed }] : [];
  });
}

/** The matches of the given signatures in a diagnosis. */
export function matchesOf(diagnosis: Diagnosis, catalog: Catalog, ids: readonly string[]): SignatureMatch[] {
  return ids.map((id) => {
    const findings = diagnosis.findings.filter((f) => f.signature === id);
    const times = findings.map((f) => f.time).filter((t): t is string => t !== null);
    times.sort();
    return {
      id,
      title: catalog.signatures.find((s) => s.id === id)?.title ?? id,
      records: findings.length,
      files: [...new Set(findings.map((f) => `${f.node}:${f.file}`))].sort(compareNodes),
      nodes: [...new Set(findings.map((f) => f.node))].sort(compareNodes),
      first: times[0] ?? null,
      last: times.at(-1) ?? null,
    };
  });
}

/** Diagnoses `logsDir` with both catalogs and compares the runs; `before` may be passed when already made. */
export async function testSignatures(
  file: string,
  logsDir: string,
  catalogs: CandidateCatalogs,
  options: DiagnoseOptions = {},
  before?: Diagnosis,
): Promise<SignatureTestReport> {
  const base = before ?? (await diagnoseDirectory(logsDir, catalogs.baseline, options));
  const next = await diagnoseDirectory(logsDir, catalogs.combined, options);
  return {
    file,
    matches: matchesOf(next, catalogs.combined, catalogs.ids),
    claimed: claimedGroups(base.unrecognised.groups, next.unrecognised.groups),
    before: base.unrecognised.classification,
    after: next.unrecognised.classification,
  };
}

function percent(c: Classification): string {
  return c.rate === null ? 'no error records' : `${Math.floor(c.rate * 100)} % of ${c.errors} error records recognised`;
}

/** The text `stackmedic signatures test` prints. */
export function renderSignatureTest(report: SignatureTestReport): string {
  const lines: string[] = [];
  for (const m of report.matches) {
    if (m.records === 0) {
      lines.push(`${m.id}: matches nothing in these logs`);
      continue;
    }
    const when = m.first === null ? '' : m.last !== null && m.last !== m.first ? `, ${m.first} .. ${m.last}` : `, ${m.first}`;
    lines.push(
      `${m.id}: ${m.records} record${m.records === 1 ? '' : 's'} in ${m.files.length} file${m.files.length === 1 ? '' : 's'} on ${m.nodes.join(', ')}${when}`,
    );
    for (const f of m.files.slice(0, 10)) lines.push(`    ${f}`);
    if (m.files.length > 10) lines.push(`    … ${m.files.length - 10} more files`);
  }
  if (report.claimed.length === 0) lines.push('It recognises none of the unrecognised groups.');
  else {
    lines.push(`It would recognise ${report.claimed.length === 1 ? 'this unrecognised group' : `these ${report.claimed.length} unrecognised groups`}:`);
    for (const g of report.claimed) lines.push(`  ${g.number}. ${g.claimed === g.count ? `x${g.count}` : `${g.claimed} of ${g.count}`}  ${g.template}`);
  }
  lines.push(`Classification: ${percent(report.before)} -> ${percent(report.after)}.`);
  return `${lines.join('\n')}\n`;
}
