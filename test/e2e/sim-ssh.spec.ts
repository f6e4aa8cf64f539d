import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { promisify } from 'node:util';
import { Client } from 'ssh2';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadInventory } from '../../src/inventory/load.js';
import { startSimCluster, type SimCluster } from '../../src/sim/index.js';

const run = promisify(execFile);

function knownKey(knownHosts: string, port: number): Buffer {
  const line = knownHosts.split('\n').find((l) => l.startsWith(`[127.0.0.1]:${port} `));
  if (!line) throw new Error(`no known_hosts entry for port ${port}`);
  return Buffer.from(line.split(' ')[2] ?? '', 'base64');
}

function exec(sim: SimCluster, node: string, command: string): Promise<{ stdout: string; stderr: string; code: number | null }> {
  const port = sim.portOf(node);
  const expected = knownKey(readFileSync(sim.knownHostsPath, 'utf8'), port);
  return new Promise((resolve, reject) => {
    const conn = new Client();
    conn
      .on('ready', () => {
        conn.exec(command, (err, stream) => {
          if (err) return reject(err);
          let stdout = '';
          let stderr = '';
          let code: number | null = null;
          stream.on('data', (d: Buffer) => (stdout += d.toString()));
          stream.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
          stream.on('exit', (c: number | null) => (code = c));
          stream.on('close', () => {
            conn.end();
            resolve({ stdout, stderr, code });
          });
        });
      })
      .on('error', reject)
      .connect({
        host: '127.0.0.1',
        port,
        username: 'root',
        privateKey: readFileSync(sim.clientKeyPath),
        hostVerifier: (key: Buffer) => key.equals(expected),
      });
  });
}

describe('simulated cluster over SSH', () => {
  let sim: SimCluster;
  beforeAll(async () => {
    sim = await startSimCluster({ scenario: 'seed-incident' });
  });
  afterAll(async () => {
    await sim?.stop();
  });

  it('writes an inventory whose nodes are the listening servers', () => {
    const yaml = readFileSync(sim.inventoryPath, 'utf8');
    expect(yaml).toContain('cluster: sim-seed-incident');
    expect(yaml).toContain(`known_hosts: ${sim.knownHostsPath}`);
    expect(sim.inventory.nodes.map((n) => n.name)).toEqual(['node-10', 'node-11', 'node-12', 'node-18', 'node-19', 'node-20']);
    expect(sim.inventory.nodes[0]?.roles).toEqual(['controller']);
  });

  it("writes an inventory the project's loader reads back to the same nodes", () => {
    const loaded = loadInventory(sim.inventoryPath, { knownHostsPath: undefined, openrcPath: undefined });
    expect(loaded.nodes.map((n) => [n.name, n.port, n.privateKeyPath, [...n.roles]])).toEqual(
      sim.inventory.nodes.map((n) => [n.name, n.port, n.privateKeyPath, [...n.roles]]),
    );
    expect(loaded.knownHostsPath).toBe(sim.knownHostsPath);
  });

  it('answers crm_mon --output-as=xml with node-10 resources stopped and failed', async () => {
    const r = await exec(sim, 'node-11', 'crm_mon --output-as=xml');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^<pacemaker-result api-version="2\.25" request="crm_mon --output-as=xml">/);
    expect(r.stdout).toContain('<failure op_key="p_rabbitmq-server_start_0" node="node-10"');
    expect(r.stdout).not.toMatch(/<node name="node-10" id="1" cached="true"\/>\s*<\/resource>\s*<resource id="p_rabbitmq-server"/);
  });

  it('answers rabbitmqctl cluster_status --formatter json from a healthy member', async () => {
    const r = await exec(sim, 'node-11', 'rabbitmqctl cluster_status --formatter json');
    expect(r.code).toBe(0);
    const doc = JSON.parse(r.stdout) as { running_nodes: string[]; disk_nodes: string[] };
    expect(doc.running_nodes).toEqual(['rabbit@node-11', 'rabbit@node-12']);
    expect(doc.disk_nodes).toContain('rabbit@node-10');
  });

  it('reports node-10 rabbitmqctl as nodedown with exit 69, and unknown programs with 127', async () => {
    const r = await exec(sim, 'node-10', 'rabbitmqctl cluster_status --formatter json');
    expect(r.code).toBe(69);
    expect(r.stderr).toContain("Error: unable to perform an operation on node 'rabbit@node-10'");
    const nf = await exec(sim, 'node-18', 'crm_mon -1');
    expect(nf).toMatchObject({ code: 127, stderr: 'sh: 1: crm_mon: not found\n' });
    expect(sim.commandLog.some((e) => e.node === 'node-18' && e.command === 'crm_mon -1' && e.exitCode === 127)).toBe(true);
  });

  it('serves the real OpenSSH client with the generated known_hosts and key', async () => {
    const port = sim.portOf('node-10');
    const { stdout } = await run('/usr/bin/ssh', [
      '-o',
      `UserKnownHostsFile=${sim.knownHostsPath}`,
      '-o',
      'StrictHostKeyChecking=yes',
      '-o',
      'BatchMode=yes',
      '-o',
      'IdentitiesOnly=yes',
      '-i',
      sim.clientKeyPath,
      '-p',
      String(port),
      'root@127.0.0.1',
      'df -P -B1 /',
    ]);
    expect(stdout).toMatch(/^Filesystem\s+1-blocks\s+Used\s+Available\s+Capacity\s+Mounted on\n\/dev\/mapper\/os-root\s+\d+\s+\d+\s+0\s+100% \/\n$/);
  });

  it('makes a node unreachable and back', async () => {
    await sim.setNodeDown('node-20', true);
    await expect(exec(sim, 'node-20', 'hostname')).rejects.toThrow();
    await sim.setNodeDown('node-20', false);
    expect((await exec(sim, 'node-20', 'hostname')).stdout).toBe('node-20\n');
  });

  it('delays a slow node', async () => {
    sim.setNodeDelay('node-19', 400);
    const t0 = Date.now();
    await exec(sim, 'node-19', 'true');
    expect(Date.now() - t0).toBeGreaterThanOrEqual(400);
    sim.setNodeDelay('node-19', 0);
  });

  it('holds the matching commands of a node until released, and only those', async () => {
    const hold = sim.holdCommands('node-19', /^sleepy-marker/);
    let done = false;
    const held = exec(sim, 'node-19', 'sleepy-marker; hostname').then((r) => {
      done = true;
      return r;
    });
    await hold.arrived;
    expect((await exec(sim, 'node-19', 'hostname')).stdout).toBe('node-19\n');
    expect(done).toBe(false);
    hold.release();
    expect((await held).stdout).toContain('node-19');
  });
});
