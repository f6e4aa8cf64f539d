/** What the `openstack` CLI probes share: reading `-f json` or a table, and API errors. */

import { isRecord, lines, parsePrettyTable, tryJson, type TableRow } from './text.js';

/** Rows of `openstack ... list -f json` or of a prettytable, keyed by column title. */
export type CliRows =
  | { readonly ok: true; readonly rows: readonly Readonly<Record<string, unknown>>[]; readonly format: 'json' | 'table' }
  | { readonly ok: false; readonly reason: string };

/** Reads the JSON list, or failing that the first table, of an OpenStack CLI listing. */
export function readCliRows(stdout: string, stderr: string): CliRows {
  const start = stdout.search(/^\s*\[/m);
  if (start >= 0) {
    const parsed = tryJson(stdout.slice(start));
    if (parsed.ok && Array.isArray(parsed.value)) {
      return { ok: true, format: 'json', rows: parsed.value.filter(isRecord) };
    }
  }
  const table: TableRow[] | undefined = parsePrettyTable(stdout);
  if (table) return { ok: true, format: 'table', rows: table };
  const error = lines(stderr).find((l) => l.trim() !== '');
  return { ok: false, reason: error ? `openstack CLI failed: ${error.trim()}` : 'no JSON list and no table in the output' };
}

/** The first of `keys` present in `row`, as text. */
export function cell(row: Readonly<Record<string, unknown>>, ...keys: string[]): string | undefined {
  for (const k of keys) {
    const v = row[k];
    if (typeof v === 'string') return v;
    if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  }
  return undefined;
}
