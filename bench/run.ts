/**
 * `npm run bench`: stackmedic side by side with the tools operators use today (issue 7). Prints a
 * table with PASS/FAIL per target and writes bench/results.json. See docs/bench.md.
 *
 * Usage: node dist/bench/run.js [--only fanout,peers,logscan,remote,ack,clusters] [--quick]
 */
import { writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { benchAck } from './ack.js';
import { benchClusters } from './clusters.js';
import { benchFanOut } from './fanout.js';
import { benchLogScan } from './logscan.js';
import { benchPeers } from './peers.js';
import { benchRemoteFilter } from './remote-filter.js';
import { renderReport, type SectionResult } from './report.js';
import { Cleanup, note, REPO_ROOT } from './util.js';

const PARTS = ['fanout', 'peers', 'logscan', 'remote', 'ack', 'clusters'] as const;
type Part = (typeof PARTS)[number];

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      only: { type: 'string' },
      quick: { type: 'boolean', default: false },
      output: { type: 'string', default: join(REPO_ROOT, 'bench', 'results.json') },
    },
    strict: true,
  });
  const only = values.only ? values.only.split(',').map((s) => s.trim()) : [...PARTS];
  const unknown = only.filter((p) => !(PARTS as readonly string[]).includes(p));
  if (unknown.length > 0) throw new Error(`unknown part(s) ${unknown.join(', ')}; choose from ${PARTS.join(', ')}`);
  const wanted = (p: Part): boolean => only.includes(p);
  const quick = values.quick;

  const cleanup = new Cleanup();
  let interrupted = false;
  const onSignal = (signal: NodeJS.Signals): void => {
    if (interrupted) return;
    interrupted = true;
    note(`${signal}: cleaning up`);
    void cleanup.run().then(() => process.exit(130));
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);

  const started = performance.now();
  const sections: SectionResult[] = [];
  const timed = async (run: () => Promise<SectionResult>): Promise<void> => {
    const t = performance.now();
    const s = await run();
    sections.push({ ...s, seconds: (performance.now() - t) / 1000 });
  };
  try {
    if (wanted('fanout'))
      await timed(() =>
        benchFanOut(cleanup, quick ? { sizes: [6, 50], rounds: 2, warm: 2, cliRuns: 1 } : { sizes: [6, 50, 200, 500], rounds: 3, warm: 3, cliRuns: 3 }),
      );
    if (wanted('peers')) await timed(() => benchPeers(cleanup, quick ? { nodes: 30, runs: 1, ansibleRuns: 1 } : { nodes: 30, runs: 5, ansibleRuns: 3 }));
    if (wanted('logscan')) await timed(() => benchLogScan(cleanup, quick ? { bytes: 100e6, runs: 1 } : { bytes: 1.05e9, runs: 3 }));
    if (wanted('remote')) await timed(() => benchRemoteFilter(cleanup, { historyBytesPerLog: quick ? 1e6 : 4e6 }));
    if (wanted('ack'))
      await timed(() => benchAck(cleanup, quick ? { requests: 40, rate: 20, slowNodeMs: 10_000 } : { requests: 200, rate: 20, slowNodeMs: 10_000 }));
    if (wanted('clusters'))
      await timed(() =>
        benchClusters(
          cleanup,
          quick
            ? { clusters: 3, nodesPerCluster: 50, simProcesses: 1, periods: 1, rate: 2 }
            : { clusters: 10, nodesPerCluster: 200, simProcesses: 2, periods: 2, rate: 2 },
        ),
      );
  } finally {
    await cleanup.run();
  }
  const totalSeconds = (performance.now() - started) / 1000;
  process.stdout.write(renderReport(sections, totalSeconds));
  const results = {
    date: new Date().toISOString(),
    machine: { cpus: cpus().length, cpu: cpus()[0]?.model ?? 'unknown', node: process.version },
    quick,
    totalSeconds: Math.round(totalSeconds),
    targets: sections.flatMap((s) => s.targets),
    sections: sections.map((s) => ({ id: s.id, title: s.title, seconds: Math.round(s.seconds ?? 0), rows: s.rows, data: s.data })),
  };
  writeFileSync(values.output, `${JSON.stringify(results, null, 2)}\n`);
  note(`results written to ${values.output}`);
  // A missed target is a result, shown as FAIL; only a benchmark that could not run exits non-zero.
  return 0;
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`bench: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exitCode = 2;
  },
);
