/**
 * OSP 16 (Train) on ML2/OVN, end to end through SSH to the simulator: the OVN databases in
 * pacemaker's ovn-dbs-bundle (active/backup `sync-status` read in each controller's replica),
 * ovn_controller on the computes, ceph in ceph-ansible's `ceph-mon-<host>` containers (the hosts
 * have no ceph), libvirtd in nova_libvirt; and a backup that stopped replicating reads critical.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startRig, type RunbookRig } from './runbooks/harness.js';
import { AREAS, areaBlock, sentTo } from './tripleo-osp-support.js';

describe('/cluster status on tripleo-osp16-healthy', () => {
  let rig: RunbookRig;
  let text = '';
  beforeAll(async () => {
    rig = await startRig({ scenario: 'tripleo-osp16-healthy' });
    text = (await rig.run('/cluster status', { role: 'viewer' })).reply?.text ?? '';
  }, 60_000);
  afterAll(async () => {
    await rig?.close();
  });

  it('checks every area, each ✔, on the nodes that run it', () => {
    for (const a of AREAS) expect(areaBlock(text, a), `${a}\n${text}`).toMatch(/^✔ /);
    expect(text).not.toMatch(/not checked/);
    expect(areaBlock(text, 'Pacemaker')).toMatch(/3 nodes online \(and 9 bundle replicas\)/);
    expect(areaBlock(text, 'Ceph')).toMatch(/HEALTH_OK, 3 mons in quorum/);
    expect(areaBlock(text, 'libvirt')).toMatch(/libvirtd running on 3 computes · checked on 3 of 3 computes/);
  });

  it('reads the ovn-dbs-bundle as one active server and two backups, every chassis connected', () => {
    expect(areaBlock(text, 'OVN')).toMatch(
      /NB active on node-10, 2 backups; SB active on node-10, 2 backups; 3 of 3 chassis connected to SB · checked on 3 of 3 controllers/,
    );
  });

  it("lists node-11's ovn-dbs-bundle replica among the bundles /cluster node shows", async () => {
    const r = await rig.run('/cluster node node-11', { role: 'viewer' });
    expect(r.reply?.text ?? '').toMatch(/ovn-dbs-bundle/);
  });

  it('runs sync-status in the node replica of ovn-dbs-bundle and ceph in ceph-mon-<host> (the host has no ceph)', () => {
    for (const node of ['node-10', 'node-11', 'node-12']) {
      const probe = sentTo(rig.sim.commandLog, node).find((c) => c.includes('@@ovn-db nb'));
      expect(probe, node).toMatch(/podman container inspect ovn-dbs-bundle-podman-\$n/);
      expect(probe, node).toMatch(/ovn-appctl -t \/var\/run\/ovn\/ovnnb_db\.ctl ovsdb-server\/sync-status/);
    }
    expect(sentTo(rig.sim.commandLog, 'node-10').some((c) => c.includes("grep '^c=ceph-mon-'"))).toBe(true);
  });
});

describe('/cluster status on tripleo-osp16-ovn-backup-lost', () => {
  let rig: RunbookRig;
  beforeAll(async () => {
    rig = await startRig({ scenario: 'tripleo-osp16-ovn-backup-lost' });
  }, 60_000);
  afterAll(async () => {
    await rig?.close();
  });

  it('reads the backup that lost the active server critical, naming its node and the VIP it replicated from', async () => {
    const r = await rig.run('/cluster status', { role: 'viewer' });
    const text = r.reply?.text ?? '';
    expect(r.reply?.title).toMatch(/^CRITICAL/);
    const ovn = areaBlock(text, 'OVN');
    expect(ovn).toMatch(/^✘ OVN/);
    expect(ovn).toMatch(/OVN_Northbound backup on node-12 is not connected \(tcp:192\.168\.0\.4:6641\)/);
    expect(ovn).toMatch(/OVN_Southbound backup on node-12 is not connected \(tcp:192\.168\.0\.4:6642\)/);
    expect(ovn).not.toMatch(/node-11/);
    const h = await rig.health();
    expect(h.problems.filter((p) => p.severity === 'critical').flatMap((p) => p.nodes)).toEqual(['node-12', 'node-12']);
  });
});
