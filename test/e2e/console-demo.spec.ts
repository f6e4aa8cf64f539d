import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { PassThrough } from 'node:stream';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from '../../src/cli/cli.js';
import { decodePng } from '../unit/incidents/png-decode.js';

/**
 * Issue 13 §3: `npm start` with nothing configured is the console on the simulated seed outage, and
 * the incident story plays in it: the scheduler opens the incident within seconds and prints its
 * thread, the README's fixes heal the cluster, the incident resolves after the simulator's short
 * green window, and the post-mortem prints with its Mermaid timeline. Driven through runCli with
 * a fake terminal, the same entry point main uses.
 */

const home = mkdtempSync(join(tmpdir(), 'stackmedic-console-demo-'));
afterAll(() => rmSync(home, { recursive: true, force: true }));

/** A console session on a fake terminal (or pipe): what it printed, and a way to wait for text. */
function session(argv: string[], tty: boolean) {
  const stdin = new PassThrough() as PassThrough & { isTTY?: boolean };
  if (tty) stdin.isTTY = true;
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let out = '';
  let err = '';
  stdout.on('data', (d: Buffer) => (out += d.toString()));
  stderr.on('data', (d: Buffer) => (err += d.toString()));
  const code = runCli(argv, { env: { HOME: home, PATH: process.env.PATH }, stdin, stdout, stderr });
  return {
    stdin,
    code,
    out: () => out,
    err: () => err,
    /** Waits until the output after `from` contains `text`; returns where it ends. */
    async waitFor(text: string | RegExp, from = 0, timeoutMs = 60_000): Promise<number> {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const rest = out.slice(from);
        if (typeof text === 'string') {
          const index = rest.indexOf(text);
          if (index >= 0) return from + index + text.length;
        } else {
          const m = text.exec(rest);
          if (m) return from + m.index + m[0].length;
        }
        if (Date.now() > deadline) throw new Error(`no ${String(text)} after ${timeoutMs} ms; printed:\n${out.slice(from).slice(-3000)}\nstderr:\n${err}`);
        await new Promise((r) => setTimeout(r, 100));
      }
    },
  };
}

