/**
 * OSP 17 (Wallaby), end to end through SSH to the simulator: raft-clustered OVN databases in the
 * ovn_cluster_north_db_server / ovn_cluster_south_db_server containers, ceph through `cephadm shell`
 * (the hosts have no ceph), libvirt's modular daemons in nova_virtqemud; a stopped nova_virtqemud
 * reads critical on its compute and `/compute fix-libvirt` restarts it through its systemd unit.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startRig, type RunbookRig } from './runbooks/harness.js';
import { AREAS, areaBlock, sentTo } from './tripleo-osp-support.js';

describe('/cluster status on tripleo-osp17-healthy', () => {
  let rig: RunbookRig;
  let text = '';
  beforeAll(async () => {
    rig = await startRig({ scenario: 'tripleo-osp17-healthy' });
    text = (await rig.run('/cluster status', { role: 'viewer' })).reply?.text ?? '';
  }, 60_000);
  afterAll(async () => {
    await rig?.close();
  });

  it('checks every area, each ✔, on the nodes that run it', () => {
    for (const a of AREAS) expect(areaBlock(text, a), `${a}\n${text}`).toMatch(/^✔ /);
    expect(text).not.toMatch(/not checked/);
    // No ovn-dbs-bundle on OSP 17: galera, rabbitmq and haproxy only.
    expect(areaBlock(text, 'Pacemaker')).toMatch(/3 nodes online \(and 6 bundle replicas\)/);
    expect(areaBlock(text, 'Ceph')).toMatch(/HEALTH_OK, 3 mons in quorum · checked cluster-wide from node-10/);
  });

  it('reads the raft-clustered OVN databases in their ovn_cluster_* containers, every chassis connected', () => {
    expect(areaBlock(text, 'OVN')).toMatch(
      /NB leader node-10, 3 servers; SB leader node-10, 3 servers; 3 of 3 chassis connected to SB · checked on 3 of 3 controllers/,
    );
    const probe = sentTo(rig.sim.commandLog, 'node-11').find((c) => c.includes('@@ovn-db sb'));
    expect(probe).toMatch(/podman container inspect '?ovn_cluster_south_db_server'? /);
  });

  it('reads virtqemud and virtqemud-sock in nova_virtqemud on every compute', () => {
    expect(areaBlock(text, 'libvirt')).toMatch(/virtqemud running on 3 computes · checked on 3 of 3 computes/);
  });

  it('runs ceph through cephadm shell on the controller it asks', () => {
    expect(sentTo(rig.sim.commandLog, 'node-10').some((c) => c.includes('cephadm shell -- ceph -s -f json'))).toBe(true);
  });
});

describe('tripleo-osp17-virtqemud-down: nova_virtqemud stopped on node-18', () => {
  let rig: RunbookRig;
  beforeAll(async () => {
    rig = await startRig({ scenario: 'tripleo-osp17-virtqemud-down' });
  }, 60_000);
  afterAll(async () => {
    await rig?.close();
  });

  it('reads libvirt critical on node-18 only, naming virtqemud and its socket, and advises /compute fix-libvirt node-18', async () => {
    const r = await rig.run('/cluster status', { role: 'viewer' });
    const text = r.reply?.text ?? '';
    expect(r.reply?.title).toMatch(/^CRITICAL/);
    const libvirt = areaBlock(text, 'libvirt');
    expect(libvirt).toMatch(/^✘ libvirt +node-18: socket \/var\/run\/libvirt\/virtqemud-sock missing, virtqemud not running/);
    expect(libvirt).not.toMatch(/node-19|node-20|libvirtd/);
    expect(text).toMatch(/^ {2}\/compute fix-libvirt node-18$/m);
  });

  it('/compute fix-libvirt node-18 restarts nova_virtqemud through tripleo_nova_virtqemud.service and leaves the cluster healthy', async () => {
    const logStart = rig.sim.commandLog.length;
    const fix = await rig.run('/compute fix-libvirt node-18');
    expect(fix.reply?.title, fix.reply?.text).toMatch(/done, verified/);
    expect(fix.reply?.text).toMatch(/virtqemud runs and \/var\/run\/libvirt\/virtqemud-sock exists on node-18/);
    const sent = sentTo(rig.sim.commandLog.slice(logStart), 'node-18');
    expect(sent.some((c) => c.includes('systemctl restart tripleo_nova_virtqemud.service'))).toBe(true);
    expect(sent.some((c) => c.includes('systemctl stop tripleo_nova_compute.service'))).toBe(true);
    // The probes name nova_libvirt in their fallback branches; what acts never does, nor podman behind systemd's back.
    expect(sent.filter((c) => /systemctl (restart|stop|start) \S*libvirt|podman (restart|stop|start) /.test(c))).toEqual([]);
    const h = await rig.health();
    expect(h.problems, JSON.stringify(h.problems, null, 1)).toEqual([]);
  }, 180_000);
});
