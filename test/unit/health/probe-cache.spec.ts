import { describe, expect, it } from 'vitest';
import { ProbeCache } from '../../../src/health/probe-cache.js';
import { takeSnapshot, type NodeProbeOutcome } from '../../../src/health/snapshot.js';
import { versionsText, versionsView } from '../../../src/health/versions.js';
import type { Inventory } from '../../../src/inventory/types.js';
import { packageVersions } from '../../../src/probes/package-versions.js';
import { diskUsage } from '../../../src/probes/disk-usage.js';
import type { ExecOutcome, Executor } from '../../../src/ssh/types.js';

/** Package lists are reused between snapshots of one cluster, with their read time, and never past a node's death. */
const inventory: Inventory = {
  cluster: 'x',
  knownHostsPath: '/dev/null',
  nodes: ['node-10', 'node-18'].map((name, i) => ({
    name,
    address: '127.0.0.1',
    port: 2200 + i,
    user: 'root',
    roles: [i === 0 ? 'controller' : 'compute'],
    become: false,
  })),
  jumpHosts: [],
  source: 'test',
};

const DF = 'Filesystem 1024-blocks Used Available Capacity Mounted on\n/dev/sda1 100 50 50 50% /\n';

/** Answers dpkg-query and df like a Debian host; counts what it was asked; `down` nodes refuse the connection. */
function executor(down: Set<string>): Executor & { asked: string[] } {
  const asked: string[] = [];
  const answer = (node: string, text: string): ExecOutcome => {
    asked.push(`${node}: ${text.includes('dpkg-query') ? 'packages' : 'other'}`);
    if (down.has(node)) return { ok: false, node, command: text, kind: 'unreachable', message: 'connection refused', durationMs: 1 };
    const stdout = text.includes('dpkg-query') ? 'nova-compute 2:27.1.0-0ubuntu1 ii \n' : DF;
    return { ok: true, node, command: text, stdout, stderr: '', exitCode: 0, signal: undefined, durationMs: 1, truncated: false };
  };
  return {
    asked,
    exec: async (node, command) => answer(node, command.script.text),
    fanOut: async (nodes, command) => nodes.map((n) => answer(n, command.script.text)),
  };
}

describe('ProbeCache', () => {
  it('keeps ok answers up to their age, forgets unknown and failed ones, and distrusts a clock that went back', () => {
    const cache = new ProbeCache<NodeProbeOutcome<unknown>>();
    const t0 = new Date('2026-12-01T10:00:00Z');
    const okOutcome = { kind: 'ok', value: 1, node: 'n', exitCode: 0, durationMs: 1 } as const;
    cache.put('p', 'n', okOutcome, t0);
    expect(cache.fresh('p', 'n', 60_000, new Date(t0.getTime() + 60_000))?.readAt).toEqual(t0);
    expect(cache.fresh('p', 'n', 60_000, new Date(t0.getTime() + 60_001))).toBeUndefined();
    cache.put('p', 'n', okOutcome, t0);
    expect(cache.fresh('p', 'n', 60_000, new Date(t0.getTime() - 1))).toBeUndefined();
    cache.put('p', 'n', okOutcome, t0);
    cache.put('p', 'n', { kind: 'unknown', reason: 'r', raw: '', node: 'n', exitCode: 1, durationMs: 1 }, t0);
    expect(cache.size).toBe(0);
    cache.put('p', 'n', okOutcome, t0);
    cache.put('q', 'n2', okOutcome, t0);
    cache.forget('n');
    expect(cache.size).toBe(1);
  });
});

describe('takeSnapshot with a probe cache', () => {
  it('asks for package lists once per 10 minutes, says when the reused ones were read, and drops a dead node', async () => {
    let now = new Date('2026-12-01T10:00:00Z');
    const clock = () => now;
    const down = new Set<string>();
    const ex = executor(down);
    const cache = new ProbeCache();
    const probes = [diskUsage, packageVersions];
    const packagesAsked = () => ex.asked.filter((a) => a.endsWith('packages')).length;

    const first = await takeSnapshot(inventory, ex, { probes, clock, cache });
    expect(packagesAsked()).toBe(2);
    expect(versionsView(first, []).readBetween).toBeUndefined();
    expect(versionsText(versionsView(first, []))).toMatch(/^Versions \(installed, not judged\):/);

    now = new Date('2026-12-01T10:04:00Z');
    const second = await takeSnapshot(inventory, ex, { probes, clock, cache });
    expect(packagesAsked()).toBe(2);
    // The disk was read again: only the slowly changing probe is reused.
    expect(ex.asked.filter((a) => a.endsWith('other'))).toHaveLength(4);
    const view = versionsView(second, []);
    expect(view.readBetween).toEqual({ oldest: '2026-12-01T10:00:00.000Z', newest: '2026-12-01T10:00:00.000Z' });
    expect(versionsText(view)).toMatch(
      /^Versions \(installed, not judged; read 10:00 UTC\):\n {2}controller \(1\): nova-compute 2:27\.1\.0-0ubuntu1\n {2}compute \(1\): nova-compute 2:27\.1\.0-0ubuntu1/,
    );

    // node-18 dies: its old list is not shown, it is named as not read.
    down.add('node-18');
    now = new Date('2026-12-01T10:05:00Z');
    const third = await takeSnapshot(inventory, ex, { probes, clock, cache });
    expect(versionsView(third, []).unread.map((u) => u.node)).toEqual(['node-18']);
    down.delete('node-18');

    // Back: node-18 is read afresh (its cached list was forgotten), node-10's is still reused.
    now = new Date('2026-12-01T10:06:00Z');
    const fourth = await takeSnapshot(inventory, ex, { probes, clock, cache });
    const reads = fourth.of(packageVersions).map((o) => [o.node, o.kind === 'ok' ? (o.readAt?.toISOString() ?? 'now') : o.kind]);
    expect(reads).toEqual([
      ['node-10', '2026-12-01T10:00:00.000Z'],
      ['node-18', 'now'],
    ]);
    expect(versionsText(versionsView(fourth, []))).toMatch(/read 10:00-10:06 UTC/);

    // Past 10 minutes everything is read again.
    now = new Date('2026-12-01T10:10:01Z');
    const before = packagesAsked();
    await takeSnapshot(inventory, ex, { probes, clock, cache });
    expect(packagesAsked() - before).toBe(1);
  });
});
