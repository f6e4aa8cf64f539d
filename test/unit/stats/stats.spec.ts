import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openDatabase } from '../../../src/store/database.js';
import { SqliteStore } from '../../../src/store/sqlite-store.js';
import { PNG_ZOOM, svgToPng } from '../../../src/render/png.js';
import { CheckStats, hitsOf, STATS_RETENTION_DAYS, type StatsWindow } from '../../../src/stats/check-stats.js';
import { statsSvg } from '../../../src/stats/chart-svg.js';
import { renderStatsText, sparkline, statsTitle } from '../../../src/stats/render.js';
import { decodePng } from '../incidents/png-decode.js';

const GOLDEN_SVG = join(import.meta.dirname, '../../fixtures/golden/stats/signature-stats.svg');
const NOW = new Date('2026-12-01T12:00:00Z');

let stores: SqliteStore[] = [];
afterEach(async () => {
  for (const s of stores) await s.close();
  stores = [];
});

function fresh(): CheckStats {
  const store = new SqliteStore(openDatabase(':memory:'));
  stores.push(store);
  return new CheckStats(store);
}

/** One scheduled check `daysAgo` days before NOW, with its evidence and its error records. */
function check(daysAgo: number, signatures: string[], errors: number, classified: number, hour = 9): Parameters<typeof hitsOf>[0] {
  const at = new Date(Date.parse('2026-12-01T00:00:00Z') - daysAgo * 86_400_000 + hour * 3_600_000);
  return { at, evidence: signatures.map((signature) => ({ signature })), unrecognised: { classification: { errors, classified } } };
}

/** A week of checks: the seed outage two days ago, a quiet day with no error record, a day with no check at all. */
async function week(stats: CheckStats): Promise<void> {
  await stats.record(hitsOf(check(6, ['amqp-unreachable'], 10, 9), 'prod-east'));
  await stats.record(hitsOf(check(5, [], 0, 0), 'prod-east'));
  await stats.record(hitsOf(check(2, ['root-disk-full', 'rabbit-disk-alarm', 'amqp-unreachable', 'amqp-unreachable'], 40, 30), 'prod-east'));
  await stats.record(hitsOf(check(2, ['root-disk-full', 'amqp-unreachable'], 20, 18, 10), 'prod-east'));
  await stats.record(hitsOf(check(0, ['amqp-unreachable'], 4, 1), 'prod-east'));
  await stats.record(hitsOf(check(0, ['other-cluster-thing'], 100, 0), 'staging'));
}

describe('hit statistics in the store', () => {
  it('counts, per signature, the checks it fired in and its evidence, and the rate per day', async () => {
    const stats = fresh();
    await week(stats);
    const w = await stats.window({ days: 7, now: NOW, cluster: 'prod-east' });
    expect(w.checks).toBe(5);
    expect(w.signatures).toEqual([
      { signature: 'amqp-unreachable', checks: 4, hits: 5 },
      { signature: 'root-disk-full', checks: 2, hits: 2 },
      { signature: 'rabbit-disk-alarm', checks: 1, hits: 1 },
    ]);
    expect(w.perDay.map((d) => [d.date, d.checks, d.rate])).toEqual([
      ['2026-11-25', 1, 0.9],
      ['2026-11-26', 1, null],
      ['2026-11-27', 0, null],
      ['2026-11-28', 0, null],
      ['2026-11-29', 2, 0.8],
      ['2026-11-30', 0, null],
      ['2026-12-01', 1, 0.25],
    ]);
    expect(w.rate).toBeCloseTo(58 / 74);
    const short = await stats.window({ days: 1, now: NOW, cluster: 'prod-east' });
    expect(short.perDay).toHaveLength(1);
    expect(short.signatures).toEqual([{ signature: 'amqp-unreachable', checks: 1, hits: 1 }]);
  });

  it(`drops checks older than ${STATS_RETENTION_DAYS} days as new ones come`, async () => {
    const stats = fresh();
    await stats.record(hitsOf(check(STATS_RETENTION_DAYS + 5, ['amqp-unreachable'], 1, 1), 'prod-east'));
    expect((await stats.window({ days: STATS_RETENTION_DAYS, now: new Date(Date.parse('2026-12-01') - 10 * 86_400_000), cluster: 'prod-east' })).checks).toBe(
      1,
    );
    await stats.record(hitsOf(check(0, [], 0, 0), 'prod-east'));
    const all = await stats.window({ days: STATS_RETENTION_DAYS, now: NOW, cluster: 'prod-east' });
    expect(all.checks).toBe(1);
    expect(all.signatures).toEqual([]);
  });
});

