import { describe, expect, it } from 'vitest';
import { runDoctor } from '../../../src/doctor/run.js';

/** The tools line of each node of a simulated cluster, by node. */
async function toolsLines(scenario: string): Promise<Map<string, { status: string; detail: string }>> {
  const report = await runDoctor({ env: { STACKMEDIC_DB: ':memory:' }, sim: scenario });
  return new Map(report.checks.filter((c) => c.name.endsWith(' tools')).map((c) => [c.name.replace(/ tools$/, ''), { status: c.status, detail: c.detail }]));
}

describe('stackmedic doctor on containerised deployments looks the tools up where the probes run them', () => {
  it('TripleO: rabbitmqctl and mysql are in the node’s bundle replicas, not on the host, and pass', async () => {
    const lines = await toolsLines('tripleo-healthy');
    const n10 = lines.get('node-10');
    expect(n10?.status, n10?.detail).toBe('pass');
    expect(n10?.detail).toMatch(/rabbitmqctl \(in rabbitmq-bundle-podman-0\)/);
    expect(n10?.detail).toMatch(/mysql \(in galera-bundle-podman-0\)/);
    // node-11 runs the second replica of each bundle.
    expect(lines.get('node-11')?.detail).toMatch(/rabbitmqctl \(in rabbitmq-bundle-podman-1\)/);
    for (const [node, line] of lines) expect([node, line.status], line.detail).toEqual([node, 'pass']);
  }, 60_000);

  it('classic: the host’s tools, no container named', async () => {
    const lines = await toolsLines('healthy');
    expect(lines.get('node-10')?.status).toBe('pass');
    expect(lines.get('node-10')?.detail).not.toMatch(/\(in /);
  }, 60_000);
});
