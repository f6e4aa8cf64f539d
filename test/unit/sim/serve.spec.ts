import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { serveSim } from '../../../src/sim/serve.js';

describe('serveSim', () => {
  it('prints the inventory path, serves, and stops cleanly', async () => {
    const lines: string[] = [];
    const h = await serveSim({ scenario: 'healthy', nodes: 4, print: (l) => lines.push(l), signals: [] });
    expect(lines).toEqual([h.cluster.inventoryPath]);
    expect(readFileSync(h.cluster.inventoryPath, 'utf8')).toContain('name: node-18');
    expect(h.cluster.inventory.nodes.filter((n) => n.roles.includes('controller'))).toHaveLength(3);
    await h.stop();
    await h.done;
  });

  it('starts 500 nodes in one process', async () => {
    const t0 = Date.now();
    const h = await serveSim({ scenario: 'seed-incident', nodes: 500, print: () => undefined, signals: [] });
    const took = Date.now() - t0;
    expect(h.cluster.inventory.nodes).toHaveLength(500);
    expect(new Set(h.cluster.inventory.nodes.map((n) => n.port)).size).toBe(500);
    await h.stop();
    expect(took).toBeLessThan(20_000);
  }, 60_000);
});
