import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp, type StackmedicApp } from '../../src/app/create-app.js';
import { runCli } from '../../src/cli/cli.js';
import { readEnvOptions } from '../../src/config/env.js';
import { IncidentMonitor, IncidentThread, type IncidentStore } from '../../src/incidents/index.js';
import type { Reply } from '../../src/router/types.js';
import { startSimCluster, type SimCluster } from '../../src/sim/index.js';
import { renderReply } from '../../src/slack/render.js';
import { shownText, StrictSlack } from './incidents/slack-fake.js';
import { startRig, type RunbookRig } from './runbooks/harness.js';

/** Runs the CLI in process; returns the exit code and what it printed. */
async function cli(argv: string[], env: NodeJS.ProcessEnv): Promise<{ code: number; out: string }> {
  const stdout = new PassThrough();
  let out = '';
  stdout.on('data', (d: Buffer) => (out += d.toString()));
  const code = await runCli(argv, { env: { HOME: process.env.HOME, ...env }, stdin: new PassThrough(), stdout, stderr: stdout });
  return { code, out };
}

/** The `Next:` commands of a `/cluster status` text reply. */
function nextSteps(text: string): string[] {
  const block = text.split('\nNext:\n')[1] ?? '';
  return block
    .split('\n')
    .filter((l) => l.startsWith('  /'))
    .map((l) => l.trim());
}

/** A plain host service restart, or podman acting on a container pacemaker or systemd runs. */
const BEHIND_THE_MANAGERS_BACK =
  /\b(service \S+ (start|stop|restart)|systemctl (start|stop|restart) (rabbitmq-server|rabbitmq|mariadb|mysql|libvirtd|nova-compute|nova_compute|nova_libvirt)\b|podman (restart|stop|start) |crm )/;

