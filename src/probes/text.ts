/** Small text helpers shared by the probe parsers. All pure. */

import type { ProbeOutput } from './types.js';

/** What a probe keeps as `raw` when it cannot read the output: stdout, then stderr if any. */
export function rawText(output: ProbeOutput): string {
  if (output.stderr.trim() === '') return output.stdout;
  if (output.stdout.trim() === '') return output.stderr;
  return `${output.stdout}\n--- stderr ---\n${output.stderr}`;
}

/** Removes ANSI colour/bold escapes (rabbitmqctl prints them even when not on a terminal). */
export function stripAnsi(text: string): string {
  return text.replace(/\u001b\[[0-9;?]*[A-Za-z]/g, '');
}

/** Splits into lines without trailing `\r`. */
export function lines(text: string): string[] {
  return text.split('\n').map((l) => l.replace(/\r$/, ''));
}

/** The first line matching `pattern`, trimmed. */
export function firstLineMatching(text: string, pattern: RegExp): string | undefined {
  return lines(text)
    .find((l) => pattern.test(l))
    ?.trim();
}

/** A row of a table printed by the OpenStack CLIs (prettytable), keyed by column title. */
export type TableRow = Readonly<Record<string, string>>;

/**
 * Reads the first prettytable in `text` (`+----+` borders, `| a | b |` rows). Lines before the
 * table (a shell prompt, a deprecation banner) are ignored. Returns undefined when there is none.
 */
export function parsePrettyTable(text: string): TableRow[] | undefined {
  const all = lines(text).map((l) => l.trim());
  const start = all.findIndex((l) => /^\+[-+]+\+$/.test(l));
  if (start < 0) return undefined;
  const cells = (line: string): string[] =>
    line
      .slice(1, -1)
      .split('|')
      .map((c) => c.trim());
  const header = all[start + 1];
  if (!header?.startsWith('|') || !header.endsWith('|')) return undefined;
  const titles = cells(header);
  const rows: TableRow[] = [];
  for (const line of all.slice(start + 2)) {
    if (/^\+[-+]+\+$/.test(line)) continue;
    if (!line.startsWith('|')) break;
    const values = cells(line);
    if (values.length !== titles.length) return undefined;
    rows.push(Object.fromEntries(titles.map((t, i) => [t, values[i] ?? ''])));
  }
  return rows;
}

/** Parses JSON without throwing. */
export function tryJson(text: string): { ok: true; value: unknown } | { ok: false; error: string } {
  try {
    return { ok: true, value: JSON.parse(text) as unknown };
  } catch (error) {
    return { ok: false, error: error instanceof Error ? error.message : String(error) };
  }
}

/** A plain JSON object (not an array, not null). */
export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** `value[key]` when it is a string. */
export function str(value: Record<string, unknown>, key: string): string | undefined {
  const v = value[key];
  return typeof v === 'string' ? v : undefined;
}

/** `value[key]` when it is a finite number (or a numeric string). */
export function num(value: Record<string, unknown>, key: string): number | undefined {
  const v = value[key];
  if (typeof v === 'number' && Number.isFinite(v)) return v;
  if (typeof v === 'string' && /^-?\d+(\.\d+)?$/.test(v.trim())) return Number(v);
  return undefined;
}

/** `value[key]` as a list of strings (non-strings dropped). */
export function strings(value: Record<string, unknown>, key: string): string[] {
  const v = value[key];
  return Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : [];
}