/** ANSI escapes readline writes on a terminal, removed for reading. */
function plain(text: string): string {
  return text.replace(/\x1b\[[0-9;]*[A-Za-z]/g, '');
}

describe('the demo console (npm start, nothing configured)', () => {
  it('opens the incident within seconds, heals with the fixes, resolves after the short green window, and prints the post-mortem with its timeline', async () => {
    const s = session([], true);
    const started = Date.now();
    let at = await s.waitFor('[incident channel] Incident #1 (critical): Root disk full (ENOSPC) on node-10');
    const openedAfterMs = Date.now() - started;
    expect(openedAfterMs).toBeLessThan(45_000);
    expect(plain(s.out())).toMatch(
      /^stackmedic console: SIMULATED cluster .* This is the demo: .* Incident checks run every 10 s and print here as in their Slack thread\. Type \/help, or exit\.\n/,
    );
    // The summary, as the incident message shows it, then the evidence in its thread.
    at = await s.waitFor('[incident channel] ↳ in the thread of Incident #1 (critical): Evidence (', at);
    const opening = plain(s.out());
    expect(opening).toMatch(/ {2}│ Incident #1 CRITICAL OPEN since 2017-02-1\d \d\d:\d\d:\d\d UTC: Root disk full \(ENOSPC\) on node-10/);
    expect(opening).toContain('  │ Root cause and chain:');
    expect(opening).toContain('  │   /cluster free-disk node-10');
    expect(s.err()).toMatch(/stackmedic: opened incident #1: Root disk full \(ENOSPC\) on node-10 -> /);

    s.stdin.write('/incident show 1\n');
    at = await s.waitFor('Incident #1 CRITICAL OPEN since', at);
    at = await s.waitFor('Recommended runbooks:', at);

    for (const command of [
      '/cluster free-disk node-10',
      '/rabbit heal node-10',
      '/compute fix-libvirt node-18',
      '/compute fix-libvirt node-19',
      '/compute fix-libvirt node-20',
    ]) {
      s.stdin.write(`${command}\n`);
      at = await s.waitFor('Proceed? [y/N] ', at);
      s.stdin.write('y\n');
      at = await s.waitFor(/done, verified/, at, 180_000);
    }
    const healed = Date.now();
    at = await s.waitFor(/\[incident channel\] ✎ updated: Incident #1 .*\n(?: {2}│ .*\n)*? {2}│ \+? ?Checks green since/, at, 60_000);
    at = await s.waitFor('[incident channel] ✎ updated: Resolved incident #1 (critical): Root disk full (ENOSPC) on node-10', at, 120_000);
    // One simulated green minute, not the ten a real cluster waits (the simulator's time moves with real time).
    expect(Date.now() - healed).toBeGreaterThanOrEqual(60_000);
    at = await s.waitFor(
      /↳ in the thread of Resolved incident #1 \(critical\): Resolved \(stackmedic\)\n {2}│ Checks green since 2017-02-1\d \d\d:\d\d:\d\d UTC \(1 min\)\./,
      at,
    );

    s.stdin.write('/incident postmortem 1\n');
    at = await s.waitFor('# Post-mortem: incident #1: Root disk full (ENOSPC) on node-10', at);
    at = await s.waitFor('## Action items', at);
    const postmortem = plain(s.out());
    expect(postmortem).toMatch(
      /## Timeline \(UTC\)\n\n```mermaid\ntimeline\n {4}title Incident #1: Root disk full \(ENOSPC\) on node-10\n {4}section 2017-02-14\n {8}05\.49 : Root disk full \(ENOSPC\) on node-10/,
    );
    // Events of one minute share a period: on the simulator the whole recovery fits in a minute or two.
    expect(postmortem).toMatch(/\n {8}\d\d\.\d\d : [^\n]*\S+ ran \/cluster free-disk node-10 \(console\) - ok/);
    expect(postmortem).toMatch(/\n {8}\d\d\.\d\d : [^\n]*Resolved - Checks green since [^\n]*\n```\n/);
    expect(postmortem).toMatch(/\| stackmedic \| Resolved: Checks green since .* \(1 min\)\. \|/);
    // The timeline PNG Slack would get is saved for an image viewer, and it is a picture.
    at = await s.waitFor(/Timeline of incident #1: (\S+postmortem-incident-1-timeline\.png)\n/, at);
    const saved = /Timeline of incident #1: (\S+postmortem-incident-1-timeline\.png)\n/.exec(plain(s.out()))?.[1] ?? '';
    const png = decodePng(readFileSync(saved));
    expect(png.width).toBe(2200);
    expect(png.height).toBeGreaterThan(1000);
    rmSync(dirname(saved), { recursive: true, force: true });

    s.stdin.write('exit\n');
    // `/incident show 1` answered while the incident was open, which counts as a problem found.
    expect(await s.code).toBe(1);
    expect(s.err()).toMatch(/stackmedic: resolved incident #1 after 1 min of green checks/);
  }, 600_000);
});

describe('the console from a pipe, on the simulator', () => {
  it('prints the first check’s incident messages after the banner and before the first command’s output, and exits as before', async () => {
    const s = session(['console', '--sim', 'seed-incident'], false);
    s.stdin.end('/cluster ping\n');
    const code = await s.code;
    const out = s.out();
    expect(code).toBe(0);
    expect(out).not.toMatch(/stackmedic> /);
    const banner = out.indexOf('stackmedic console: SIMULATED cluster');
    const incident = out.indexOf('[incident channel] Incident #1 (critical): Root disk full (ENOSPC) on node-10');
    const evidence = out.indexOf('[incident channel] ↳ in the thread of Incident #1 (critical): Evidence (');
    const ping = out.indexOf('All 6 nodes answer.');
    expect(banner).toBe(0);
    expect(incident).toBeGreaterThan(banner);
    expect(evidence).toBeGreaterThan(incident);
    expect(ping).toBeGreaterThan(evidence);
    // The scheduler's log goes to standard error, the incident messages to standard output.
    expect(s.err()).toMatch(/^stackmedic: opened incident #1: /m);
    expect(out).not.toContain('stackmedic: opened incident');
  }, 120_000);
});
