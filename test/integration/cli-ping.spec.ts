import { execFile } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSshdCluster, type SshdCluster } from '../support/sshd.js';

const run = promisify(execFile);
const MAIN = join(import.meta.dirname, '../../dist/src/main.js');

let cluster: SshdCluster;
let env: NodeJS.ProcessEnv;

beforeAll(async () => {
  cluster = await startSshdCluster({ names: ['node-10', 'node-11', 'node-18'], roles: { 'node-18': ['compute'] } });
  env = { PATH: process.env.PATH, HOME: process.env.HOME, STACKMEDIC_DB: join(mkdtempSync(join(tmpdir(), 'stackmedic-cli-')), 'db.sqlite') };
});

afterAll(async () => {
  await cluster?.close();
});

async function stackmedic(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const r = await run(process.execPath, [MAIN, ...args], { env, timeout: 60_000 });
    return { code: 0, stdout: r.stdout, stderr: r.stderr };
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

describe('stackmedic run "/cluster ping" against real sshd nodes', () => {
  it('prints one row per node with latency and uptime', async () => {
    const r = await stackmedic(['run', '/cluster ping', '--inventory', cluster.inventoryPath]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const lines = r.stdout.trim().split('\n');
    expect(lines[0]).toBe('All 3 nodes answer.');
    expect(lines[1]).toMatch(/^NODE\s+ROLES\s+STATUS\s+RTT\s+UPTIME/);
    for (const [i, node] of ['node-10', 'node-11', 'node-18'].entries()) {
      expect(lines[i + 2]).toMatch(new RegExp(`^${node}\\s+(controller|compute)\\s+ok\\s+\\d+ ms\\s+\\d+[dhms]`));
    }
  });

  it('shows a stopped node as unreachable while the others still answer, and exits 1', async () => {
    await cluster.stop('node-11');
    try {
      const r = await stackmedic(['run', '/cluster ping', '--inventory', cluster.inventoryPath, '--json']);
      expect(r.code).toBe(1);
      const json = JSON.parse(r.stdout) as { ok: boolean; title: string; data: { nodes: { node: string; reachable: boolean; problem?: string }[] } };
      expect(json.ok).toBe(false);
      expect(json.title).toBe('1 of 3 nodes unreachable: node-11');
      expect(json.data.nodes.map((n) => [n.node, n.reachable])).toEqual([
        ['node-10', true],
        ['node-11', false],
        ['node-18', true],
      ]);
      expect(json.data.nodes[1]?.problem).toMatch(/connection refused/);
    } finally {
      await cluster.start('node-11');
    }
  });

  it.each([['/cluster ping; id'], ['/cluster ping $(id)'], ['/cluster ping `id`'], ["/cluster ping 'x'"], ['/cluster ping\nid'], ['/cluster ping | sh']])(
    'refuses hostile text %j with a usage error',
    async (text) => {
      const r = await stackmedic(['run', text, '--inventory', cluster.inventoryPath]);
      expect(r.code).toBe(2);
      expect(r.stdout).toMatch(/^unexpected .* in the command: commands take plain words only/);
      expect(r.stdout).not.toMatch(/uid=/);
    },
  );

  it('explains an unknown subcommand with the family help', async () => {
    const r = await stackmedic(['run', '/cluster pnig', '--inventory', cluster.inventoryPath]);
    expect(r.code).toBe(2);
    expect(r.stdout).toMatch(/^unknown subcommand "pnig" for \/cluster \(did you mean ping\?\)/);
    expect(r.stdout).toMatch(/\/cluster ping/);
  });

  it('names the file and the field of a bad inventory and exits 2 without a stack trace', async () => {
    const bad = join(cluster.dir, 'bad.yml');
    (await import('node:fs')).writeFileSync(bad, 'nodes:\n  - { name: node-1, address: 10.0.0.1, port: 99999, roles: [controller] }\n');
    const r = await stackmedic(['run', '/cluster ping', '--inventory', bad]);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(`stackmedic: configuration error: ${bad}: nodes.0.port: Number must be less than or equal to 65535\n`);
  });

  it('console reads one command per line from a pipe and exits non-zero when one failed', async () => {
    const { spawn } = await import('node:child_process');
    const child = spawn(process.execPath, [MAIN, 'console', '--inventory', cluster.inventoryPath], { env });
    let stdout = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stdin.end('# a comment\n/cluster ping\n\n/cluster nope\n');
    const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
    expect(stdout).toMatch(/^stackmedic console: cluster sshd-test \(3 nodes, inventory .*\)\. Type \/help, or exit\.\n/);
    expect(stdout).toMatch(/All 3 nodes answer\./);
    expect(stdout).toMatch(/unknown subcommand "nope" for \/cluster/);
    expect(stdout).not.toMatch(/stackmedic> /);
    expect(code).toBe(1);
  });
});
