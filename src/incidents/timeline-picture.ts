import { redact } from '../redact.js';
import { humanDuration } from '../render/duration.js';
import type { TimelineChart, TimelineDay, TimelineKind, TimelineRow } from '../render/timeline-svg.js';

/**
 * The post-mortem's timeline as a picture: the chart both pictures are drawn from (the SVG and PNG
 * uploaded to Slack, and the Mermaid `timeline` block in the Markdown).
 */

/** A timeline entry as the picture needs it (the post-mortem's TimelineEntry is one). */
export interface PictureEntry {
  readonly at: string;
  readonly source: string;
  readonly text: string;
}

/** Sources in legend order, with the words the legend uses. */
const KINDS: readonly TimelineKind[] = [
  { id: 'log', label: 'log record' },
  { id: 'probe', label: 'probe finding' },
  { id: 'stackmedic', label: 'stackmedic' },
  { id: 'audit', label: 'operator action' },
  // Last, so that a timeline without recoveries keeps the colours it always had.
  { id: 'recovery', label: 'recovered' },
];

/** A quiet time longer than this is marked between two rows. */
const QUIET_MS = 60 * 60_000;

/** Rows a picture shows; the rest is counted. */
export const PICTURE_ROWS = 40;

/**
 * What a row says: the entry's first line, without the evidence place (`node:file:line`, in the
 * table already) nor code quotes, redacted since the picture leaves as a file.
 */
export function pictureText(text: string): string {
  const first = text.split('\n')[0] ?? '';
  return redact(first.replace(/\s*\(`[^`]*`\)$/, '').replace(/`/g, ''));
}

/**
 * The chart of a timeline: rows by UTC day, quiet times marked. Over `limit` entries, the bot's own
 * events and the operators' actions are kept and the log and probe records fill what is left, in
 * time order, so the picture always shows how the incident was handled.
 */
export function timelineChart(options: { readonly title: string; readonly entries: readonly PictureEntry[]; readonly limit?: number }): TimelineChart {
  const limit = options.limit ?? PICTURE_ROWS;
  const entries = [...options.entries].sort((a, b) => a.at.localeCompare(b.at));
  const handled = entries.filter((e) => e.source === 'stackmedic' || e.source === 'audit');
  const seen = entries.filter((e) => !handled.includes(e)).slice(0, Math.max(0, limit - handled.length));
  const shown = entries.filter((e) => handled.includes(e) || seen.includes(e)).slice(0, limit);
  const days: { date: string; rows: TimelineRow[] }[] = [];
  let previous: number | undefined;
  for (const e of shown) {
    const date = e.at.slice(0, 10);
    const at = Date.parse(e.at);
    const quiet = previous !== undefined && at - previous > QUIET_MS ? `${humanDuration((at - previous) / 1000)} later` : undefined;
    previous = at;
    let day = days.at(-1);
    if (day?.date !== date) {
      day = { date, rows: [] };
      days.push(day);
    }
    day.rows.push({ time: e.at.slice(11, 19), kind: e.source, text: pictureText(e.text), ...(quiet ? { gapBefore: quiet } : {}) });
  }
  const first = entries[0]?.at;
  const last = entries.at(-1)?.at;
  const span = first && last ? ` from ${first.slice(0, 19).replace('T', ' ')} to ${last.slice(0, 19).replace('T', ' ')}` : '';
  return {
    title: redact(options.title),
    subtitle: `Timeline (UTC): ${entries.length} event${entries.length === 1 ? '' : 's'}${span}`,
    kinds: KINDS.filter((k) => shown.some((e) => e.source === k.id)),
    days: days satisfies TimelineDay[],
    omitted: entries.length - shown.length,
  };
}

/**
 * Text Mermaid's timeline grammar reads as one event: a colon before a space starts the next event
 * (a title takes the rest of its line, colons included), `%%` a comment, `#name;` an entity, and `<`
 * markup; backquotes would end the Markdown fence.
 */
function mermaidText(text: string, max = 90, title = false): string {
  const clean = text
    .replace(/`/g, '')
    .replace(/:(?=\s|$)/g, title ? ':' : ' -')
    .replace(/%%/g, '%')
    .replace(/#(\w+;)/g, '# $1')
    .replace(/</g, '‹')
    .replace(/>/g, '›')
    .replace(/\s+/g, ' ')
    .trim();
  const chars = [...clean];
  return chars.length <= max ? clean : `${chars.slice(0, max - 1).join('')}…`;
}

/**
 * The chart as a Mermaid `timeline` (the body of a ```mermaid block): a section per day, a period
 * per minute with its events. Periods are written `05.49`, since the grammar ends a period at a colon.
 */
export function timelineMermaid(chart: TimelineChart): string {
  const lines = ['timeline', `    title ${mermaidText(chart.title, 120, true)}`];
  for (const day of chart.days) {
    lines.push(`    section ${day.date}`);
    const minutes: { period: string; events: string[] }[] = [];
    for (const row of day.rows) {
      const period = row.time.slice(0, 5).replace(':', '.');
      const last = minutes.at(-1);
      if (last?.period === period) last.events.push(mermaidText(row.text));
      else minutes.push({ period, events: [mermaidText(row.text)] });
    }
    for (const m of minutes) lines.push(`        ${m.period} : ${m.events.join(' : ')}`);
  }
  if (chart.omitted > 0) lines.push(`        … : and ${chart.omitted} more event${chart.omitted === 1 ? '' : 's'}`);
  return lines.join('\n');
}
