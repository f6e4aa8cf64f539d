/**
 * Part 4: remote filtering. On the simulated `seed-incident` cluster stackmedic builds what the
 * incident summary needs: `/cluster status` (probes, over SSH to the simulator), then the log fetch
 * (`logFetchCommand`: grep for the signatures' literals on the node, byte-capped) of every node a
 * finding names. Counted: the bytes the nodes send back, against the bytes of log on the nodes.
 *
 * The simulator runs the fetch script too, but holds only a few kB of log per node, which would
 * say nothing about filtering; so each node's logs are written out (the simulator's content, live logs preceded by a
 * realistic history of generated noise in real line shapes, rotations gzipped) and the exact
 * script runs in real `sh` and GNU grep, with that tree bind-mounted on /var/log in a private
 * mount namespace: the bytes are the ones a real node would send.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { clusterStatus } from '../src/health/status.js';
import type { ExecOptions, ExecOutcome, FanOutOptions } from '../src/ssh/types.js';
import type { Executor } from '../src/ssh/types.js';
import { generateLogText, type CorpusLogKind } from '../src/signatures/corpus.js';
import { LogMatcher, logFetchCommand, logSignaturesForRoles, loadCatalog, matchFetchedLogs, parseLogFetchOutput } from '../src/signatures/index.js';
import { startSimCluster } from '../src/sim/index.js';
import type { SimNode } from '../src/sim/state/types.js';
import { SshPool } from '../src/ssh/pool.js';
import { renderRemoteCommand, type RemoteCommand } from '../src/ssh/shell.js';
import { ms, type SectionResult } from './report.js';
import { note, type Cleanup } from './util.js';

/** Options of the remote filtering part. */
export interface RemoteFilterOptions {
  /** History written ahead of each daemon log's own lines. */
  readonly historyBytesPerLog: number;
}

/** Counts what crosses the wire: every byte of stdout and stderr the nodes send back. */
class CountingExecutor implements Executor {
  bytes = 0;
  commands = 0;
  constructor(private readonly inner: Executor) {}
  async exec(node: string, command: RemoteCommand, options?: ExecOptions): Promise<ExecOutcome> {
    return this.count(await this.inner.exec(node, command, options));
  }
  async fanOut(nodes: readonly string[], command: RemoteCommand, options?: FanOutOptions): Promise<ExecOutcome[]> {
    return (await this.inner.fanOut(nodes, command, options)).map((r) => this.count(r));
  }
  private count(r: ExecOutcome): ExecOutcome {
    this.commands++;
    if (r.ok) this.bytes += Buffer.byteLength(r.stdout) + Buffer.byteLength(r.stderr);
    return r;
  }
}

