import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Inventory } from '../../src/inventory/types.js';
import { rabbitmqStatus } from '../../src/probes/rabbitmq-status.js';
import type { Executor } from '../../src/ssh/types.js';
import { executeRunbook } from '../../src/runbooks/engine.js';
import { readRabbit, type RabbitView } from '../../src/runbooks/rabbit-facts.js';
import { buildRabbitHeal } from '../../src/runbooks/rabbit-heal.js';
import type { RunbookContext } from '../../src/runbooks/types.js';
import { isLogSignature, loadCatalog, LogMatcher } from '../../src/signatures/index.js';
import { renderRemoteCommand } from '../../src/ssh/shell.js';
import type { ExecOutcome } from '../../src/ssh/types.js';
import { freeTcpPort, joinCluster, rabbitctl, releaseEpmd, startRabbitNode, stopRabbitNode, type RabbitNode } from '../support/rabbitmq.js';

/**
 * Runs each command exactly as the SSH executor would send it, locally with the node's RabbitMQ
 * environment: two brokers on one machine stand for two controllers.
 */
function localExecutor(envs: Readonly<Record<string, NodeJS.ProcessEnv>>, sent: string[]): Executor {
  const exec = (node: string, command: Parameters<Executor['exec']>[1], options?: Parameters<Executor['exec']>[2]): Promise<ExecOutcome> => {
    const text = renderRemoteCommand(command, { become: false });
    sent.push(`${node} $ ${text}`);
    const started = performance.now();
    return new Promise((resolve) => {
      execFile('sh', ['-c', text], { env: envs[node], timeout: options?.timeoutMs ?? 60_000, encoding: 'utf8' }, (error, stdout, stderr) => {
        const durationMs = Math.round(performance.now() - started);
        if (error?.killed) return resolve({ ok: false, node, command: text, kind: 'timeout', message: 'timed out', durationMs });
        const exitCode = error ? (typeof error.code === 'number' ? error.code : null) : 0;
        resolve({ ok: true, node, command: text, stdout, stderr, exitCode, signal: undefined, durationMs, truncated: false });
      });
    });
  };
  return { exec, fanOut: (nodes, command, options) => Promise.all(nodes.map((n) => exec(n, command, options))) };
}

function running(v: RabbitView): Extract<RabbitView, { kind: 'running' }> {
  if (v.kind !== 'running') throw new Error(`expected a running broker, got ${JSON.stringify(v)}`);
  return v;
}

async function until<T>(read: () => Promise<T>, done: (v: T) => boolean, ms = 30_000): Promise<T> {
  const deadline = Date.now() + ms;
  let v = await read();
  while (!done(v) && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 500));
    v = await read();
  }
  return v;
}

