import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { gzipSync } from 'node:zlib';
import type { Executor } from '../../../src/router/types.js';
import { execOnNode, type SimCluster } from '../../../src/sim/index.js';
import type { RemoteCommand } from '../../../src/ssh/shell.js';
import type { ExecOutcome } from '../../../src/ssh/types.js';

/**
 * Whether the simulator's mini shell runs what the remote log fetch sends (`{ ...; }` groups and
 * `for` loops over rotated files). When it does, the shim below steps aside.
 */
export async function simRunsLogFetch(sim: SimCluster): Promise<boolean> {
  const node = sim.state.nodes.get(sim.inventory.nodes[0]?.name ?? '');
  if (!node) return false;
  const r = await execOnNode(sim.state, node, '{ for f in a b; do echo "$f"; done; } | head -c 100');
  return r.code === 0 && r.stdout === 'a\nb\n';
}

/**
 * Test-only stand-in for a gap of the simulator: its mini shell has no `for` loops or `{ }`
 * groups, so the real log fetch command (and `/trace`) cannot run on it. This executor copies the
 * node's simulated `/var/log` into a temp directory and runs the unchanged fetch script with the
 * host's real `sh`, `grep` and `gzip` there, mapping the paths back. Everything else goes to the
 * simulated node over SSH. It also counts what the fetches sent back, per node.
 */
export function withHostLogGrep(sim: SimCluster, inner: Executor): Executor & { fetchedBytes: Map<string, number>; close(): void } {
  const root = mkdtempSync(join(tmpdir(), 'stackmedic-simlogs-'));
  const fetchedBytes = new Map<string, number>();
  const isLogGrep = (c: RemoteCommand): boolean => c.script.text.includes('grep -H -Z -n -F');
  const runOnHost = async (nodeName: string, command: RemoteCommand): Promise<ExecOutcome> => {
    const node = sim.state.nodes.get(nodeName);
    const started = performance.now();
    if (!node) return { ok: false, node: nodeName, command: command.script.text, kind: 'unreachable', message: `no simulated node ${nodeName}`, durationMs: 0 };
    // Reading through the sim first lets it append the log lines due by now.
    await execOnNode(sim.state, node, 'true');
    const base = join(root, nodeName);
    rmSync(base, { recursive: true, force: true });
    for (const [path, entry] of node.fs.walk('/var/log')) {
      if (entry.kind !== 'log' && entry.kind !== 'file') continue;
      const local = join(base, path);
      mkdirSync(dirname(local), { recursive: true });
      const text = node.fs.read(entry);
      writeFileSync(local, path.endsWith('.gz') ? gzipSync(text) : text);
    }
    const script = command.script.text.replaceAll('/var/log/', `${base}/var/log/`);
    const { stdout, stderr, code } = await new Promise<{ stdout: string; stderr: string; code: number }>((resolve) => {
      execFile('sh', ['-c', script], { maxBuffer: 64 << 20, encoding: 'utf8' }, (error, out, err) => {
        resolve({ stdout: out, stderr: err, code: error && typeof error.code === 'number' ? error.code : 0 });
      });
    });
    const mapped = stdout.replaceAll(`${base}/var/log/`, '/var/log/');
    fetchedBytes.set(nodeName, (fetchedBytes.get(nodeName) ?? 0) + Buffer.byteLength(stdout));
    return { ok: true, node: nodeName, command: command.script.text, stdout: mapped, stderr, exitCode: code, signal: undefined, durationMs: performance.now() - started, truncated: false };
  };
  return {
    fetchedBytes,
    async exec(node, command, options) {
      return isLogGrep(command) ? runOnHost(node, command) : inner.exec(node, command, options);
    },
    async fanOut(nodes, command, options) {
      if (!isLogGrep(command)) return inner.fanOut(nodes, command, options);
      return Promise.all(nodes.map((n) => runOnHost(n, command)));
    },
    close() {
      rmSync(root, { recursive: true, force: true });
    },
  };
}
