import { table } from '../render/table.js';
import type { StatsWindow } from './check-stats.js';

/** Eight bar heights, lowest first. */
const BARS = '▁▂▃▄▅▆▇█';
/** A day with nothing to measure: no check, or no error record to classify. */
const NO_DATA = '·';

/** One bar per value in 0..1 (a share); `null` (nothing measured) is a dot, never a full bar. */
export function sparkline(values: readonly (number | null)[]): string {
  return values.map((v) => (v === null ? NO_DATA : (BARS[Math.min(7, Math.max(0, Math.round(v * 7)))] as string))).join('');
}

/** A share as whole percent, rounded down: 99.6 % recognised is not "100 %". */
export function percent(rate: number): string {
  return `${Math.floor(rate * 100)} %`;
}

/** The title line of the statistics: what the window holds, or that it holds nothing. */
export function statsTitle(stats: StatsWindow): string {
  if (stats.checks === 0) return `no scheduled checks recorded in the last ${stats.days} day${stats.days === 1 ? '' : 's'}`;
  const share = stats.rate === null ? 'no error records to classify' : `${percent(stats.rate)} of ${stats.errors} error records recognised`;
  return `${stats.checks} scheduled check${stats.checks === 1 ? '' : 's'} in the last ${stats.days} day${stats.days === 1 ? '' : 's'}: ${share}`;
}

/** `/incident stats` as text: the rate per day as a sparkline, each day's numbers, the most frequent signatures. */
export function renderStatsText(stats: StatsWindow): string {
  if (stats.checks === 0) return '';
  const first = stats.perDay[0]?.date ?? '';
  const last = stats.perDay.at(-1)?.date ?? '';
  const lines = [
    `Recognised per day (${first} .. ${last} UTC, ${NO_DATA} = nothing to classify): ${sparkline(stats.perDay.map((d) => d.rate))}`,
    '',
    table([
      ['DAY', 'CHECKS', 'ERRORS', 'RECOGNISED'],
      ...stats.perDay.filter((d) => d.checks > 0).map((d) => [d.date, String(d.checks), String(d.errors), d.rate === null ? '-' : percent(d.rate)]),
    ]),
    '',
  ];
  if (stats.signatures.length === 0) lines.push('No signature fired in these checks.');
  else {
    lines.push('Most frequent signatures:');
    lines.push(table([['SIGNATURE', 'CHECKS', 'EVIDENCE'], ...stats.signatures.map((s) => [s.signature, String(s.checks), String(s.hits)])]));
  }
  return lines.join('\n');
}
