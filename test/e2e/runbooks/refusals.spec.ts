import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { realRunbookTiming } from '../../../src/runbooks/command.js';
import { execOnNode } from '../../../src/sim/index.js';
import { startRig, writeCommands, type RunbookRig } from './harness.js';

async function onNode(rig: RunbookRig, node: string, command: string): Promise<void> {
  const n = rig.sim.state.nodes.get(node);
  if (!n) throw new Error(`no node ${node}`);
  const r = await execOnNode(rig.sim.state, n, command);
  if (r.code !== 0) throw new Error(`${command} on ${node}: ${r.stderr}`);
}

describe('runbooks on the seed outage: refusals, locks, dry runs, failures', () => {
  let rig: RunbookRig;
  beforeAll(async () => {
    rig = await startRig({ scenario: 'seed-incident' });
  });
  afterAll(async () => {
    await rig.close();
  });
  afterEach(() => {
    Object.assign(rig.timing, realRunbookTiming);
  });

  it('denies a viewer, before anything runs on a node', async () => {
    const before = rig.sim.commandLog.length;
    const { reply } = await rig.run('/rabbit heal node-10', { role: 'viewer' });
    expect(reply?.title).toBe('Not allowed: /rabbit heal needs the operator role; you are a viewer.');
    expect(rig.sim.commandLog.length).toBe(before);
  });

  it('shows the plan for confirmation without changing anything', async () => {
    const before = rig.sim.commandLog.length;
    const r = await rig.run('/cluster free-disk node-10', { confirmed: false });
    expect(r.result.kind).toBe('confirm');
    if (r.result.kind !== 'confirm') return;
    expect(r.result.plan.actions).toEqual([
      expect.objectContaining({ node: 'node-10', command: expect.stringContaining('rm -f -- /var/lib/cinder/conversion/tmpG3Ukq5') as unknown }),
    ]);
    expect(writeCommands(rig.sim, before)).toEqual([]);
  });

  it('a dry run lists every node and exact command, runs only reads, and changes nothing', async () => {
    const before = rig.sim.commandLog.length;
    const { reply } = await rig.run('/cluster free-disk node-10 --dry-run');
    expect(reply?.title).toBe('Free disk on node-10: dry run (checks only, nothing changed).');
    expect(reply?.text).toContain('○ 3. remove cinder conversion leftover /var/lib/cinder/conversion/tmpG3Ukq5 (83.7 GB) on node-10 [node-10]');
    // The exact command: every check runs on the node in the same command as the rm.
    expect(reply?.text).toContain('$ { realpath -e -- /var/lib/cinder/conversion/tmpG3Ukq5 2>/dev/null | grep -qxF -e /var/lib/cinder/conversion/tmpG3Ukq5; }');
    expect(reply?.text).toMatch(/grep -qxF -e '64768:\d+:regular file'; }/);
    expect(reply?.text).toContain('; fi; rm -f -- /var/lib/cinder/conversion/tmpG3Ukq5\n');
    expect(writeCommands(rig.sim, before)).toEqual([]);
    expect(rig.sim.state.nodes.get('node-10')?.fs.exists('/var/lib/cinder/conversion/tmpG3Ukq5')).toBe(true);
  });

  it('refuses /compute fix-libvirt while RabbitMQ is broken, naming the heal to run first', async () => {
    const { reply } = await rig.run('/compute fix-libvirt node-18');
    expect(reply?.title).toMatch(/refused: nova-compute cannot report up while RabbitMQ is broken on node-10/);
    expect(reply?.text).toContain('Next: /rabbit heal node-10');
  });

  it('refuses fix-libvirt on a controller and a resource id that is not one', async () => {
    expect((await rig.run('/compute fix-libvirt node-10')).reply?.title).toMatch(/node-10/);
    expect((await rig.run('/compute fix-libvirt node-10')).reply?.ok).toBe(false);
    const bad = await rig.run('/pacemaker cleanup node-10 9p_bad');
    expect(bad.reply?.ok).toBe(false);
    expect(bad.reply?.title).toBe('RESOURCE must be a pacemaker resource id (letters, digits, _ . : -)');
    const unknown = await rig.run('/pacemaker cleanup node-10 p_nosuch');
    expect(unknown.reply?.title).toMatch(/refused: no resource p_nosuch in pacemaker/);
    expect(unknown.reply?.text).toContain('p_rabbitmq-server');
  });

  it('stops a verify that never passes with the node state and the next step', async () => {
    let fake = 0;
    rig.timing.now = () => fake;
    rig.timing.sleep = async (ms) => {
      fake += ms;
    };
    // The disk is still full: pacemaker retries Galera, which fails again, every time.
    const { reply } = await rig.run('/pacemaker cleanup node-10 p_mysqld');
    expect(reply?.ok).toBe(false);
    expect(reply?.title).toMatch(/FAILED: step 4 \(p_mysqld is started on node-10 with no failure\) did not pass within 180 s/);
    expect(reply?.text).toMatch(/State now: node-10 online; .*failed actions: .*p_mysqld start: No space left on device/);
    expect(reply?.text).toMatch(/Next: the failure came back: its cause is still there/);
  });

  it('refuses a second heal of the same node while the first runs, naming the holder', async () => {
    await rig.run('/cluster free-disk node-10');
    // The first heal is held inside its act step (its lock taken) until the second was refused:
    // no timer decides which one gets there first.
    const hold = rig.sim.holdCommands('node-10', /crm_resource --cleanup/);
    try {
      const first = rig.app.router.dispatch({
        text: '/rabbit heal node-10',
        actor: { id: 'U-alice', name: 'alice', via: 'slack' },
        role: 'operator',
        confirmed: true,
      });
      await hold.arrived;
      const second = await rig.run('/rabbit heal node-10', { actor: 'bob' });
      expect(second.reply?.title).toMatch(
        /^node-10 is busy: \/rabbit heal node-10 by alice \(audit #\d+\) since \d\d:\d\d:\d\d UTC\. Wait for it to finish\.$/,
      );
      hold.release();
      const r = await first;
      expect(r.kind === 'reply' && r.reply.title).toMatch(/done, verified/);
    } finally {
      hold.release();
    }
  }, 60_000);
});

