import { redact } from '../redact.js';
import type { StatsWindow } from './check-stats.js';
import { percent, statsTitle } from './render.js';

/**
 * The statistics as a picture for Slack (rasterised by `svgToPng`, as the post-mortem timeline
 * is): the share of error records recognised, one bar per day, and the most frequent signatures
 * as horizontal bars. A day with nothing to classify is drawn as a grey mark, never as a bar.
 */

const WIDTH = 900;
const MARGIN = 24;
const PLOT_X = 72;
const PLOT_W = WIDTH - PLOT_X - MARGIN;
const PLOT_H = 180;
const ROW = 24;
const FONT = 'DejaVu Sans, Liberation Sans, Helvetica, Arial, sans-serif';
const BAR = '#0072b2';
const SIGNATURE_BAR = '#d55e00';
const MUTED = '#868e96';
/** Signatures the picture lists. */
export const CHART_SIGNATURES = 8;

function xml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&apos;');
}

function fit(text: string, chars: number): string {
  const all = [...text];
  return all.length <= chars ? text : `${all.slice(0, chars - 1).join('')}…`;
}

/** The SVG of a statistics window (the caller shows "no scheduled checks" in text when it is empty). */
export function statsSvg(stats: StatsWindow, cluster: string): string {
  const out: string[] = [];
  let y = MARGIN + 16;
  out.push(`<text x="${MARGIN}" y="${y}" font-size="17" font-weight="bold">${xml(fit(redact(`Signature hits on ${cluster}`), 80))}</text>`);
  y += 22;
  out.push(`<text x="${MARGIN}" y="${y}" font-size="13" fill="#495057">${xml(fit(statsTitle(stats), 120))}</text>`);
  y += 30;
  out.push(`<text x="${MARGIN}" y="${y}" font-size="13" font-weight="bold">Error records recognised per day (UTC)</text>`);
  const top = y + 14;
  const bottom = top + PLOT_H;
  for (const share of [0, 0.5, 1]) {
    const gy = bottom - share * PLOT_H;
    out.push(`<line x1="${PLOT_X}" y1="${gy}" x2="${PLOT_X + PLOT_W}" y2="${gy}" stroke="#dee2e6" stroke-width="1"/>`);
    out.push(`<text x="${PLOT_X - 8}" y="${gy + 4}" font-size="11" text-anchor="end" fill="#495057">${share * 100} %</text>`);
  }
  const n = Math.max(1, stats.perDay.length);
  const slot = PLOT_W / n;
  const barW = Math.max(2, Math.min(48, slot * 0.7));
  const labelEvery = Math.max(1, Math.ceil(n / 12));
  stats.perDay.forEach((day, i) => {
    const cx = PLOT_X + slot * i + slot / 2;
    if (day.rate === null) {
      out.push(`<rect x="${(cx - barW / 2).toFixed(1)}" y="${bottom - 3}" width="${barW.toFixed(1)}" height="3" fill="${MUTED}"/>`);
    } else {
      const h = Math.max(1, day.rate * PLOT_H);
      out.push(`<rect x="${(cx - barW / 2).toFixed(1)}" y="${(bottom - h).toFixed(1)}" width="${barW.toFixed(1)}" height="${h.toFixed(1)}" fill="${BAR}"/>`);
      if (n <= 31)
        out.push(`<text x="${cx.toFixed(1)}" y="${(bottom - h - 4).toFixed(1)}" font-size="10" text-anchor="middle">${xml(percent(day.rate))}</text>`);
    }
    if (i % labelEvery === 0 || i === n - 1)
      out.push(`<text x="${cx.toFixed(1)}" y="${bottom + 16}" font-size="11" text-anchor="middle" fill="#495057">${day.date.slice(5)}</text>`);
  });
  y = bottom + 44;
  out.push(`<rect x="${PLOT_X}" y="${y - 9}" width="14" height="3" fill="${MUTED}"/>`);
  out.push(`<text x="${PLOT_X + 20}" y="${y - 4}" font-size="11" fill="#495057">no check, or no error record to classify</text>`);
  y += 24;
  const signatures = stats.signatures.slice(0, CHART_SIGNATURES);
  out.push(
    `<text x="${MARGIN}" y="${y}" font-size="13" font-weight="bold">${signatures.length > 0 ? 'Most frequent signatures (checks they fired in)' : 'No signature fired'}</text>`,
  );
  y += 10;
  const most = Math.max(1, ...signatures.map((s) => s.checks));
  const labelW = 300;
  for (const s of signatures) {
    const w = Math.max(2, (s.checks / most) * (WIDTH - MARGIN * 2 - labelW - 60));
    out.push(`<text x="${MARGIN}" y="${y + 16}" font-size="12">${xml(fit(s.signature, 44))}</text>`);
    out.push(`<rect x="${MARGIN + labelW}" y="${y + 5}" width="${w.toFixed(1)}" height="14" fill="${SIGNATURE_BAR}"/>`);
    out.push(`<text x="${(MARGIN + labelW + w + 6).toFixed(1)}" y="${y + 16}" font-size="12">${s.checks}</text>`);
    y += ROW;
  }
  const height = y + MARGIN;
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${height}" viewBox="0 0 ${WIDTH} ${height}" font-family="${FONT}">`,
    `<rect width="${WIDTH}" height="${height}" fill="#ffffff"/>`,
    ...out,
    '</svg>',
    '',
  ].join('\n');
}
