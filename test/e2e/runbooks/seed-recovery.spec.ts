import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startRig, type RunbookRig } from './harness.js';

describe('healing the seed outage through stackmedic commands', () => {
  let rig: RunbookRig;
  beforeAll(async () => {
    rig = await startRig({ scenario: 'seed-incident' });
  });
  afterAll(async () => {
    await rig.close();
  });

  it('starts CRITICAL', async () => {
    const h = await rig.health();
    expect(h.verdict).toBe('CRITICAL');
  });

  it('refuses to heal RabbitMQ while the root disk is full, pointing at /cluster free-disk', async () => {
    const { reply } = await rig.run('/rabbit heal node-10');
    expect(reply?.ok).toBe(false);
    expect(reply?.title).toMatch(/refused/i);
    expect(reply?.title).toMatch(/0 B free, below RabbitMQ's disk_free_limit of 5\.0 MB/);
    expect(reply?.text).toContain('Next: /cluster free-disk node-10');
  });

  it('frees the disk, heals RabbitMQ, fixes libvirt on every compute: HEALTHY, every remote command audited', async () => {
    const logStart = rig.sim.commandLog.length;
    const auditStart = (await rig.app.services.audit.list(1))[0]?.id ?? 0;
    const free = await rig.run('/cluster free-disk node-10');
    expect(free.reply?.title, free.reply?.text).toMatch(/done, verified/);
    expect(free.reply?.text).toContain('/var/lib/cinder/conversion/tmpG3Ukq5');

    const heal = await rig.run('/rabbit heal node-10');
    expect(heal.reply?.title, heal.reply?.text).toMatch(/done, verified/);
    expect(heal.reply?.text).toMatch(/stopped: RabbitMQ is not running after a disk alarm/);
    expect(heal.reply?.text).toContain('crm_resource --cleanup --resource p_rabbitmq-server --node node-10');
    expect(heal.reply?.text).toContain('Next: /compute fix-libvirt node-18, then /compute fix-libvirt node-19, then /compute fix-libvirt node-20');
    expect(heal.progress.some((p) => p.startsWith('step 1/'))).toBe(true);

    for (const n of ['node-18', 'node-19', 'node-20']) {
      const fix = await rig.run(`/compute fix-libvirt ${n}`);
      expect(fix.reply?.title, fix.reply?.text).toMatch(/done, verified/);
      expect(fix.reply?.text).toContain(`service nova-compute stop`);
    }
    const logEnd = rig.sim.commandLog.length;
    const h = await rig.health();
    expect(h.problems, JSON.stringify(h.problems, null, 1)).toEqual([]);
    expect(h.verdict).toBe('HEALTHY');

    const invocations = (await rig.app.services.audit.list(500)).filter((e) => e.id > auditStart);
    const audited = invocations.flatMap((e) => e.remote.map((r) => `${r.node} ${r.command}`));
    const sent = rig.sim.commandLog.slice(logStart, logEnd).map((e) => `${e.node} ${e.command}`);
    // The audit trail holds exactly what the nodes received while the runbooks ran.
    expect([...audited].sort()).toEqual([...sent].sort());
    const musts: [string, string][] = [
      ['node-10', 'rm -f -- /var/lib/cinder/conversion/tmpG3Ukq5'],
      ['node-10', 'crm_resource --cleanup --resource p_mysqld --node node-10'],
      ['node-10', 'crm_resource --cleanup --resource p_rabbitmq-server --node node-10'],
      ['node-18', 'service libvirtd start'],
      ['node-20', 'service nova-compute start'],
    ];
    for (const [node, text] of musts)
      expect(
        audited.some((c) => c.startsWith(`${node} `) && c.includes(text)),
        `${node}: ${text}`,
      ).toBe(true);
    const steps = (await rig.app.services.audit.list(500)).filter((e) => e.kind === 'runbook');
    expect(steps.some((e) => /rabbit heal node-10 · step \d+: pacemaker: clean up p_rabbitmq-server/.test(e.command) && e.outcome === 'ok')).toBe(true);
  }, 120_000);
});
