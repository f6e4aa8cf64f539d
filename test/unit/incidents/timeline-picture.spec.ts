import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { webApi } from '@slack/bolt';
import { describe, expect, it } from 'vitest';
import { timelineChart, timelineMermaid, type PictureEntry } from '../../../src/incidents/index.js';
import { PNG_ZOOM, svgToPng } from '../../../src/render/png.js';
import { fitText, timelineSvg } from '../../../src/render/timeline-svg.js';
import { SlackPoster } from '../../../src/slack/poster.js';
import { decodePng } from './png-decode.js';

const GOLDEN_SVG = join(import.meta.dirname, '../../fixtures/golden/incidents/postmortem-timeline.svg');

const entries: PictureEntry[] = [
  { at: '2017-02-14T05:49:45.000Z', source: 'log', text: 'Root disk full (ENOSPC) on node-10 (`node-10:/var/log/rabbitmq/rabbit@node-10.log:1`)' },
  { at: '2017-02-14T05:50:01.000Z', source: 'log', text: 'RabbitMQ stopped on node-10, 4 records' },
  { at: '2017-02-15T06:30:00.000Z', source: 'probe', text: 'Disk full (df) on node-10 (probe)' },
  { at: '2017-02-15T06:30:00.000Z', source: 'stackmedic', text: 'Incident opened: Root disk full (ENOSPC) on node-10' },
  {
    at: '2017-02-15T06:36:00.000Z',
    source: 'audit',
    text: 'alice ran `/rabbit heal node-10` (slack): refused (Refused: 0 B free on node-10)\n↳ node-10: `df -P -B1 /` -> exit 0',
  },
  { at: '2017-02-15T06:54:00.000Z', source: 'stackmedic', text: 'Resolved: Checks green since 2017-02-15 06:44:00 UTC (10 min).' },
];

/**
 * The lines Mermaid's timeline lexer accepts (packages/mermaid/src/diagrams/timeline/parser/timeline.jison):
 * a title takes its line; a section name has no colon; a period has no colon and no '#', and each
 * of its events starts with ': ' and holds no colon followed by a space.
 */
