/**
 * A timeline as an SVG picture: a pure function from rows grouped by day to an SVG string, laid out
 * without measuring fonts (widths are estimated, long text is cut), so the same input always gives
 * the same bytes and a golden file can pin it.
 */

/** One kind of row (log record, probe, ...), with the label the legend shows. */
export interface TimelineKind {
  readonly id: string;
  readonly label: string;
}

/** One row: a time of day, its kind, what happened. */
export interface TimelineRow {
  readonly time: string;
  readonly kind: string;
  readonly text: string;
  /** Shown above the row when a long quiet time came before it ("1d 0h later"). */
  readonly gapBefore?: string | undefined;
}

/** Rows of one calendar day. */
export interface TimelineDay {
  readonly date: string;
  readonly rows: readonly TimelineRow[];
}

/** What the picture shows. */
export interface TimelineChart {
  readonly title: string;
  readonly subtitle: string;
  readonly kinds: readonly TimelineKind[];
  readonly days: readonly TimelineDay[];
  /** Rows left out of the picture (shown as one last line). */
  readonly omitted: number;
}

const WIDTH = 1100;
const MARGIN = 24;
const AXIS_X = 132;
const TEXT_X = 148;
const ROW = 24;
const GAP_ROW = 20;
const DAY_ROW = 30;
const FONT_SIZE = 13;
/** Generic sans-serif, with the families most Linux, macOS and Windows machines have named first. */
const FONT = 'DejaVu Sans, Liberation Sans, Helvetica, Arial, sans-serif';
/** A wide estimate of a sans-serif glyph's advance, in em, so that cut text never overflows. */
const EM_PER_CHAR = 0.62;
/** Distinct on white and for the common colour-vision deficiencies (Okabe-Ito). */
const PALETTE = ['#d55e00', '#7b3294', '#0072b2', '#009e73', '#e69f00', '#56b4e9', '#cc79a7'];
const UNKNOWN_COLOR = '#868e96';

/** Escapes text for SVG character data and attribute values. */
function xml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&apos;');
}

/** Cuts `text` to what fits in `width` pixels at `size`, with an ellipsis when cut. */
export function fitText(text: string, width: number, size = FONT_SIZE): string {
  const chars = [...text.replace(/\s+/g, ' ').trim()];
  const max = Math.max(1, Math.floor(width / (size * EM_PER_CHAR)));
  return chars.length <= max ? chars.join('') : `${chars.slice(0, max - 1).join('')}…`;
}

/** Estimated width of `text` in pixels at `size`. */
function widthOf(text: string, size: number): number {
  return Math.ceil([...text].length * size * EM_PER_CHAR);
}

/** The SVG of a timeline: title, legend, then per day a band and one dot per row on a vertical axis. */
export function timelineSvg(chart: TimelineChart): string {
  const color = new Map(chart.kinds.map((k, i) => [k.id, PALETTE[i % PALETTE.length] ?? UNKNOWN_COLOR]));
  const body: string[] = [];
  const textWidth = WIDTH - TEXT_X - MARGIN;
  body.push(
    `<text x="${MARGIN}" y="40" font-size="20" font-weight="bold" fill="#212529">${xml(fitText(chart.title, WIDTH - 2 * MARGIN, 20))}</text>`,
    `<text x="${MARGIN}" y="64" font-size="${FONT_SIZE}" fill="#495057">${xml(fitText(chart.subtitle, WIDTH - 2 * MARGIN))}</text>`,
  );
  let x = MARGIN;
  for (const k of chart.kinds) {
    body.push(
      `<circle cx="${x + 6}" cy="88" r="6" fill="${color.get(k.id) ?? UNKNOWN_COLOR}"/>`,
      `<text x="${x + 18}" y="93" font-size="${FONT_SIZE}" fill="#212529">${xml(k.label)}</text>`,
    );
    x += 18 + widthOf(k.label, FONT_SIZE) + 24;
  }
  let y = 112;
  let axisTop: number | undefined;
  let axisBottom = y;
  for (const day of chart.days) {
    body.push(
      `<rect x="${MARGIN}" y="${y}" width="${WIDTH - 2 * MARGIN}" height="${DAY_ROW - 6}" rx="4" fill="#f1f3f5"/>`,
      `<text x="${MARGIN + 12}" y="${y + 17}" font-size="${FONT_SIZE}" font-weight="bold" fill="#212529">${xml(day.date)}</text>`,
    );
    y += DAY_ROW;
    for (const row of day.rows) {
      if (row.gapBefore) {
        body.push(`<text x="${TEXT_X}" y="${y + 13}" font-size="11" font-style="italic" fill="#868e96">${xml(`⋮ ${row.gapBefore}`)}</text>`);
        y += GAP_ROW;
      }
      const cy = y + ROW / 2;
      axisTop ??= cy;
      axisBottom = cy;
      body.push(
        `<text x="${AXIS_X - 16}" y="${cy + 4}" font-size="12" text-anchor="end" fill="#495057">${xml(row.time)}</text>`,
        `<circle cx="${AXIS_X}" cy="${cy}" r="5" fill="${color.get(row.kind) ?? UNKNOWN_COLOR}" stroke="#ffffff" stroke-width="2"/>`,
        `<text x="${TEXT_X}" y="${cy + 4}" font-size="${FONT_SIZE}" fill="#212529">${xml(fitText(row.text, textWidth))}</text>`,
      );
      y += ROW;
    }
  }
  if (chart.omitted > 0) {
    body.push(
      `<text x="${TEXT_X}" y="${y + 16}" font-size="${FONT_SIZE}" font-style="italic" fill="#495057">${xml(`… and ${chart.omitted} more event${chart.omitted === 1 ? '' : 's'}`)}</text>`,
    );
    y += ROW;
  }
  const height = y + MARGIN;
  // The axis goes under the dots: it is drawn first.
  const axis = axisTop === undefined ? [] : [`<line x1="${AXIS_X}" y1="${axisTop}" x2="${AXIS_X}" y2="${axisBottom}" stroke="#ced4da" stroke-width="2"/>`];
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${height}" viewBox="0 0 ${WIDTH} ${height}" font-family="${FONT}">`,
    `<rect width="${WIDTH}" height="${height}" fill="#ffffff"/>`,
    ...axis,
    ...body,
    '</svg>',
    '',
  ].join('\n');
}