function historyKind(path: string): CorpusLogKind | undefined {
  if (path.startsWith('/var/log/rabbitmq/')) return 'rabbit-old';
  if (path.startsWith('/var/log/mysql/') || path.startsWith('/var/log/mariadb/')) return 'galera';
  if (path.startsWith('/var/log/ceph/')) return 'ceph';
  if (/^\/var\/log\/(nova|cinder|neutron|heat|glance|keystone)\//.test(path)) return 'oslo';
  return undefined;
}

/**
 * Writes the node's logs under `root` (as `root/var/log/...`) as they would sit on its disk: live daemon logs get `bytes`
 * of quiet history ahead of their own lines, rotations are gzipped. Returns the bytes written.
 */
function writeNodeLogs(node: SimNode, root: string, bytes: number, seed: number): number {
  let total = 0;
  for (const [path, entry] of [...node.fs.walk('/var/log')]) {
    if (entry.kind !== 'log') continue;
    const kind = historyKind(path);
    // Noise only: with a signature record "every" 1e15 records, none is ever drawn.
    const history = kind && !entry.gzip && !/\.\d+$/.test(path) ? generateLogText(kind, node.name, bytes, { seed: seed++, signatureEvery: 1e15 }).text : '';
    const text = history + entry.log.text();
    const target = join(root, path);
    mkdirSync(dirname(target), { recursive: true });
    writeFileSync(target, entry.gzip ? gzipSync(text) : text);
    total += statSync(target).size;
  }
  return total;
}

/** Runs a node's script in real `sh` with `logRoot` mounted on /var/log (private mount namespace). */
function runWithLogsAt(logRoot: string, script: string): Buffer {
  return execFileSync('unshare', ['--mount', 'sh', '-c', 'mount --make-rprivate / && mount --bind "$1" /var/log && exec sh -c "$2"', 'sh', logRoot, script], {
    maxBuffer: 64 * 1024 * 1024,
    stdio: ['ignore', 'pipe', 'ignore'],
  });
}

/** Runs the remote filtering part. */
export async function benchRemoteFilter(cleanup: Cleanup, o: RemoteFilterOptions): Promise<SectionResult> {
  note('remote filtering: seed-incident, logs with history');
  const dir = cleanup.tempDir('seed');
  const cluster = await startSimCluster({ scenario: 'seed-incident', dir: join(dir, 'sim') });
  cleanup.add(() => cluster.stop());
  const nodes = [...cluster.state.nodes.values()];
  let seed = 100;
  const logBytes = new Map<string, number>();
  for (const node of nodes) logBytes.set(node.name, writeNodeLogs(node, join(dir, 'disks', node.name), o.historyBytesPerLog, (seed += 50)));
  const catalog = await loadCatalog();
  const pool = new SshPool(cluster.inventory);
  const started = performance.now();
  try {
    const probes = new CountingExecutor(pool);
    const status = await clusterStatus(cluster.inventory, probes, catalog);
    const named = [...new Set(status.findings.map((f) => f.node))];
    let fetchBytes = 0;
    let logFindings = 0;
    let truncated = 0;
    let fetchedLines = 0;
    let routineLines = 0;
    for (const name of named) {
      const spec = cluster.inventory.nodes.find((n) => n.name === name);
      const command = spec ? logFetchCommand(catalog.signatures, spec.roles) : null;
      if (!spec || !command) continue;
      let stdout: Buffer;
      try {
        stdout = runWithLogsAt(join(dir, 'disks', name, 'var', 'log'), renderRemoteCommand(command, { become: false }));
      } catch (error) {
        const why = `cannot run the fetch with the node's logs on /var/log (unshare --mount needs root): ${(error as Error).message.split('\n')[0] ?? ''}`;
        return {
          id: 'remote-filter',
          title: 'Remote filtering',
          rows: [{ label: 'SKIPPED', value: '', detail: why }],
          targets: [{ id: 'remote-filter', target: 'remote filtering: < 1% of log bytes cross the network', measured: why, pass: null }],
          data: { skipped: why },
        };
      }
      fetchBytes += stdout.length;
      const text = stdout.toString('utf8');
      fetchedLines += (text.match(/\n/g) ?? []).length;
      // Routine connection lines carry the literal the prefilter picked for amqp-unreachable.
      routineLines += (text.match(/Connecting to AMQP server on/g) ?? []).length;
      const fetched = parseLogFetchOutput(text);
      if (fetched.truncated) truncated++;
      logFindings += matchFetchedLogs(fetched, name, new LogMatcher(logSignaturesForRoles(catalog.signatures, spec.roles))).length;
    }
    const elapsed = performance.now() - started;
    const allLogBytes = [...logBytes.values()].reduce((a, b) => a + b, 0);
    const namedLogBytes = named.reduce((a, n) => a + (logBytes.get(n) ?? 0), 0);
    const total = fetchBytes + probes.bytes;
    const pct = (x: number): string => `${(x * 100).toFixed(3)}%`;
    const kb = (x: number): string => `${(x / 1024).toFixed(1)} KiB`;
    return {
      id: 'remote-filter',
      title: `Remote filtering (seed-incident, ${nodes.length} nodes, ${(o.historyBytesPerLog / 1e6).toFixed(0)} MB of history per live daemon log)`,
      rows: [
        {
          label: 'logs on the nodes',
          value: `${(allLogBytes / 1e6).toFixed(1)} MB`,
          detail: `on disk; ${(namedLogBytes / 1e6).toFixed(1)} MB on the ${named.length} nodes the findings name (${named.join(', ')})`,
        },
        {
          label: 'log fetch, sent back',
          value: kb(fetchBytes),
          detail: `${pct(fetchBytes / namedLogBytes)} of those nodes' logs; ${fetchedLines} lines, ${routineLines} of them routine "Connecting to AMQP server on"; ${logFindings} log findings${truncated ? `; ${truncated} fetches hit the byte cap` : ''}`,
        },
        { label: 'probes, sent back', value: kb(probes.bytes), detail: `${probes.commands} commands of /cluster status over SSH` },
        {
          label: 'all, sent back',
          value: kb(total),
          detail: `${pct(total / allLogBytes)} of all logs, ${pct(total / namedLogBytes)} of the fetched nodes' logs; ${ms(elapsed)}, status ${status.report.verdict}`,
        },
      ],
      targets: [
        {
          id: 'remote-filter',
          target: 'remote filtering: < 1% of log bytes cross the network',
          measured: `${pct(total / namedLogBytes)} (probes + log fetch over the fetched nodes' logs; ${pct(total / allLogBytes)} of all)`,
          pass: total / namedLogBytes < 0.01 && logFindings > 0,
        },
      ],
      data: {
        allLogBytes,
        namedLogBytes,
        fetchBytes,
        probeBytes: probes.bytes,
        named,
        logFindings,
        truncated,
        fetchedLines,
        routineLines,
        elapsedMs: Math.round(elapsed),
      },
    };
  } finally {
    await pool.close();
  }
}