describe('the RabbitMQ runbook against real RabbitMQ 3.10 brokers', () => {
  let dir: string;
  let a: RabbitNode;
  let b: RabbitNode;
  let rctx: RunbookContext;
  const sent: string[] = [];

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'stackmedic-rabbit-runbook-'));
    a = await startRabbitNode({ name: 'rabbit-a', port: await freeTcpPort(), distPort: await freeTcpPort(), dir });
    b = await startRabbitNode({ name: 'rabbit-b', port: await freeTcpPort(), distPort: await freeTcpPort(), dir });
    await joinCluster(b, a);
    const node = (name: string): Inventory['nodes'][number] => ({ name, roles: ['controller'], address: '127.0.0.1', port: 22, user: 'root', become: false });
    const inventory: Inventory = {
      cluster: 'real-rabbit',
      knownHostsPath: '/dev/null',
      nodes: [node('rabbit-a'), node('rabbit-b')],
      jumpHosts: [],
      source: 'test',
    };
    rctx = {
      inventory,
      executor: localExecutor({ 'rabbit-a': a.env, 'rabbit-b': b.env }, sent),
      progress: () => undefined,
      catalog: () => loadCatalog(),
      sleep: (ms) => new Promise((r) => setTimeout(r, Math.min(ms, 1_000))),
      now: () => performance.now(),
    };
  }, 180_000);

  afterAll(async () => {
    if (b) await stopRabbitNode(b);
    if (a) await stopRabbitNode(a);
    await releaseEpmd();
    if (dir) rmSync(dir, { recursive: true, force: true });
  }, 120_000);

  it('reads the real cluster_status through the status probe: both brokers running, no alarm', async () => {
    const v = running(await readRabbit(rctx, 'rabbit-a'));
    expect(v.status.format).toBe('json');
    expect([...v.status.runningNodes].sort()).toEqual(['rabbit-a@localhost', 'rabbit-b@localhost']);
    expect(v.status.alarms).toEqual([]);
    expect(rabbitmqStatus.command.script.text).toContain('--formatter json');
  });

  it('detects a real disk alarm by the status probe and the log signature, and clears it with the runbook', async () => {
    const set = await rabbitctl(a, ['set_disk_free_limit', '100000GB']);
    expect(set.exitCode).toBe(0);
    const alarmed = running(
      await until(
        () => readRabbit(rctx, 'rabbit-a'),
        (v) => v.kind === 'running' && v.status.alarms.length > 0,
      ),
    );
    expect(alarmed.status.alarms).toEqual([{ node: 'rabbit-a@localhost', kind: 'disk', resource: 'disk' }]);

    const catalog = await loadCatalog();
    const logDir = join(a.dir, 'log');
    const logFile = join(logDir, readdirSync(logDir).find((f) => f === `${a.nodeName}.log`) ?? `${a.nodeName}.log`);
    expect(existsSync(logFile)).toBe(true);
    const scan = () => new LogMatcher(catalog.signatures.filter(isLogSignature)).scanFile(logFile, { node: 'rabbit-a', file: logFile });
    const findings = await scan();
    expect(findings.map((f) => f.signature)).toContain('rabbit-disk-alarm');

    const runbook = await buildRabbitHeal(rctx, 'rabbit-a');
    const acts = runbook.steps.filter((s) => s.kind === 'act');
    expect(acts.map((s) => (s.kind === 'act' ? `${s.node} $ ${s.command.script.text}` : ''))).toEqual(['rabbit-a $ rabbitmqctl set_disk_free_limit 50000000']);
    const report = await executeRunbook(runbook, rctx);
    expect(report.status, JSON.stringify(report, null, 1)).toBe('succeeded');
    expect(report.steps.find((s) => s.description.startsWith('failure mode'))?.detail).toMatch(/^disk-alarm: disk alarm on rabbit-a@localhost/);

    const cleared = running(await readRabbit(rctx, 'rabbit-a'));
    expect(cleared.status.alarms).toEqual([]);
    const after = await until(scan, (f) => f.some((x) => x.signature === 'rabbit-disk-alarm-cleared'), 10_000);
    expect(after.map((f) => f.signature)).toContain('rabbit-disk-alarm-cleared');
  }, 120_000);

  it('heals a real inconsistent_cluster with its own commands: forget on the member, reset, rejoin', async () => {
    expect((await rabbitctl(b, ['stop_app'])).exitCode).toBe(0);
    expect((await rabbitctl(b, ['force_reset'])).exitCode).toBe(0);
    const join = await rabbitctl(b, ['join_cluster', a.nodeName]);
    expect(join.exitCode).toBe(69);
    expect(join.stderr).toMatch(/inconsistent_cluster/);

    const runbook = await buildRabbitHeal(rctx, 'rabbit-b');
    const acts = runbook.steps.flatMap((s) => (s.kind === 'act' ? [`${s.node} $ ${s.command.script.text}`] : []));
    expect(acts).toEqual([
      'rabbit-b $ rabbitmqctl stop_app',
      'rabbit-a $ rabbitmqctl forget_cluster_node rabbit-b@localhost',
      'rabbit-b $ rabbitmqctl reset',
      'rabbit-b $ rabbitmqctl join_cluster rabbit-a@localhost',
      'rabbit-b $ rabbitmqctl start_app',
    ]);
    const from = sent.length;
    const report = await executeRunbook(runbook, rctx);
    expect(report.status, JSON.stringify(report, null, 1)).toBe('succeeded');
    expect(report.steps.find((s) => s.description.startsWith('failure mode'))?.detail).toMatch(
      /^inconsistent-cluster: rabbit-a@localhost lists rabbit-b@localhost as a member, but rabbit-b@localhost does not/,
    );
    for (const act of acts) expect(sent.slice(from)).toContain(act);

    const status = await rabbitctl(a, ['cluster_status', '--formatter', 'json']);
    const doc = JSON.parse(status.stdout) as { running_nodes: string[]; disk_nodes: string[] };
    expect([...doc.running_nodes].sort()).toEqual(['rabbit-a@localhost', 'rabbit-b@localhost']);
    expect([...doc.disk_nodes].sort()).toEqual(['rabbit-a@localhost', 'rabbit-b@localhost']);
  }, 180_000);
});