const MERMAID_LINE = /^(?:timeline|\s+title [^\n]+|\s+section [^:\n]+|\s+[^#:\n]+?(?: : (?:[^:\n]|:(?!\s))+)+)$/;

describe('the timeline chart', () => {
  it('groups rows by UTC day, marks long quiet times, and keeps only the first line of each entry without its evidence place', () => {
    const chart = timelineChart({ title: 'Incident #1: Root disk full (ENOSPC) on node-10', entries });
    expect(chart.days.map((d) => d.date)).toEqual(['2017-02-14', '2017-02-15']);
    expect(chart.days[0]?.rows[0]).toEqual({ time: '05:49:45', kind: 'log', text: 'Root disk full (ENOSPC) on node-10' });
    expect(chart.days[1]?.rows[0]).toMatchObject({ time: '06:30:00', kind: 'probe', gapBefore: '1d 0h later' });
    expect(chart.days[1]?.rows[2]?.text).toBe('alice ran /rabbit heal node-10 (slack): refused (Refused: 0 B free on node-10)');
    expect(chart.kinds.map((k) => k.id)).toEqual(['log', 'probe', 'stackmedic', 'audit']);
    expect(chart.subtitle).toBe('Timeline (UTC): 6 events from 2017-02-14 05:49:45 to 2017-02-15 06:54:00');
    expect(chart.omitted).toBe(0);
  });

  it("keeps the bot's own events and the operators' actions when there are more entries than rows, and counts the rest", () => {
    const many: PictureEntry[] = [
      ...Array.from({ length: 50 }, (_, i) => ({ at: `2017-02-14T06:${String(i).padStart(2, '0')}:00.000Z`, source: 'log', text: `AMQP unreachable #${i}` })),
      ...entries.filter((e) => e.source !== 'log'),
    ];
    const chart = timelineChart({ title: 't', entries: many, limit: 10 });
    const rows = chart.days.flatMap((d) => d.rows);
    expect(rows).toHaveLength(10);
    expect(rows.filter((r) => r.kind === 'stackmedic' || r.kind === 'audit')).toHaveLength(3);
    // The earliest records fill the 7 rows left; the later probe finding is among those counted.
    expect(rows.filter((r) => r.kind === 'log').map((r) => r.text)).toEqual(Array.from({ length: 7 }, (_, i) => `AMQP unreachable #${i}`));
    expect(rows.some((r) => r.kind === 'probe')).toBe(false);
    expect(chart.omitted).toBe(many.length - 10);
    expect(timelineSvg(chart)).toContain('… and 44 more events');
    expect(timelineMermaid(chart)).toMatch(/\n {8}… : and 44 more events$/);
  });

  it('redacts what the picture shows, since it leaves as a file', () => {
    const chart = timelineChart({
      title: 'x',
      entries: [{ at: '2017-02-14T05:50:01.000Z', source: 'log', text: 'AMQP auth failed for rabbit_password=Gh7tQ2vLm9Xc on node-10' }],
    });
    const svg = timelineSvg(chart);
    expect(svg).toContain('rabbit_password=****');
    expect(svg).not.toContain('Gh7tQ2vLm9Xc');
    expect(timelineMermaid(chart)).not.toContain('Gh7tQ2vLm9Xc');
  });
});

describe('the Mermaid timeline', () => {
  it('is a section per day and a period per minute, in lines the Mermaid grammar reads as meant', () => {
    const text = timelineMermaid(timelineChart({ title: 'Incident #1: Root disk full (ENOSPC) on node-10', entries }));
    expect(text).toBe(
      [
        'timeline',
        '    title Incident #1: Root disk full (ENOSPC) on node-10',
        '    section 2017-02-14',
        '        05.49 : Root disk full (ENOSPC) on node-10',
        '        05.50 : RabbitMQ stopped on node-10, 4 records',
        '    section 2017-02-15',
        '        06.30 : Disk full (df) on node-10 (probe) : Incident opened - Root disk full (ENOSPC) on node-10',
        '        06.36 : alice ran /rabbit heal node-10 (slack) - refused (Refused - 0 B free on node-10)',
        '        06.54 : Resolved - Checks green since 2017-02-15 06:44:00 UTC (10 min).',
      ].join('\n'),
    );
    for (const line of text.split('\n')) expect(line).toMatch(MERMAID_LINE);
  });

  it('turns what would end an event, open a comment, an entity or markup, or close the fence into plain text', () => {
    const text = timelineMermaid(
      timelineChart({
        title: 't',
        entries: [{ at: '2017-02-14T05:49:45.000Z', source: 'log', text: 'a: b %% c #amp; <b>d</b> ```e``` f:' }],
      }),
    );
    const line = text.split('\n').at(-1) ?? '';
    expect(line).toBe('        05.49 : a - b % c # amp; ‹b›d‹/b› e f -');
    expect(line).toMatch(MERMAID_LINE);
  });
});

describe('the timeline SVG', () => {
  it('escapes text and cuts what would overflow the picture', () => {
    const long = `${'x'.repeat(300)} & <tail>`;
    const svg = timelineSvg(timelineChart({ title: 'A & B <c>', entries: [{ at: '2017-02-14T05:49:45.000Z', source: 'audit', text: long }] }));
    expect(svg).toContain('>A &amp; B &lt;c&gt;</text>');
    expect(svg).not.toContain('<tail>');
    const cut = fitText(long, 1100 - 148 - 24);
    expect(cut.endsWith('…')).toBe(true);
    expect(svg).toContain(`>${cut}</text>`);
    expect(svg).toMatch(/^<svg xmlns="http:\/\/www\.w3\.org\/2000\/svg" width="1100" height="\d+" viewBox="0 0 1100 \d+" font-family="[^"]*sans-serif">/);
  });

  it('grows by one row per entry', () => {
    const height = (n: number): number =>
      Number(
        /height="(\d+)"/.exec(
          timelineSvg(
            timelineChart({
              title: 't',
              entries: Array.from({ length: n }, (_, i) => ({ at: `2017-02-14T05:${String(i).padStart(2, '0')}:00.000Z`, source: 'log', text: 'e' })),
            }),
          ),
        )?.[1],
      );
    expect(height(5) - height(4)).toBe(24);
    expect(height(20) - height(4)).toBe(16 * 24);
  });
});

describe('the timeline PNG', () => {
  it('is drawn from the golden SVG in process: its size is the SVG zoomed, and it is not blank', () => {
    const svg = readFileSync(GOLDEN_SVG, 'utf8');
    const [, w, h] = /width="(\d+)" height="(\d+)"/.exec(svg) ?? [];
    const png = decodePng(svgToPng(svg));
    expect(png.width).toBe(Number(w) * PNG_ZOOM);
    expect(png.height).toBe(Number(h) * PNG_ZOOM);
    const colours = new Set<number>();
    let inked = 0;
    for (let i = 0; i < png.rgba.length; i += 4) {
      const [r, g, b] = [png.rgba[i] ?? 0, png.rgba[i + 1] ?? 0, png.rgba[i + 2] ?? 0];
      colours.add((r << 16) | (g << 8) | b);
      if (r < 245 || g < 245 || b < 245) inked++;
    }
    expect(colours.size).toBeGreaterThan(16);
    // Text, dots and day bands: a few percent of the picture; a blank or failed render has none.
    expect(inked / (png.width * png.height)).toBeGreaterThan(0.03);
    // The dots are drawn in their legend colours (log records orange, operator actions green).
    expect(colours.has(0xd55e00)).toBe(true);
    expect(colours.has(0x009e73)).toBe(true);
  });
});

describe('uploading the picture to Slack', () => {
  it("sends a binary file's bytes with files.uploadV2, and a text file's redacted text", async () => {
    const uploads: Record<string, unknown>[] = [];
    const client = {
      filesUploadV2: async (args: Record<string, unknown>) => {
        uploads.push(args);
        return { ok: true };
      },
    } as unknown as webApi.WebClient;
    const logger = { error: () => undefined, warn: () => undefined, info: () => undefined, debug: () => undefined } as never;
    const poster = new SlackPoster(client, logger);
    const png = svgToPng(readFileSync(GOLDEN_SVG, 'utf8'));
    await poster.upload('COPS', '1.000100', {
      filename: 'postmortem-incident-1-timeline.png',
      title: 'Timeline',
      content: 'mermaid',
      base64: Buffer.from(png).toString('base64'),
    });
    await poster.upload('COPS', '1.000100', { filename: 'postmortem-incident-1.md', title: 'Post-mortem', content: 'rabbit_password=Gh7tQ2vLm9Xc' });
    expect(uploads[0]).toMatchObject({ channel_id: 'COPS', thread_ts: '1.000100', filename: 'postmortem-incident-1-timeline.png' });
    expect(Buffer.isBuffer(uploads[0]?.file) && (uploads[0]?.file as Buffer).equals(Buffer.from(png))).toBe(true);
    expect(uploads[0]).not.toHaveProperty('content');
    expect(uploads[1]).toMatchObject({ filename: 'postmortem-incident-1.md', content: 'rabbit_password=****' });
    expect(uploads[1]).not.toHaveProperty('file');
  });
});
