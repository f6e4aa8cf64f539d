import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { createClusterState, scenarioClock } from '../../../src/sim/index.js';
import { lookupProgram } from '../../../src/sim/programs/index.js';
import { runScript } from '../../../src/sim/shell/interpreter.js';
import type { ProgramResult } from '../../../src/sim/shell/types.js';
import { LogFile } from '../../../src/sim/state/vfs.js';

/** Files by relative path; `.gz` paths are stored gzipped on disk and as gzip-marked logs in the sim. */
export type FileSet = Record<string, string>;

/** The same script run by the simulator's shell and by the host's `sh` (dash), in a directory holding the same files. */
export interface BothResults {
  readonly sim: ProgramResult;
  readonly real: ProgramResult;
}

const state = createClusterState({ scenario: 'healthy', clock: scenarioClock('healthy') });
let runs = 0;

function simNode(): NonNullable<ReturnType<typeof state.nodes.get>> {
  const node = state.nodes.get('node-10');
  if (!node) throw new Error('healthy scenario has no node-10');
  return node;
}

/** Runs `script` with relative paths from a fresh directory holding `files`, in the sim and with the real sh/grep/gzip. */
export async function runBoth(files: FileSet, script: string): Promise<BothResults> {
  const node = simNode();
  const simDir = `/tmp/cmp-${++runs}`;
  node.fs.mkdirp(simDir);
  const realDir = mkdtempSync(join(tmpdir(), 'stackmedic-sim-cmp-'));
  try {
    for (const [rel, text] of Object.entries(files)) {
      const gz = rel.endsWith('.gz');
      const lines = text.replace(/\n$/, '').split('\n');
      // Rotated logs are gzip-marked log entries in the sim, as the cluster builder makes them.
      node.fs.put(
        `${simDir}/${rel}`,
        gz ? { kind: 'log', log: new LogFile(() => lines), mtime: 0, gzip: true } : { kind: 'file', size: Buffer.byteLength(text), mtime: 0, content: text },
      );
      mkdirSync(dirname(join(realDir, rel)), { recursive: true });
      writeFileSync(join(realDir, rel), gz ? gzipSync(text) : text);
    }
    const sim = await runScript({ cluster: state, node, lookup: lookupProgram, cwd: simDir }, script);
    // C collation: the sim sorts glob matches by code point.
    const r = spawnSync('sh', ['-c', script], { cwd: realDir, encoding: 'utf8', env: { PATH: process.env.PATH ?? '/usr/bin:/bin', LC_ALL: 'C' } });
    return { sim, real: { stdout: r.stdout, stderr: r.stderr, code: r.status ?? -1 } };
  } finally {
    rmSync(realDir, { recursive: true, force: true });
  }
}