describe('the quorum guard on a healthy cluster', () => {
  let rig: RunbookRig;
  beforeAll(async () => {
    rig = await startRig({ scenario: 'healthy' });
  });
  afterAll(async () => {
    await rig.close();
  });

  it('refuses to take a second member down while another is down, and lets the down one be healed', async () => {
    await onNode(rig, 'node-11', 'rabbitmqctl stop_app');
    const before = rig.sim.commandLog.length;
    const { reply } = await rig.run('/pacemaker restart node-12');
    expect(reply?.ok).toBe(false);
    expect(reply?.title).toMatch(
      /refused: taking node-12's pacemaker\/RabbitMQ\/Galera down now could lose quorum, because another member is already down or restarting \(node-11: RabbitMQ rabbit application stopped\)/,
    );
    expect(reply?.text).toContain('Next: /rabbit heal node-11');
    expect(writeCommands(rig.sim, before)).toEqual([]);

    const heal = await rig.run('/rabbit heal node-11');
    expect(heal.reply?.title, heal.reply?.text).toMatch(/done, verified/);
    // Under pacemaker the resource agent starts it; a plain start_app would fight pacemaker.
    expect(heal.reply?.text).toContain('crm_resource --cleanup --resource p_rabbitmq-server --node node-11');
    const restart = await rig.run('/pacemaker restart node-12');
    expect(restart.reply?.title, restart.reply?.text).toMatch(/done, verified/);
    expect(restart.reply?.text).toContain('systemctl restart pacemaker');
  });
});

describe('other RabbitMQ failure modes and init systems', () => {
  it('heals inconsistent_cluster: no forget where the member already forgot the node, then reset and rejoin', async () => {
    const rig = await startRig({ scenario: 'rabbit-inconsistent-cluster' });
    try {
      const { reply } = await rig.run('/rabbit heal node-10');
      expect(reply?.title, reply?.text).toMatch(/done, verified/);
      expect(reply?.text).toMatch(/inconsistent-cluster: rabbit@node-10 thinks it is clustered with rabbit@node-11, but rabbit@node-11 disagrees/);
      expect(reply?.text).not.toContain('forget_cluster_node');
      const sent = rig.sim.commandLog.filter((e) => e.node === 'node-10').map((e) => e.command);
      expect(sent.filter((c) => /rabbitmqctl (stop_app|reset|join_cluster|start_app)/.test(c))).toEqual([
        'rabbitmqctl stop_app',
        'rabbitmqctl reset',
        'rabbitmqctl join_cluster rabbit@node-11',
        'rabbitmqctl start_app',
      ]);
      const h = await rig.health();
      expect(h.verdict, JSON.stringify(h.problems)).toBe('HEALTHY');
    } finally {
      await rig.close();
    }
  });

  it('fixes libvirt with systemctl on systemd computes', async () => {
    const rig = await startRig({ scenario: 'libvirt-socket-missing' });
    try {
      const target = rig.sim.state.computes[0]?.name ?? '';
      const { reply } = await rig.run(`/compute fix-libvirt ${target}`);
      expect(reply?.title, reply?.text).toMatch(/done, verified/);
      expect(reply?.text).toContain('systemctl start libvirtd');
      expect(reply?.text).toContain('systemctl start nova-compute');
    } finally {
      await rig.close();
    }
  });
});

describe('free-disk when cinder-volume still holds the conversion file', () => {
  it('refuses to remove a file a process holds open, naming the pid, and removes nothing', async () => {
    const rig = await startRig({ scenario: 'seed-incident', holdConversionFile: true });
    try {
      const before = rig.sim.commandLog.length;
      const { reply } = await rig.run('/cluster free-disk node-10');
      expect(reply?.title).toMatch(
        /^Free disk on node-10: refused: every cinder conversion leftover on node-10 is held open \(\/var\/lib\/cinder\/conversion\/tmpG3Ukq5 by pid \d+\): removing it would free nothing/,
      );
      expect(reply?.text).toContain('Next: wait for the volume creation to finish or fail, or restart cinder-volume on node-10');
      expect(writeCommands(rig.sim, before)).toEqual([]);
      const status = await rig.run('/rabbit status', { role: 'viewer' });
      expect(status.reply?.ok).toBe(false);
      expect(status.reply?.title).toMatch(/^RabbitMQ: problems on node-10, node-11, node-12: node-10 down; .*Fix with \/rabbit heal node-10$/);
    } finally {
      await rig.close();
    }
  });
});
