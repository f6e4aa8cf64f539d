import { cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { readFileSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { buildCausalChain, renderCausalChain, serviceOfLog } from '../../../src/signatures/chain.js';
import { writeCorpus } from '../../../src/signatures/corpus.js';
import { diagnoseDirectory, inferRoles, runDiagnose } from '../../../src/signatures/diagnose.js';
import { builtinCatalog, fixturePath } from './support.js';

const SEED = fixturePath('diagnose/seed');
const scratch = mkdtempSync(join(tmpdir(), 'stackmedic-diagnose-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

describe('diagnose on the seed incident laid out per node', () => {
  it('finds the disk-full root cause on node-10 and the chain down to nova-compute', async () => {
    const { output, exitCode } = await runDiagnose({ logsDir: SEED, json: true });
    expect(exitCode).toBe(1);
    const json = JSON.parse(output) as {
      rootCause: unknown;
      chain: string[];
      findings: { signature: string; node: string; file: string; line: number; time: string | null; fields: Record<string, string> }[];
    };
    expect(Object.keys(json)).toEqual(['findings', 'rootCause', 'chain']);
    expect(json.rootCause).toEqual({ signature: 'root-disk-full', node: 'node-10' });
    expect(json.chain).toEqual([
      'root-disk-full',
      'rabbit-disk-alarm',
      'rabbit-enospc-shutdown',
      'rabbit-stopped',
      'rabbit-inconsistent-cluster',
      'amqp-unreachable',
      'nova-compute-libvirt-socket',
    ]);
    expect(json.findings[0]).toEqual({
      signature: 'root-disk-full',
      node: 'node-10',
      file: '/var/log/cinder/cinder-volume.log',
      line: 1,
      time: '2017-02-14T10:35:53.066Z',
      fields: {},
    });
    expect(json.findings).toContainEqual({
      signature: 'amqp-unreachable',
      node: 'node-11',
      file: '/var/log/neutron/server.log',
      line: 1,
      time: '2017-02-15T06:25:44.000Z',
      fields: { host: '192.168.0.5', port: '5673', reason: '[Errno 32] Broken pipe', retrySeconds: '5' },
    });
    for (const finding of json.findings) expect(Object.keys(finding)).toEqual(['signature', 'node', 'file', 'line', 'time', 'fields']);
  });

  it('tells people the verdict first, the chain, the fix and the action items', async () => {
    const { output } = await runDiagnose({ logsDir: SEED, json: false });
    const [verdict, chain, fix] = output.split('\n');
    expect(verdict).toBe('Root cause: Root disk full (ENOSPC) on node-10 (first seen 2017-02-14T05:49:45.000Z)');
    expect(chain).toBe(
      'Chain: Root disk full (ENOSPC) on node-10 -> RabbitMQ disk alarm on node-10 -> RabbitMQ could not write its state (enospc) on node-10' +
        ' -> RabbitMQ stopped on node-10 -> RabbitMQ node disagrees on cluster membership (inconsistent_cluster) on node-10' +
        ' -> AMQP unreachable in 2 services on 3 nodes -> nova-compute cannot connect to libvirt on node-18',
    );
    expect(fix).toBe('Fix: /cluster free-disk node-10');
    expect(output).toContain('  - Move cinder image_conversion_dir off the root partition');
  });

  it("reads rotated and gzipped copies with the live file's signatures", async () => {
    const dir = join(scratch, 'rotated');
    cpSync(SEED, dir, { recursive: true });
    const live = join(dir, 'node-10/var/log/rabbitmq/rabbit@messaging-node-10.log');
    writeFileSync(`${live}.2.gz`, gzipSync(readFileSync(live)));
    writeFileSync(`${live}.1`, readFileSync(live));
    const catalog = await builtinCatalog();
    const diagnosis = await diagnoseDirectory(dir, catalog);
    const files = new Set(diagnosis.findings.filter((f) => f.signature === 'rabbit-enospc-shutdown').map((f) => f.file));
    expect(files).toEqual(
      new Set([
        '/var/log/rabbitmq/rabbit@messaging-node-10.log',
        '/var/log/rabbitmq/rabbit@messaging-node-10.log.1',
        '/var/log/rabbitmq/rabbit@messaging-node-10.log.2.gz',
      ]),
    );
  });

  it('applies signatures by role: a compute node is not searched for RabbitMQ failures', async () => {
    const dir = join(scratch, 'roles');
    cpSync(SEED, dir, { recursive: true });
    const catalog = await builtinCatalog();
    const asCompute = await diagnoseDirectory(dir, catalog, { roles: { 'node-10': ['compute'] } });
    expect(asCompute.findings.filter((f) => f.node === 'node-10' && f.signature.startsWith('rabbit-'))).toEqual([]);
    expect(inferRoles(['/var/log/nova/nova-compute.log'])).toEqual(['compute']);
    expect(inferRoles(['/var/log/rabbitmq/rabbit@x.log', '/var/log/nova/nova-compute.log'])).toEqual(['controller', 'compute']);
    expect(inferRoles(['/var/log/syslog'])).toBeNull();
  });

  it('reports exactly the sprinkled findings of a generated corpus', async () => {
    const dir = join(scratch, 'corpus');
    const layout = writeCorpus(dir, 3 << 20, { seed: 11, signatureEvery: 200, computes: 2 });
    const diagnosis = await diagnoseDirectory(dir, await builtinCatalog());
    const counts: Record<string, number> = {};
    for (const f of diagnosis.findings) counts[f.signature] = (counts[f.signature] ?? 0) + 1;
    expect(counts).toEqual(layout.expected);
    expect(diagnosis.stats.bytes).toBe(layout.bytes);
  });

  it('refuses an invalid operator catalog with exit code 2', async () => {
    const { output, exitCode } = await runDiagnose({ logsDir: SEED, json: true, signaturesDir: fixturePath('signatures') });
    expect(exitCode).toBe(2);
    expect(output).toMatch(/^invalid signature catalog: .*empty\.yaml: \(file\): /);
  });

  it('says so when the logs directory is missing, with exit code 2', async () => {
    const { output, exitCode } = await runDiagnose({ logsDir: join(scratch, 'nope'), json: false });
    expect(exitCode).toBe(2);
    expect(output).toMatch(/^cannot read the logs directory/);
  });
});

describe('causal chain', () => {
  it('picks the cause that explains most, even when its log clock is later', async () => {
    const { signatures } = await builtinCatalog();
    const chain = buildCausalChain(
      [
        { signature: 'amqp-unreachable', node: 'node-11', file: '/var/log/neutron/server.log', time: '2017-02-14T06:00:00.000Z' },
        { signature: 'rabbit-stopped', node: 'node-10', time: '2017-02-14T05:50:00.000Z' },
        { signature: 'rabbit-disk-alarm', node: 'node-10', time: '2017-02-14T05:49:45.000Z' },
        { signature: 'amqp-reconnected', node: 'node-11', time: '2017-02-14T07:00:00.000Z' },
      ],
      signatures,
    );
    expect(chain?.root).toEqual({ signature: 'rabbit-disk-alarm', node: 'node-10', time: '2017-02-14T05:49:45.000Z' });
    expect(chain?.links.map((l) => l.signature)).toEqual(['rabbit-stopped', 'amqp-unreachable']);
    expect(renderCausalChain(chain!, signatures)).toBe('RabbitMQ disk alarm on node-10 -> RabbitMQ stopped on node-10 -> AMQP unreachable on node-11');
  });

  it('does not make a consequence seen before its cause a root', async () => {
    const { signatures } = await builtinCatalog();
    const chain = buildCausalChain(
      [
        { signature: 'amqp-unreachable', node: 'node-11', time: '2017-02-14T05:00:00.000Z' },
        { signature: 'rabbit-partition', node: 'node-10', time: '2017-02-14T04:00:00.000Z' },
      ],
      signatures,
    );
    expect(chain?.root.signature).toBe('rabbit-partition');
  });

  it('has no chain without findings, and names services from log paths', async () => {
    expect(buildCausalChain([], (await builtinCatalog()).signatures)).toBeNull();
    expect(serviceOfLog('/var/log/neutron/server.log')).toBe('neutron-server');
    expect(serviceOfLog('/var/log/cinder/cinder-scheduler.log.2.gz')).toBe('cinder-scheduler');
  });
});