const dir = mkdtempSync(join(tmpdir(), 'stackmedic-tripleo-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('stackmedic run "/cluster status" --sim tripleo-seed-incident', () => {
  it('names the chain from the full disk to nova-compute, the stopped rabbitmq bundle replica, the deployment, and exits 1', async () => {
    const r = await cli(['run', '/cluster status', '--sim', 'tripleo-seed-incident'], { STACKMEDIC_DB: join(dir, 'a.sqlite') });
    expect(r.code, r.out).toBe(1);
    expect(r.out).toMatch(/CRITICAL/);
    expect(r.out).toMatch(/Likely cause: Disk full \(df\) on node-10 -> .*RabbitMQ not running on node-10.* -> .*nova-compute reported down on 3 nodes/);
    expect(r.out).toMatch(/✘ Disk +node-10 \/ 100% full, 0 B free \(83\.7 GB in \/var\/lib\/cinder\/conversion\)/);
    // The bundle's failure is reported on its guest node; stackmedic names the host it runs on.
    expect(r.out).toMatch(/✘ Pacemaker +1 resource stopped on node-10: rabbitmq-bundle/);
    expect(r.out).toMatch(/failed action rabbitmq start on node-10 \(rabbitmq-bundle-0\): No space left on device/);
    expect(r.out).not.toMatch(/rabbitmq-bundle-\d is OFFLINE/);
    expect(r.out).toMatch(/^Deployment: tripleo \(set in the inventory\)$/m);
    expect(nextSteps(r.out).slice(0, 1)).toEqual(['/cluster free-disk node-10']);
  }, 60_000);

  it('says healthy on tripleo-healthy, every area checked, and exits 0', async () => {
    const r = await cli(['run', '/cluster status', '--sim', 'tripleo-healthy'], { STACKMEDIC_DB: join(dir, 'b.sqlite') });
    // Six cluster nodes and the undercloud, which the simulated TripleO cluster has since nova and
    // neutron are read there (test/e2e/tripleo-undercloud.spec.ts): it is named, not probed.
    expect(r.out).toMatch(
      /HEALTHY: 7 nodes answer, no problems found; undercloud: the deployment host, not a cluster node \(TripleO's undercloud, no cluster role\)/,
    );
    // tripleo-healthy runs ML2/OVS (the ovn-dbs-bundle is tripleo-osp16-*'s): only OVN is not checked, for that reason.
    expect(r.out.match(/not checked.*/g)).toEqual([expect.stringMatching(/^not checked: no OVN \(/)]);
    expect(r.out).toMatch(/✔ Pacemaker +3 nodes online \(and 6 bundle replicas\), \d+ resources started/);
    expect(r.code, r.out).toBe(0);
  }, 60_000);
});

describe('healing the seed outage on TripleO by following stackmedic’s own advice', () => {
  let rig: RunbookRig;
  beforeAll(async () => {
    rig = await startRig({ scenario: 'tripleo-seed-incident' });
  });
  afterAll(async () => {
    await rig?.close();
  });

  it('probes run the tools inside the bundle replica and the plain containers', async () => {
    const { reply } = await rig.run('/cluster status', { role: 'viewer' });
    expect(reply?.title).toMatch(/^CRITICAL/);
    // node-11 is the second controller: pacemaker runs its replica as rabbitmq-bundle-podman-1.
    expect(rig.sim.commandLog.some((c) => c.node === 'node-11' && c.command.includes('podman container inspect rabbitmq-bundle-podman-$n'))).toBe(true);
    expect(rig.sim.state.nodes.get('node-11')?.deployment).toBe('tripleo');
    expect((reply?.data as { deployment: { deployment: string } }).deployment.deployment).toBe('tripleo');
  });

  it('names the deployment in the Slack message too, as its closing context line', async () => {
    const { reply } = await rig.run('/cluster status', { role: 'viewer' });
    if (!reply) throw new Error('no reply');
    const blocks = renderReply(reply).main.blocks as { type: string; elements?: { text?: string }[] }[];
    const contexts = blocks.filter((b) => b.type === 'context').map((b) => b.elements?.[0]?.text ?? '');
    expect(contexts).toContain('Deployment: *tripleo* (set in the inventory)');
  });

  it('refuses /rabbit heal while the disk is full, pointing at /cluster free-disk', async () => {
    const { reply } = await rig.run('/rabbit heal node-10');
    expect(reply?.ok).toBe(false);
    expect(reply?.title).toMatch(/refused/i);
    expect(reply?.text).toContain('Next: /cluster free-disk node-10');
  });

  it('each first Next step of /cluster status, run in turn, ends HEALTHY; pacemaker and systemd act, never podman or a host service', async () => {
    const logStart = rig.sim.commandLog.length;
    const ran: string[] = [];
    for (let round = 0; round < 8; round++) {
      const status = await rig.run('/cluster status', { role: 'viewer' });
      if (status.reply?.title.startsWith('HEALTHY')) break;
      const step = nextSteps(status.reply?.text ?? '').find((s) => !ran.includes(s));
      expect(step, status.reply?.text).toBeDefined();
      if (!step) break;
      ran.push(step);
      const fix = await rig.run(step);
      expect(fix.reply?.title, `${step}\n${fix.reply?.text ?? ''}`).toMatch(/done, verified/);
    }
    const h = await rig.health();
    expect(h.problems, JSON.stringify(h.problems, null, 1)).toEqual([]);
    expect(h.verdict).toBe('HEALTHY');
    // Pacemaker's own restart on node-10 (pcs cluster stop, start) brings the replica back once the disk is free (the
    // /rabbit heal way, pcs on the bundle, is the next describe's).
    expect(ran).toEqual([
      '/cluster free-disk node-10',
      '/pacemaker restart node-10',
      '/compute fix-libvirt node-18',
      '/compute fix-libvirt node-19',
      '/compute fix-libvirt node-20',
    ]);
    const sent = rig.sim.commandLog.slice(logStart).map((e) => `${e.node} ${e.command}`);
    expect(sent.filter((c) => BEHIND_THE_MANAGERS_BACK.test(c))).toEqual([]);
    for (const [node, text] of [
      ['node-10', 'rm -f -- /var/lib/cinder/conversion/tmpG3Ukq5'],
      ['node-10', 'pcs cluster stop && pcs cluster start'],
      ['node-18', 'systemctl stop tripleo_nova_compute.service'],
      ['node-18', 'systemctl restart tripleo_nova_libvirt.service'],
      ['node-20', 'systemctl start tripleo_nova_compute.service'],
    ] as const)
      expect(
        sent.some((c) => c.startsWith(`${node} `) && c.includes(text)),
        `${node}: ${text}`,
      ).toBe(true);
  }, 180_000);
});

describe('/rabbit heal on TripleO acts through pcs on the rabbitmq bundle', () => {
  let rig: RunbookRig;
  beforeAll(async () => {
    rig = await startRig({ scenario: 'tripleo-seed-incident' });
  });
  afterAll(async () => {
    await rig?.close();
  });

  it('cleans up the bundle replica on node-10 once the disk is free, then rabbitmqctl in the replica says it runs', async () => {
    const free = await rig.run('/cluster free-disk node-10');
    expect(free.reply?.title, free.reply?.text).toMatch(/done, verified/);
    const logStart = rig.sim.commandLog.length;
    const heal = await rig.run('/rabbit heal node-10');
    expect(heal.reply?.title, heal.reply?.text).toMatch(/done, verified/);
    expect(heal.reply?.text).toMatch(/stopped: RabbitMQ is not running after a disk alarm/);
    expect(heal.reply?.text).toContain('pcs resource cleanup rabbitmq-bundle node=node-10');
    const sent = rig.sim.commandLog.slice(logStart).map((e) => `${e.node} ${e.command}`);
    expect(sent.filter((c) => BEHIND_THE_MANAGERS_BACK.test(c))).toEqual([]);
    expect(sent.some((c) => c.startsWith('node-10 ') && c.includes('pcs resource cleanup rabbitmq-bundle node=node-10'))).toBe(true);
  }, 120_000);
});

describe('/pacemaker cleanup on TripleO cleans up through pcs, failures on the guest counted for their host', () => {
  let rig: RunbookRig;
  beforeAll(async () => {
    rig = await startRig({ scenario: 'tripleo-seed-incident' });
  });
  afterAll(async () => {
    await rig?.close();
  });

  it('cleans up the rabbitmq bundle on node-10 once the disk is free, and verifies no failure is left there', async () => {
    const free = await rig.run('/cluster free-disk node-10');
    expect(free.reply?.title, free.reply?.text).toMatch(/done, verified/);
    const logStart = rig.sim.commandLog.length;
    const cleanup = await rig.run('/pacemaker cleanup node-10 rabbitmq-bundle');
    expect(cleanup.reply?.title, cleanup.reply?.text).toMatch(/done, verified/);
    const sent = rig.sim.commandLog.slice(logStart).map((e) => `${e.node} ${e.command}`);
    expect(sent.some((c) => c.startsWith('node-10 ') && c.includes('pcs resource cleanup rabbitmq-bundle node=node-10'))).toBe(true);
    expect(sent.filter((c) => /crm_resource --cleanup/.test(c))).toEqual([]);
    expect(rig.sim.state.nodes.get('node-10')?.rabbit.appRunning).toBe(true);
  }, 120_000);
});

describe('incidents on the simulated TripleO seed outage', () => {
  const CHANNEL = 'CINCIDENTS';
  const RESOLVE_AFTER_MINUTES = 10;
  let sim: SimCluster;
  let app: StackmedicApp;
  let store: IncidentStore;
  let monitor: IncidentMonitor;
  let slack: StrictSlack;
  let skewMs = 0;

  async function run(text: string): Promise<Reply> {
    const result = await app.router.dispatch({
      text,
      actor: { id: 'U-alice', name: 'alice', via: 'slack', channel: CHANNEL },
      role: 'operator',
      confirmed: true,
    });
    if (result.kind !== 'reply') throw new Error(`${text}: expected a reply, got ${result.kind}`);
    return result.reply;
  }

  beforeAll(async () => {
    sim = await startSimCluster({ scenario: 'tripleo-seed-incident' });
    const clock = (): Date => new Date(sim.state.clock.now() + skewMs);
    app = createApp({ inventory: sim.inventory, env: readEnvOptions({ STACKMEDIC_DB: join(dir, 'incidents.sqlite') }), clock });
    store = app.services.incidents;
    slack = new StrictSlack();
    slack.install();
    monitor = new IncidentMonitor({
      inventory: sim.inventory,
      executor: app.pool,
      catalog: app.services.catalog,
      store,
      audit: app.services.audit,
      clock,
      policy: { resolveAfterMs: RESOLVE_AFTER_MINUTES * 60_000, reopenWithinMs: 60 * 60_000 },
      check: { evidenceHours: 48 },
      thread: new IncidentThread({ publisher: slack.poster(), store, channel: CHANNEL, clock, resolveAfterMinutes: RESOLVE_AFTER_MINUTES }),
      log: () => undefined,
    });
  });
  afterAll(async () => {
    slack?.uninstall();
    await app?.close();
    await sim?.stop();
  });

  it('opens one incident whose chain starts at the full disk on node-10, with evidence from /var/log/containers', async () => {
    slack.expect('chat.postMessage', 2);
    const pass = await monitor.run();
    expect(slack.unexpected).toEqual([]);
    expect(pass.opened).toHaveLength(1);
    const incident = await store.get(pass.opened[0] as number);
    expect(incident?.status).toBe('open');
    expect(incident?.chainText).toMatch(/^.*on node-10 -> .*RabbitMQ.* on node-10.* -> .*nova-compute reported down on 3 nodes/);
    const summary = shownText(slack.of('chat.postMessage')[0] ?? { method: '', body: {}, ts: '' });
    expect(summary).toMatch(/node-10 \/ 100% full/);
    expect(summary).toMatch(/`node-10:\/var\/log\/containers\/rabbitmq\/rabbit@node-10\.log:\d+`/);
    expect(summary).not.toMatch(/node-10:\/var\/log\/rabbitmq\//);
  }, 60_000);

  it('resolves after the fixes and the green window', async () => {
    for (const command of [
      '/cluster free-disk node-10',
      '/rabbit heal node-10',
      '/compute fix-libvirt node-18',
      '/compute fix-libvirt node-19',
      '/compute fix-libvirt node-20',
    ]) {
      const reply = await run(command);
      expect(reply.title, reply.text).toMatch(/done, verified/);
    }
    skewMs += 60_000;
    slack.expect('chat.update', 1);
    slack.expect('chat.postMessage', 6);
    const green = await monitor.run();
    expect(green.decisions).toEqual([expect.objectContaining({ kind: 'green', incidentId: 1, started: true })]);
    skewMs += RESOLVE_AFTER_MINUTES * 60_000;
    slack.expect('chat.update', 1);
    slack.expect('chat.postMessage', 1);
    const resolved = await monitor.run();
    expect(resolved.decisions).toEqual([expect.objectContaining({ kind: 'resolve', incidentId: 1 })]);
    expect(slack.unexpected).toEqual([]);
    expect((await store.get(1))?.status).toBe('resolved');
  }, 180_000);

  it('/trace finds a request in the logs of every service under /var/log/containers', async () => {
    const reply = await run('/trace request req-ce7dded1-c999-43f2-9ed0-ff7d53fda6f7');
    expect(reply.ok, reply.text).toBe(true);
    const data = reply.data as { lines: { node: string; file: string }[] };
    expect(data.lines.length).toBeGreaterThan(0);
    expect(data.lines.every((l) => l.file.startsWith('/var/log/containers/'))).toBe(true);
  }, 60_000);
});
