import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from '../../src/cli/cli.js';

/**
 * Issues 13 §1 and 12 §3 in the demo console: the incident the scheduler opens on the simulated
 * seed outage shows, in its channel message, in `/incident show` and in the post-mortem, the
 * error records no signature recognised (the rate and the top groups with their counts) beside
 * the chain. Driven through runCli from a pipe, the path `npm start` takes.
 */

const home = mkdtempSync(join(tmpdir(), 'stackmedic-console-story-'));
afterAll(() => rmSync(home, { recursive: true, force: true }));

const RATE = /Unrecognised errors: (\d+) error records in the fetched logs, (\d+) % recognised; (\d+) unrecognised groups:\n/;

describe('the console on the simulated seed outage', () => {
  it('shows the unrecognised error groups in the incident message, /incident show and the post-mortem', async () => {
    const stdin = new PassThrough();
    const stdout = new PassThrough();
    const stderr = new PassThrough();
    let out = '';
    stdout.on('data', (d: Buffer) => (out += d.toString()));
    stderr.on('data', () => undefined);
    const code = runCli(['console', '--sim', 'seed-incident'], { env: { HOME: home, PATH: process.env.PATH }, stdin, stdout, stderr });
    stdin.end('/incident show 1\n/incident postmortem 1\n');
    await code;
    const message = out.indexOf('[incident channel] Incident #1 (critical): Root disk full (ENOSPC) on node-10');
    const show = out.indexOf('Incident #1 CRITICAL OPEN since', out.indexOf('[incident channel] ↳ in the thread of Incident #1'));
    const postmortem = out.indexOf('# Post-mortem: incident #1: Root disk full (ENOSPC) on node-10');
    expect(message).toBeGreaterThanOrEqual(0);
    expect(show).toBeGreaterThan(message);
    expect(postmortem).toBeGreaterThan(show);

    // The channel message (each line under a bar), then /incident show: the same rate and groups.
    const channel = out.slice(message, show);
    const shown = out.slice(show, postmortem);
    const rate = RATE.exec(shown);
    expect(rate, shown).not.toBeNull();
    const [, errors, percent, groups] = rate as RegExpExecArray;
    expect(Number(errors)).toBeGreaterThan(0);
    expect(Number(percent)).toBeLessThan(100);
    expect(Number(groups)).toBeGreaterThan(0);
    expect(channel).toContain(`Unrecognised errors: ${errors} error records in the fetched logs, ${percent} % recognised; ${groups} unrecognised groups:`);
    const top = [...shown.matchAll(/\n {2}(\d)\. x(\d+) on (node-\d+)/g)];
    expect(top.map((m) => Number(m[1]))).toEqual(Array.from({ length: Math.min(5, Number(groups)) }, (_, i) => i + 1));
    const counts = top.map((m) => Number(m[2]));
    expect(counts).toEqual([...counts].sort((a, b) => b - a));
    expect(shown).toContain('  * Root disk full (ENOSPC) on node-10');

    const md = out.slice(postmortem);
    expect(md).toContain(
      `## Errors no signature recognised\n\nUnrecognised errors: ${errors} error records in the fetched logs, ${percent} % recognised; ${groups} unrecognised groups.\n`,
    );
    for (const [, n, count, node] of top) expect(md).toMatch(new RegExp(`\\n\\| ${n} \\| ${count} \\| [^|]*${node}[^|]* \\|`));
  }, 180_000);
});
