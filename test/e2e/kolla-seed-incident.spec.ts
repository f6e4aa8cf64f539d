import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from '../../src/cli/cli.js';

/** Runs the CLI in process; returns the exit code and what it printed. */
async function cli(argv: string[], env: NodeJS.ProcessEnv): Promise<{ code: number; out: string }> {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let out = '';
  stdout.on('data', (d: Buffer) => (out += d.toString()));
  stderr.on('data', (d: Buffer) => (out += d.toString()));
  const code = await runCli(argv, { env: { HOME: process.env.HOME, ...env }, stdin: new PassThrough(), stdout, stderr });
  return { code, out };
}

const dir = mkdtempSync(join(tmpdir(), 'stackmedic-kolla-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('stackmedic run "/cluster status" --sim kolla-seed-incident', () => {
  it('names the chain from the full disk under the docker volumes to nova-compute, the deployment, and exits 1', async () => {
    const r = await cli(['run', '/cluster status', '--sim', 'kolla-seed-incident'], { STACKMEDIC_DB: join(dir, 'a.sqlite') });
    expect(r.code, r.out).toBe(1);
    expect(r.out).toMatch(/CRITICAL/);
    expect(r.out).toMatch(/Likely cause: Disk full \(df\) on node-10 -> .*RabbitMQ not running on node-10.* -> .*nova-compute reported down on 3 nodes/);
    // du of the known hogs finds the cinder volume's conversion dir on the full root filesystem.
    expect(r.out).toMatch(/✘ Disk +node-10 \/ 100% full, 0 B free \(83\.7 GB in \/var\/lib\/docker\/volumes\/cinder\/_data\/conversion\)/);
    expect(r.out).toMatch(/✔ Pacemaker +not used by this deployment \(kolla-ansible: HA through keepalived and haproxy\)/);
    expect(r.out).toMatch(/^Deployment: kolla-ansible \(set in the inventory\)$/m);
    expect(r.out).toContain('/cluster free-disk node-10');
  }, 60_000);

  it('says healthy on kolla-healthy, every area checked, and exits 0', async () => {
    const r = await cli(['run', '/cluster status', '--sim', 'kolla-healthy'], { STACKMEDIC_DB: join(dir, 'b.sqlite') });
    expect(r.out).toMatch(/HEALTHY: 6 nodes answer, no problems found/);
    // kolla-healthy runs ML2/OVS: only OVN is not checked, for that reason.
    expect(r.out.match(/not checked.*/g)).toEqual([
      'not checked: no OVN (no OVN database or ovn-controller on node-10, node-11, node-12, node-18, node-19, node-20)',
    ]);
    expect(r.code, r.out).toBe(0);
  }, 60_000);
});
