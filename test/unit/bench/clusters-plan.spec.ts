import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { clusterNames, clustersInventoryYaml, nextMinuteTick, readRounds, type CheckSpan } from '../../../bench/clusters-plan.js';
import { loadClusters } from '../../../src/inventory/clusters.js';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

/** A one-cluster stackmedic inventory file, as the simulator writes one. */
function clusterFile(dir: string, name: string, nodes: number): string {
  const path = join(dir, `${name} inventory.yml`);
  const lines = Array.from(
    { length: nodes },
    (_, i) => `  - { name: node-${i + 1}, address: 127.0.0.1, port: ${20000 + i}, roles: [${i < 3 ? 'controller' : 'compute'}] }`,
  );
  writeFileSync(path, `defaults: { user: root }\nnodes:\n${lines.join('\n')}\n`);
  return path;
}

describe("the several-clusters bench's inventory", () => {
  it('names clusters c01..cNN in number order', () => {
    expect(clusterNames(10)).toEqual(['c01', 'c02', 'c03', 'c04', 'c05', 'c06', 'c07', 'c08', 'c09', 'c10']);
  });

  it('is a clusters: file stackmedic reads: every cluster with its own nodes and the schedule', () => {
    const dir = mkdtempSync(join(tmpdir(), 'clusters-plan-'));
    dirs.push(dir);
    const planned = clusterNames(3).map((name, i) => ({ name, inventory: clusterFile(dir, name, 4 + i) }));
    const path = join(dir, 'clusters.yml');
    writeFileSync(path, clustersInventoryYaml(planned, '*/2 * * * *'));
    const set = loadClusters(path);
    expect(set.clusters.map((c) => [c.cluster, c.nodes.length, c.schedule])).toEqual([
      ['c01', 4, '*/2 * * * *'],
      ['c02', 5, '*/2 * * * *'],
      ['c03', 6, '*/2 * * * *'],
    ]);
  });

  it('refuses to write an inventory without clusters', () => {
    expect(() => clustersInventoryYaml([], '*/2 * * * *')).toThrow(/no cluster/);
  });
});

describe("the several-clusters bench's reading of the checks", () => {
  const span = (cluster: string, replica: string, startMs: number, endMs: number, failed = false): CheckSpan => ({ cluster, replica, startMs, endMs, failed });

  it('gives the round from the tick to the last check, and which replica ran what', () => {
    const spans = [span('a', 'r1', 1000, 31_000), span('b', 'r2', 1050, 45_000), span('a', 'r1', 121_000, 130_000), span('b', 'r2', 121_000, 125_000)];
    const [first, second] = readRounds(spans, ['a', 'b'], [0, 120_000], 120_000);
    expect(first).toMatchObject({ runs: { a: 1, b: 1 }, replicas: { a: ['r1'], b: ['r2'] }, notOnce: [], roundMs: 45_000, failed: 0 });
    expect(second).toMatchObject({ notOnce: [], roundMs: 10_000 });
  });

  it('flags a check run twice (both replicas) and a cluster whose check never ran', () => {
    const spans = [span('a', 'r1', 500, 9000), span('a', 'r2', 600, 9500, true)];
    const [round] = readRounds(spans, ['a', 'b'], [0], 120_000);
    expect(round).toMatchObject({ runs: { a: 2, b: 0 }, replicas: { a: ['r1', 'r2'], b: [] }, notOnce: ['a', 'b'], failed: 1 });
    expect(round?.roundMs).toBeUndefined();
  });

  it('finds the next even-minute tick', () => {
    const at = Date.UTC(2026, 11, 1, 12, 51, 30);
    expect(new Date(nextMinuteTick(at, 2)).toISOString()).toBe('2026-12-01T12:52:00.000Z');
    expect(new Date(nextMinuteTick(Date.UTC(2026, 11, 1, 12, 52, 0), 2)).toISOString()).toBe('2026-12-01T12:54:00.000Z');
  });
});
