import { execFile } from 'node:child_process';
import { cpSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const run = promisify(execFile);
const MAIN = join(import.meta.dirname, '../../dist/src/main.js');
const SEED = join(import.meta.dirname, '../fixtures/diagnose/seed');
const UNKNOWN = join(import.meta.dirname, '../fixtures/logs/unrecognised');
const RESTART = join(import.meta.dirname, '../fixtures/diagnose/clean-restart');
const env = { PATH: process.env.PATH, HOME: process.env.HOME, STACKMEDIC_DB: join(mkdtempSync(join(tmpdir(), 'stackmedic-diag-')), 'db.sqlite') };

async function stackmedic(args: string[], extraEnv: Record<string, string> = {}): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const r = await run(process.execPath, [MAIN, ...args], { env: { ...env, ...extraEnv }, timeout: 60_000 });
    return { code: 0, ...r };
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

interface DiagnosisJson {
  findings: {
    signature: string;
    node: string;
    file: string;
    line: number;
    time: string | null;
    fields: Record<string, string>;
    recovered: { signature: string; time: string | null; file: string | null; line: number | null } | null;
  }[];
  rootCause: { signature: string; node: string } | null;
  chain: string[];
  links: { cause: string; effect: string }[];
  unrecognised: {
    template: string;
    count: number;
    nodes: string[];
    first: string | null;
    last: string | null;
    example: { node: string; file: string; line: number };
  }[];
  classification: { errors: number; classified: number; rate: number | null };
}

describe('stackmedic diagnose --logs DIR', () => {
  it('--json finds the disk-full root cause on node-10 and the chain down to nova-compute', async () => {
    const r = await stackmedic(['diagnose', '--logs', SEED, '--json']);
    expect(r.code).toBe(1);
    const json = JSON.parse(r.stdout) as DiagnosisJson;
    expect(json.rootCause).toEqual({ signature: 'root-disk-full', node: 'node-10' });
    expect(json.chain[0]).toBe('root-disk-full');
    expect(json.chain).toEqual(expect.arrayContaining(['rabbit-disk-alarm', 'rabbit-stopped', 'amqp-unreachable', 'nova-compute-libvirt-socket']));
    expect(json.chain.indexOf('rabbit-disk-alarm')).toBeLessThan(json.chain.indexOf('amqp-unreachable'));
    expect(json.chain.indexOf('amqp-unreachable')).toBeLessThan(json.chain.indexOf('nova-compute-libvirt-socket'));
    const alarm = json.findings.find((f) => f.signature === 'rabbit-disk-alarm' && f.fields.limit === '5000000');
    expect(alarm).toMatchObject({
      node: 'node-10',
      file: '/var/log/rabbitmq/rabbit@messaging-node-10.log',
      line: 1,
      time: '2017-02-14T05:49:45.000Z',
      fields: { freeBytes: '0' },
    });
    expect(json.findings.find((f) => f.signature === 'nova-compute-libvirt-socket')).toMatchObject({ node: 'node-18', file: '/var/log/nova/nova-compute.log' });
    for (const f of json.findings) expect(Object.keys(f).sort()).toEqual(['fields', 'file', 'line', 'node', 'recovered', 'signature', 'time']);
    expect(json.links.find((l) => l.effect === 'rabbit-stopped')?.cause).toBe('rabbit-enospc-shutdown');
    // The rate: error records the catalog claimed, and what it left unrecognised, counted apart.
    const { errors, classified, rate } = json.classification;
    expect(classified).toBeGreaterThan(0);
    expect(errors).toBeGreaterThan(classified);
    expect(rate).toBeCloseTo(classified / errors, 3);
    expect(json.unrecognised.reduce((n, g) => n + g.count, 0)).toBe(errors - classified);
    for (const g of json.unrecognised) {
      expect(Object.keys(g).sort()).toEqual(['count', 'example', 'first', 'last', 'nodes', 'template']);
      expect(g.nodes).toContain(g.example.node);
    }
    const counts = json.unrecognised.map((g) => g.count);
    expect(counts).toEqual([...counts].sort((a, b) => b - a));
  });

  it('groups the errors no signature knows, one group per distinct error, with counts', async () => {
    const r = await stackmedic(['diagnose', '--logs', UNKNOWN, '--json']);
    const json = JSON.parse(r.stdout) as DiagnosisJson;
    expect(json.classification).toEqual({ errors: 11, classified: 1, rate: 0.0909 });
    expect(json.unrecognised.map((g) => g.count)).toEqual([4, 1, 1, 1, 1, 1, 1]);
    expect(json.unrecognised[0]).toMatchObject({
      nodes: ['compute1', 'compute2'],
      example: { node: 'compute1', file: '/var/log/nova/nova-compute.log', line: 1 },
    });
    expect(json.unrecognised[0]?.template).toContain('Failed to retrieve resource provider tree from placement API for UUID <*>.');
    const text = await stackmedic(['diagnose', '--logs', UNKNOWN]);
    expect(text.stdout).toContain('11 error records, 9 % recognised; 7 unrecognised groups:\n  1. x4 on compute1, compute2');
  });

  it('reads a clean broker restart as recovered and does not make it the cause of the timeouts that followed', async () => {
    const r = await stackmedic(['diagnose', '--logs', RESTART, '--json']);
    const json = JSON.parse(r.stdout) as DiagnosisJson;
    expect(json.rootCause).toEqual({ signature: 'messaging-timeout', node: 'compute4' });
    expect(json.chain.some((id) => id.startsWith('rabbit-'))).toBe(false);
    const stopped = json.findings.filter((f) => f.signature === 'rabbit-stopped');
    expect(stopped.length).toBeGreaterThan(0);
    for (const f of stopped) {
      expect(f.recovered).toEqual({
        signature: 'rabbit-started',
        node: 'juju-04f1e3-1-lxd-5',
        file: '/var/log/rabbitmq/rabbit@juju-04f1e3-1-lxd-5.log',
        line: 364,
        time: '2022-02-04T09:58:14.430Z',
      });
    }
    const text = await stackmedic(['diagnose', '--logs', RESTART]);
    expect(text.stdout).not.toMatch(/Root cause: RabbitMQ/);
    expect(text.stdout).not.toContain('/rabbit heal');
    expect(text.stdout).toMatch(/\[recovered\] rabbit-stopped on juju-04f1e3-1-lxd-5 x\d+ 2022-02-04T09:55:33/);
  });

  it('prints the chain and the action items for people', async () => {
    const r = await stackmedic(['diagnose', '--logs', SEED]);
    expect(r.stdout).toMatch(/Root disk full \(ENOSPC\) on node-10/);
    expect(r.stdout).toMatch(/Move cinder image_conversion_dir off the root partition/);
  });

  it('reads timestamps in the zone it is told', async () => {
    const r = await stackmedic(['diagnose', '--logs', SEED, '--json', '--timezone', 'Asia/Shanghai']);
    const json = JSON.parse(r.stdout) as DiagnosisJson;
    expect(json.findings.find((f) => f.signature === 'nova-compute-libvirt-socket')?.time).toBe('2017-02-15T00:12:03.114Z');
  });

  it('says so, and exits 0, when logs hold no known failure', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'stackmedic-clean-'));
    cpSync(SEED, dir, { recursive: true, filter: (src) => !src.endsWith('.log') });
    writeFileSync(join(dir, 'node-10/var/log/cinder/cinder-volume.log'), '2017-02-14 10:00:00.000 1 INFO cinder.volume.manager all fine\n');
    const r = await stackmedic(['diagnose', '--logs', dir]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^No known failure signature in 1 log files/);
  });

  it('refuses a bad operator signature directory at start with exit 2', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'stackmedic-sigs-'));
    writeFileSync(join(dir, 'mine.yaml'), 'signatures:\n  - id: Bad Id\n    title: x\n');
    const r = await stackmedic(['diagnose', '--logs', SEED], { SIGNATURES_DIR: dir });
    expect(r.code).toBe(2);
    expect(r.stdout + r.stderr).toMatch(/mine\.yaml/);
  });

  it('needs --logs', async () => {
    const r = await stackmedic(['diagnose']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/stackmedic diagnose needs --logs DIR/);
  });
});
