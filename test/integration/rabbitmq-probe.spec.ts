import { execFile } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rabbitmqStatus, type RabbitClusterRunning, type RabbitClusterStatus } from '../../src/probes/rabbitmq-status.js';
import type { ProbeOutput } from '../../src/probes/types.js';
import { loadCatalog } from '../../src/signatures/catalog.js';
import { diagnoseDirectory } from '../../src/signatures/diagnose.js';
import { freeTcpPort, rabbitctl, releaseEpmd, startRabbitNode, stopRabbitNode, type RabbitNode } from '../support/rabbitmq.js';
import { until } from '../support/wait.js';

/** Runs a probe script locally, as the SSH executor would on a node, with the node's environment. */
function runLocally(script: string, env: NodeJS.ProcessEnv): Promise<ProbeOutput> {
  return new Promise((resolve) => {
    execFile('sh', ['-c', script], { env, timeout: 60_000, encoding: 'utf8' }, (error, stdout, stderr) => {
      const exitCode = error ? (typeof error.code === 'number' ? error.code : null) : 0;
      resolve({ stdout, stderr, exitCode });
    });
  });
}

async function probe(node: RabbitNode, script = rabbitmqStatus.command.script.text): Promise<RabbitClusterStatus> {
  const result = rabbitmqStatus.parse(await runLocally(script, node.env));
  if (result.kind !== 'ok') throw new Error(`probe output unreadable: ${result.reason}\n${result.raw}`);
  return result.value;
}

function running(status: RabbitClusterStatus): RabbitClusterRunning {
  if (!status.running) throw new Error(`expected a running node: ${status.message}`);
  return status;
}

/** Polls the probe until `done` holds: RabbitMQ's disk monitor checks every second or so. */
async function probeUntil(node: RabbitNode, done: (s: RabbitClusterRunning) => boolean): Promise<RabbitClusterRunning> {
  const deadline = Date.now() + 30_000;
  let last = running(await probe(node));
  while (!done(last) && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 500));
    last = running(await probe(node));
  }
  return last;
}

describe('rabbitmq-status probe against a real RabbitMQ node', () => {
  let dir: string;
  let node: RabbitNode;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'stackmedic-rmq-'));
    node = await startRabbitNode({ name: 'probe-rabbit', port: await freeTcpPort(), distPort: await freeTcpPort(), dir });
  });

  afterAll(async () => {
    if (node) await stopRabbitNode(node);
    await releaseEpmd();
    rmSync(dir, { recursive: true, force: true });
  });

  it('reads the node as running, from the JSON and from the text fallback', async () => {
    const json = running(await probe(node));
    expect(json.format).toBe('json');
    expect(json.runningNodes).toContain(node.nodeName);
    expect(json.alarms).toEqual([]);
    expect(json.listeners).toContainEqual(expect.objectContaining({ protocol: 'amqp', port: node.port }));

    const text = running(await probe(node, 'rabbitmqctl cluster_status'));
    expect(text.format).toBe('text');
    expect(text.runningNodes).toEqual([node.nodeName]);
  });

  it('reports a real disk alarm on the node, then its clearing', async () => {
    expect((await rabbitctl(node, ['set_disk_free_limit', '100000GB'])).exitCode).toBe(0);
    const alarmed = await probeUntil(node, (s) => s.alarms.length > 0);
    expect(alarmed.alarms).toEqual([{ node: node.nodeName, kind: 'disk', resource: 'disk' }]);

    expect((await rabbitctl(node, ['set_disk_free_limit', '50MB'])).exitCode).toBe(0);
    const cleared = await probeUntil(node, (s) => s.alarms.length === 0);
    expect(cleared.alarms).toEqual([]);
  });

  it("reads the node's own log of an alarm set, then cleared: recovered, with RabbitMQ's real lines", async () => {
    const logFile = join(node.dir, 'log', `${node.nodeName}.log`);
    // The log may hold earlier alarms (the test above): this one's clearing is the next line of its kind.
    const clears = (): number => readFileSync(logFile, 'utf8').split('disk resource limit alarm cleared on node').length - 1;
    const before = clears();
    expect((await rabbitctl(node, ['set_disk_free_limit', '100000GB'])).exitCode).toBe(0);
    await probeUntil(node, (s) => s.alarms.length > 0);
    expect((await rabbitctl(node, ['set_disk_free_limit', '50MB'])).exitCode).toBe(0);
    await probeUntil(node, (s) => s.alarms.length === 0);
    await until(() => clears() > before, { what: "this alarm's cleared line in the log" });
    // The broker's log, where a node keeps it: <node>/var/log/rabbitmq/<nodename>.log.
    const tree = join(dir, 'copied');
    mkdirSync(join(tree, 'node-10/var/log/rabbitmq'), { recursive: true });
    cpSync(logFile, join(tree, 'node-10/var/log/rabbitmq', `${node.nodeName}.log`));
    const d = await diagnoseDirectory(tree, await loadCatalog());
    const alarm = d.reading.activities.find((a) => a.signature === 'rabbit-disk-alarm');
    expect(alarm?.status).toBe('recovered');
    const lastClear = d.findings.filter((f) => f.signature === 'rabbit-disk-alarm-cleared').at(-1);
    expect(lastClear?.text).toMatch(/disk resource limit alarm cleared on node/);
    expect(alarm?.spans.at(-1)?.end?.line).toBe(lastClear?.line);
    expect(d.reading.current.map((a) => a.signature)).not.toContain('rabbit-disk-alarm');
  });

  it('reports the node as not running once it is stopped', async () => {
    await stopRabbitNode(node);
    const status = await probe(node);
    expect(status).toMatchObject({ running: false, node: node.nodeName });
    if (!status.running) expect(status.message).toMatch(/^Error: unable to perform an operation on node/);
  });
});
