/** The benchmark's results: rows per section, targets with PASS/FAIL, the printed table. */

/** One measured figure, printed as a table row. */
export interface Row {
  readonly label: string;
  /** The figure, formatted (`1.83 s`, `412 MB/s`). */
  readonly value: string;
  /** Peer, ratio or spread, formatted. */
  readonly detail?: string;
}

/** A target of issue 7 and whether this run met it (`null`: not measured in this run). */
export interface TargetResult {
  readonly id: string;
  readonly target: string;
  readonly measured: string;
  readonly pass: boolean | null;
}

/** What one benchmark part returns. */
export interface SectionResult {
  readonly id: string;
  readonly title: string;
  readonly rows: readonly Row[];
  readonly targets: readonly TargetResult[];
  /** Raw numbers for bench/results.json. */
  readonly data: unknown;
  readonly seconds?: number;
}

/** Milliseconds as people read them. */
export function ms(x: number): string {
  if (!Number.isFinite(x)) return 'n/a';
  return x >= 1000 ? `${(x / 1000).toFixed(2)} s` : `${x.toFixed(x < 10 ? 1 : 0)} ms`;
}

/** KiB as MB (10^6 bytes, like the targets). */
export function mbFromKb(kb: number): string {
  return `${((kb * 1024) / 1e6).toFixed(0)} MB`;
}

/** A ratio `a / b` as `0.42x`. */
export function ratio(a: number, b: number): string {
  return b > 0 && Number.isFinite(a) ? `${(a / b).toFixed(2)}x` : 'n/a';
}

function pad(text: string, width: number): string {
  return text.length >= width ? text : text + ' '.repeat(width - text.length);
}

/** The printed report: one table per section, then the targets. */
export function renderReport(sections: readonly SectionResult[], totalSeconds: number): string {
  const out: string[] = [];
  const labelWidth = Math.max(20, ...sections.flatMap((s) => s.rows.map((r) => r.label.length)));
  const valueWidth = Math.max(10, ...sections.flatMap((s) => s.rows.map((r) => r.value.length)));
  for (const s of sections) {
    out.push('', `== ${s.title}${s.seconds !== undefined ? ` (${s.seconds.toFixed(0)} s)` : ''}`);
    for (const r of s.rows) out.push(`  ${pad(r.label, labelWidth)}  ${pad(r.value, valueWidth)}  ${r.detail ?? ''}`.trimEnd());
  }
  const targets = sections.flatMap((s) => s.targets);
  const targetWidth = Math.max(10, ...targets.map((t) => t.target.length));
  out.push('', '== Targets');
  for (const t of targets) {
    const verdict = t.pass === null ? 'SKIP' : t.pass ? 'PASS' : 'FAIL';
    out.push(`  ${verdict}  ${pad(t.target, targetWidth)}  ${t.measured}`);
  }
  const failed = targets.filter((t) => t.pass === false).length;
  const passed = targets.filter((t) => t.pass === true).length;
  out.push('', `${passed} passed, ${failed} failed, ${targets.length - passed - failed} skipped; ${totalSeconds.toFixed(0)} s in all.`);
  return `${out.join('\n')}\n`;
}
