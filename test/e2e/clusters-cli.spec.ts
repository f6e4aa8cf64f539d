import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../../src/cli/cli.js';
import { startTwoClusters, type TwoClusters } from '../support/two-clusters.js';

const dir = mkdtempSync(join(tmpdir(), 'stackmedic-clusters-cli-'));
let two: TwoClusters;
beforeAll(async () => {
  two = await startTwoClusters({ east: 'healthy', west: 'seed-incident' });
});
afterAll(async () => {
  await two?.stop();
  rmSync(dir, { recursive: true, force: true });
});

/** Runs the CLI in process with `input` on standard input (a pipe); returns the exit code and what it printed. */
async function cli(argv: string[], input = ''): Promise<{ code: number; out: string }> {
  const stdin = new PassThrough();
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let out = '';
  stdout.on('data', (d: Buffer) => (out += d.toString()));
  stderr.on('data', (d: Buffer) => (out += d.toString()));
  stdin.end(input);
  const code = await runCli(argv, { env: { HOME: process.env.HOME, PATH: process.env.PATH, STACKMEDIC_DB: join(dir, 'db.sqlite') }, stdin, stdout, stderr });
  return { code, out };
}

describe('stackmedic run on an inventory of two clusters', () => {
  it('runs /cluster status --cluster east there: healthy, exit 0', async () => {
    const r = await cli(['run', '/cluster status --cluster east', '--inventory', two.inventoryPath]);
    expect(r.code, r.out).toBe(0);
    expect(r.out).toMatch(/^HEALTHY: 6 nodes answer/m);
  });

  it('runs --cluster west there: the seed outage, exit 1', async () => {
    const r = await cli(['run', '/cluster status --cluster west', '--inventory', two.inventoryPath]);
    expect(r.code, r.out).toBe(1);
    expect(r.out).toMatch(/^CRITICAL: /m);
    expect(r.out).toMatch(/node-10/);
  });

  it('is a usage error (exit 2) without --cluster or with an unknown one, naming the clusters', async () => {
    const none = await cli(['run', '/cluster status', '--inventory', two.inventoryPath]);
    expect(none.code).toBe(2);
    expect(none.out).toMatch(/there are 2 clusters here \(east, west\): name one with --cluster NAME/);
    const unknown = await cli(['run', '/cluster ping --cluster north', '--inventory', two.inventoryPath]);
    expect(unknown.code).toBe(2);
    expect(unknown.out).toMatch(/unknown cluster "north"; the clusters are east, west/);
  });

  it('answers --all with one line per cluster (--json too)', async () => {
    const r = await cli(['run', '/cluster status --all', '--inventory', two.inventoryPath, '--json']);
    expect(r.code).toBe(1);
    const json = JSON.parse(r.out) as { ok: boolean; data: { clusters: { cluster: string; verdict: string }[] } };
    expect(json.ok).toBe(false);
    expect(json.data.clusters.map((c) => `${c.cluster} ${c.verdict}`)).toEqual(['east HEALTHY', 'west CRITICAL']);
  });
});

describe('stackmedic console on an inventory of two clusters', () => {
  it('names both clusters in its banner and takes --cluster and --all line by line', async () => {
    const r = await cli(['console', '--inventory', two.inventoryPath], '/cluster ping --cluster east\n/cluster ping\n/cluster status --all\nexit\n');
    expect(r.out).toMatch(/stackmedic console: 2 clusters: east \(6 nodes\), west \(6 nodes\)/);
    expect(r.out).toMatch(/^All 6 nodes answer\./m);
    expect(r.out).toMatch(/name one with --cluster NAME/);
    expect(r.out).toMatch(/^CRITICAL: 1 of 2 clusters not healthy \(west CRITICAL\)/m);
  });
});