describe('the statistics as text', () => {
  it('draws a share per day as a bar, and nothing measured as a dot, never a full bar', () => {
    expect(sparkline([0, 0.5, 1, null, 0.96])).toBe('▁▅█·█');
  });

  it('says there were no scheduled checks rather than 100 %', async () => {
    const w = await fresh().window({ days: 3, now: NOW, cluster: 'prod-east' });
    expect(statsTitle(w)).toBe('no scheduled checks recorded in the last 3 days');
    expect(renderStatsText(w)).toBe('');
  });

  it('says there was nothing to classify when the checks saw no error record', async () => {
    const stats = fresh();
    await stats.record(hitsOf(check(0, [], 0, 0), 'prod-east'));
    const w = await stats.window({ days: 7, now: NOW, cluster: 'prod-east' });
    expect(statsTitle(w)).toBe('1 scheduled check in the last 7 days: no error records to classify');
    expect(renderStatsText(w)).toContain('·······');
    expect(renderStatsText(w)).not.toContain('100 %');
  });

  it('lists the rate per day and the most frequent signatures', async () => {
    const stats = fresh();
    await week(stats);
    const text = renderStatsText(await stats.window({ days: 7, now: NOW, cluster: 'prod-east' }));
    expect(text).toContain('Recognised per day (2026-11-25 .. 2026-12-01 UTC, · = nothing to classify): ▇···▇·▃');
    expect(text).toMatch(/2026-11-29 +2 +60 +80 %/);
    expect(text).toMatch(/amqp-unreachable +4 +5/);
  });
});

describe('the statistics picture', () => {
  async function sample(): Promise<StatsWindow> {
    const stats = fresh();
    await week(stats);
    return stats.window({ days: 7, now: NOW, cluster: 'prod-east' });
  }

  it('matches the golden SVG', async () => {
    const svg = statsSvg(await sample(), 'prod-east');
    // UPDATE_GOLDEN=1 rewrites it after a deliberate change of the picture (look at it first).
    if (process.env.UPDATE_GOLDEN === '1') writeFileSync(GOLDEN_SVG, svg);
    expect(svg).toBe(readFileSync(GOLDEN_SVG, 'utf8'));
  });

  it('rasterises to a PNG of the SVG size that is not blank', async () => {
    const svg = statsSvg(await sample(), 'prod-east');
    const [, w, h] = /width="(\d+)" height="(\d+)"/.exec(svg) ?? [];
    const png = decodePng(svgToPng(svg));
    expect(png.width).toBe(Number(w) * PNG_ZOOM);
    expect(png.height).toBe(Number(h) * PNG_ZOOM);
    let blue = 0;
    let inked = 0;
    for (let i = 0; i < png.rgba.length; i += 4) {
      const [r, g, b] = [png.rgba[i] ?? 0, png.rgba[i + 1] ?? 0, png.rgba[i + 2] ?? 0];
      if (r < 200 || g < 200 || b < 200) inked++;
      // The rate bars' colour (#0072b2).
      if (r < 20 && Math.abs(g - 0x72) < 20 && Math.abs(b - 0xb2) < 20) blue++;
    }
    expect(inked / (png.width * png.height)).toBeGreaterThan(0.02);
    expect(blue).toBeGreaterThan(1000);
  });
});
