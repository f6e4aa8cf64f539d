import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadCatalog, logFetchCommand, traceCommand } from '../../../src/signatures/index.js';
import type { Signature } from '../../../src/signatures/schema.js';
import type { SimNode } from '../../../src/sim/index.js';
import { simulate } from './helpers.js';

const { state, sh } = simulate('seed-incident');
const root = mkdtempSync(join(tmpdir(), 'stackmedic-sim-logfetch-'));
let signatures: readonly Signature[];

/** Writes the node's simulated /var/log to disk (gzip-marked logs gzipped) and returns the copy's root. */
function copyLogs(node: SimNode): string {
  const base = join(root, node.name);
  for (const [path, e] of node.fs.walk('/var/log')) {
    if (e.kind !== 'log' && e.kind !== 'file') continue;
    const local = join(base, path);
    mkdirSync(dirname(local), { recursive: true });
    const text = node.fs.read(e);
    writeFileSync(local, e.kind === 'log' && e.gzip ? gzipSync(text) : text);
  }
  return base;
}

/** The script run by the host's sh, grep and gzip over the copy, with paths mapped back. */
function realRun(base: string, script: string): { stdout: string; code: number } {
  const r = spawnSync('sh', ['-c', script.replaceAll('/var/log/', `${base}/var/log/`)], {
    encoding: 'utf8',
    maxBuffer: 1 << 28,
    env: { PATH: process.env.PATH ?? '/usr/bin:/bin', LC_ALL: 'C' },
  });
  return { stdout: r.stdout.replaceAll(`${base}/var/log/`, '/var/log/'), code: r.status ?? -1 };
}

beforeAll(async () => {
  signatures = (await loadCatalog()).signatures;
});

afterAll(() => {
  rmSync(root, { recursive: true, force: true });
});

describe('the log fetch and trace scripts in the sim, byte for byte against real sh/grep/gzip', () => {
  it.each([...state.nodes.keys()])('%s', async (name) => {
    const node = state.nodes.get(name);
    if (!node) throw new Error(name);
    // Any command first: the sim appends the log lines due by now, so both sides read the same files.
    await sh(name, 'true');
    const base = copyLogs(node);
    for (const command of [logFetchCommand(signatures, node.roles), traceCommand('req-36aaf95c-53ed-4b77-8bc9-9cc0f6d90feb')]) {
      if (!command) continue;
      const sim = await sh(name, command.script.text);
      const real = realRun(base, command.script.text);
      expect({ stdout: sim.stdout, code: sim.code }).toEqual(real);
    }
    // Under a cap the copy's longer paths would shift the cut: the sim keeps the last bytes of the full output.
    const capped = logFetchCommand(signatures, node.roles, { maxBytes: 1000 });
    const full = logFetchCommand(signatures, node.roles);
    if (capped && full) {
      const all = Buffer.from(realRun(base, full.script.text).stdout);
      expect((await sh(name, capped.script.text)).stdout).toBe(all.subarray(Math.max(0, all.length - 1000)).toString());
    }
  });
});
