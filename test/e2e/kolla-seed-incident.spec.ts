import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCliInProcess } from '../support/cli.js';

const dir = mkdtempSync(join(tmpdir(), 'stackmedic-kolla-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('stackmedic run "/cluster status" --sim kolla-seed-incident', () => {
  it('names the chain from the full disk under the docker volumes to nova-compute, the deployment, and exits 1', async () => {
    const r = await runCliInProcess(['run', '/cluster status', '--sim', 'kolla-seed-incident'], { STACKMEDIC_DB: join(dir, 'a.sqlite') });
    expect(r.code, r.output).toBe(1);
    expect(r.output).toMatch(/CRITICAL/);
    expect(r.output).toMatch(/Likely cause: Disk full \(df\) on node-10 -> .*RabbitMQ not running on node-10.* -> .*nova-compute reported down on 3 nodes/);
    // du of the known hogs finds the cinder volume's conversion dir on the full root filesystem.
    expect(r.output).toMatch(/✘ Disk +node-10 \/ 100% full, 0 B free \(83\.7 GB in \/var\/lib\/docker\/volumes\/cinder\/_data\/conversion\)/);
    expect(r.output).toMatch(/✔ Pacemaker +not used by this deployment \(kolla-ansible: HA through keepalived and haproxy\)/);
    expect(r.output).toMatch(/^Deployment: kolla-ansible \(set in the inventory\)$/m);
    expect(r.output).toContain('/cluster free-disk node-10');
  }, 60_000);

  it('says healthy on kolla-healthy, every area checked, and exits 0', async () => {
    const r = await runCliInProcess(['run', '/cluster status', '--sim', 'kolla-healthy'], { STACKMEDIC_DB: join(dir, 'b.sqlite') });
    expect(r.output).toMatch(/HEALTHY: 6 nodes answer, no problems found/);
    // kolla-healthy runs ML2/OVS: only OVN is not checked, for that reason.
    expect(r.output.match(/not checked.*/g)).toEqual([
      'not checked: no OVN (no OVN database or ovn-controller on node-10, node-11, node-12, node-18, node-19, node-20)',
    ]);
    expect(r.code, r.output).toBe(0);
  }, 60_000);
});
