import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startRig, type RunbookRig } from './harness.js';

/**
 * The seed outage on kolla-ansible (`kolla-seed-incident`), healed by following stackmedic's own
 * advice: every fix acts through the containers (docker exec / docker restart), never a host service
 * and never pacemaker, which kolla does not run.
 */
describe('healing the seed outage on kolla-ansible through stackmedic commands', () => {
  let rig: RunbookRig;
  beforeAll(async () => {
    rig = await startRig({ scenario: 'kolla-seed-incident' });
  });
  afterAll(async () => {
    await rig.close();
  });

  it('/cluster status names the deployment, the chain and the next commands; pacemaker is not used, not missing', async () => {
    const { reply } = await rig.run('/cluster status', { role: 'viewer' });
    expect(reply?.title).toMatch(/^CRITICAL/);
    expect(reply?.text).toMatch(/Likely cause: Disk full \(df\) on node-10 -> .*RabbitMQ not running on node-10.* -> .*nova-compute reported down/);
    expect(reply?.text).toMatch(/✔ Pacemaker +not used by this deployment \(kolla-ansible/);
    expect(reply?.text).toMatch(/RabbitMQ not running on node-10/);
    expect(reply?.text).toContain('/cluster free-disk node-10');
    expect(reply?.text).toMatch(/Deployment: kolla-ansible/);
    // The probes asked the containers, not host tools kolla does not install.
    expect(rig.sim.commandLog.some((c) => c.node === 'node-11' && /docker exec rabbitmq sh -c 'rabbitmqctl cluster_status/.test(c.command))).toBe(true);
    expect(rig.sim.commandLog.some((c) => c.node === 'node-18' && /docker exec nova_libvirt sh -c/.test(c.command))).toBe(true);
  });

  it('refuses to heal RabbitMQ while the disk under the docker volumes is full, pointing at /cluster free-disk', async () => {
    const { reply } = await rig.run('/rabbit heal node-10');
    expect(reply?.ok).toBe(false);
    expect(reply?.title).toMatch(/refused/i);
    expect(reply?.text).toContain('Next: /cluster free-disk node-10');
  });

  it('refuses /pacemaker restart and cleanup: pacemaker is not used by this deployment, nothing is run', async () => {
    const before = rig.sim.commandLog.length;
    for (const command of ['/pacemaker restart node-11', '/pacemaker cleanup node-11']) {
      const { reply } = await rig.run(command);
      expect(reply?.ok, command).toBe(false);
      expect(reply?.text, command).toMatch(/pacemaker is not used by this deployment \(kolla-ansible on node-11/);
    }
    expect(rig.sim.commandLog.slice(before).filter((c) => /pacemaker (re)?start|crm_resource|crm /.test(c.command))).toEqual([]);
  });

  it('frees the cinder volume, restarts the rabbitmq container, restarts nova_libvirt and nova_compute: HEALTHY, all audited', async () => {
    const logStart = rig.sim.commandLog.length;
    const auditStart = (await rig.app.services.audit.list(1))[0]?.id ?? 0;
    const free = await rig.run('/cluster free-disk node-10');
    expect(free.reply?.title, free.reply?.text).toMatch(/done, verified/);
    expect(free.reply?.text).toContain('/var/lib/docker/volumes/cinder/_data/conversion/tmpG3Ukq5');

    const heal = await rig.run('/rabbit heal node-10');
    expect(heal.reply?.title, heal.reply?.text).toMatch(/done, verified/);
    expect(heal.reply?.text).toContain('docker restart rabbitmq');
    // The why comes from the broker's own log, read in kolla's layout.
    expect(heal.reply?.text).toMatch(/stopped: RabbitMQ is not running after a disk alarm/);
    expect(heal.reply?.text).toMatch(/Next: \/compute fix-libvirt node-18/);

    for (const n of ['node-18', 'node-19', 'node-20']) {
      const fix = await rig.run(`/compute fix-libvirt ${n}`);
      expect(fix.reply?.title, fix.reply?.text).toMatch(/done, verified/);
      expect(fix.reply?.text).toContain('docker restart nova_libvirt');
    }
    const logEnd = rig.sim.commandLog.length;
    const h = await rig.health();
    expect(h.problems, JSON.stringify(h.problems, null, 1)).toEqual([]);
    expect(h.verdict).toBe('HEALTHY');

    const invocations = (await rig.app.services.audit.list(500)).filter((e) => e.id > auditStart);
    const audited = invocations.flatMap((e) => e.remote.map((r) => `${r.node} ${r.command}`));
    const sent = rig.sim.commandLog.slice(logStart, logEnd).map((e) => `${e.node} ${e.command}`);
    expect([...audited].sort()).toEqual([...sent].sort());
    const musts: [string, string][] = [
      ['node-10', 'rm -f -- /var/lib/docker/volumes/cinder/_data/conversion/tmpG3Ukq5'],
      ['node-10', 'docker restart rabbitmq'],
      ['node-18', 'docker stop nova_compute'],
      ['node-18', 'docker restart nova_libvirt'],
      ['node-20', 'docker start nova_compute'],
    ];
    for (const [node, text] of musts)
      expect(
        audited.some((c) => c.startsWith(`${node} `) && c.includes(text)),
        `${node}: ${text}`,
      ).toBe(true);
    // Never a host service restart nor pacemaker against a kolla node.
    expect(
      sent.filter((c) =>
        /\b(service \S+ (start|stop|restart)|systemctl (start|stop|restart) (rabbitmq-server|libvirtd|nova-compute)|crm_resource|crm )/.test(c),
      ),
    ).toEqual([]);
  }, 120_000);
});
