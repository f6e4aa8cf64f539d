import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  loadCatalog,
  LogMatcher,
  logFetchCommand,
  logSignaturesForRoles,
  matchFetchedLogs,
  parseLogFetchOutput,
  traceCommand,
} from '../../src/signatures/index.js';
import type { Signature } from '../../src/signatures/schema.js';
import { startSimCluster, type SimCluster } from '../../src/sim/index.js';
import { SshPool } from '../../src/ssh/pool.js';
import type { ExecOutcome } from '../../src/ssh/types.js';

const SEED_REQUEST = 'req-36aaf95c-53ed-4b77-8bc9-9cc0f6d90feb';

let sim: SimCluster;
let pool: SshPool;
let signatures: readonly Signature[];

function stdoutOf(outcome: ExecOutcome | undefined): string {
  if (!outcome?.ok) throw new Error(`exec failed: ${JSON.stringify(outcome)}`);
  return outcome.stdout;
}

function rolesOf(node: string): string[] {
  return [...(sim.state.nodes.get(node)?.roles ?? [])];
}

beforeAll(async () => {
  sim = await startSimCluster({ scenario: 'seed-incident' });
  pool = new SshPool(sim.inventory);
  signatures = (await loadCatalog()).signatures;
});

afterAll(async () => {
  await pool?.close();
  await sim?.stop();
});

describe('remote log fetch and trace, run by the simulator over SSH', () => {
  it("finds the seed's findings on node-10 in what the fetch command sends back", async () => {
    const command = logFetchCommand(signatures, rolesOf('node-10'));
    if (!command) throw new Error('no log signature for a controller');
    const outcome = await pool.exec('node-10', command);
    expect(outcome).toMatchObject({ ok: true, exitCode: 0 });
    const fetched = parseLogFetchOutput(stdoutOf(outcome));
    expect(fetched.truncated).toBe(false);
    const enospc = fetched.runs.find((r) => r.file === '/var/log/cinder/cinder-volume.log' && r.text.includes('No space left on device'));
    expect(enospc?.text).toMatch(/^2017-02-14 10:35:53\.066 6225 ERROR cinder\.volume\.manager IOError: \[Errno 28\] No space left on device$/m);

    const matcher = new LogMatcher(logSignaturesForRoles(signatures, rolesOf('node-10')), { zone: 'UTC' });
    const findings = matchFetchedLogs(fetched, 'node-10', matcher);
    const where = (signature: string): string[] => findings.filter((f) => f.signature === signature).map((f) => f.file);
    expect(where('root-disk-full')).toEqual(expect.arrayContaining(['/var/log/cinder/cinder-volume.log', '/var/log/rabbitmq/rabbit@node-10.log']));
    // Multi-line RabbitMQ reports come back through grep's -B/-A context and are rebuilt by the parser.
    for (const s of ['rabbit-disk-alarm', 'rabbit-enospc-shutdown', 'rabbit-stopped']) expect(where(s)).toContain('/var/log/rabbitmq/rabbit@node-10.log');
    expect(where('amqp-unreachable').length).toBeGreaterThan(0);
  });

  it('fetches from every node, computes included, and each answer parses', async () => {
    for (const node of sim.inventory.nodes.map((n) => n.name)) {
      const command = logFetchCommand(signatures, rolesOf(node));
      if (!command) continue;
      const fetched = parseLogFetchOutput(stdoutOf(await pool.exec(node, command)));
      expect(fetched.truncated, node).toBe(false);
      for (const run of fetched.runs) expect(run.file, node).toMatch(/^\/var\/log\//);
    }
  });

  it('keeps the newest bytes under a small cap and says it was cut', async () => {
    const full = logFetchCommand(signatures, rolesOf('node-10'));
    const capped = logFetchCommand(signatures, rolesOf('node-10'), { maxBytes: 2048 });
    if (!full || !capped) throw new Error('no log signature for a controller');
    const all = stdoutOf(await pool.exec('node-10', full));
    const tail = stdoutOf(await pool.exec('node-10', capped));
    expect(Buffer.byteLength(tail)).toBe(2048);
    expect(all.endsWith(tail)).toBe(true);
    expect(parseLogFetchOutput(tail).truncated).toBe(true);
  });

  it('traces the seed request id to the cinder logs of node-10 only', async () => {
    const nodes = sim.inventory.nodes.map((n) => n.name);
    const outcomes = await pool.fanOut(nodes, traceCommand(SEED_REQUEST));
    const files = new Map<string, Set<string>>();
    for (const o of outcomes) {
      const fetched = parseLogFetchOutput(stdoutOf(o));
      expect(fetched.truncated).toBe(false);
      for (const run of fetched.runs) {
        expect(
          run.text
            .trimEnd()
            .split('\n')
            .every((l) => l.includes(SEED_REQUEST)),
        ).toBe(true);
        files.set(o.node, (files.get(o.node) ?? new Set()).add(run.file));
      }
    }
    expect(Object.fromEntries([...files].map(([n, f]) => [n, [...f].sort()]))).toEqual({
      'node-10': ['/var/log/cinder/cinder-scheduler.log', '/var/log/cinder/cinder-volume.log'],
    });
    const asked = new Set(sim.commandLog.filter((e) => e.command.includes(SEED_REQUEST)).map((e) => e.node));
    expect(asked).toEqual(new Set(nodes));
  });
});
