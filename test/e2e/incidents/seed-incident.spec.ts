import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp, type StackmedicApp } from '../../../src/app/create-app.js';
import { readEnvOptions } from '../../../src/config/env.js';
import { IncidentMonitor, IncidentThread, measureLogFetch, type IncidentStore } from '../../../src/incidents/index.js';
import { openDatabase } from '../../../src/store/database.js';
import { SqliteStore } from '../../../src/store/sqlite-store.js';
import { migrations } from '../../../src/store/migrations.js';
import type { Reply } from '../../../src/router/types.js';
import { startSimCluster, type SimCluster } from '../../../src/sim/index.js';
import { shownText, StrictSlack } from './slack-fake.js';

const CHANNEL = 'CINCIDENTS';
const RESOLVE_AFTER_MINUTES = 10;

let sim: SimCluster;
let app: StackmedicApp;
let store: IncidentStore;
let monitor: IncidentMonitor;
let slack: StrictSlack;
let dir: string;
let dbPath: string;
/** The bot's clock is the simulator's plus what the test skips ahead (the green window). */
let skewMs = 0;
const logs: string[] = [];
let topTs = '';

async function run(text: string, actor = 'alice'): Promise<Reply> {
  const result = await app.router.dispatch({
    text,
    actor: { id: `U-${actor}`, name: actor, via: 'slack', channel: CHANNEL },
    role: 'operator',
    confirmed: true,
  });
  if (result.kind !== 'reply') throw new Error(`${text}: expected a reply, got ${result.kind}`);
  return result.reply;
}

beforeAll(async () => {
  sim = await startSimCluster({ scenario: 'seed-incident' });
  dir = mkdtempSync(join(tmpdir(), 'stackmedic-incidents-e2e-'));
  dbPath = join(dir, 'stackmedic.sqlite');
  const clock = (): Date => new Date(sim.state.clock.now() + skewMs);
  app = createApp({ inventory: sim.inventory, env: readEnvOptions({ STACKMEDIC_DB: dbPath }), clock });
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
    log: (line) => logs.push(line),
  });
});

afterAll(async () => {
  slack?.uninstall();
  await app?.close();
  await sim?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('incidents on the simulated seed-incident cluster', () => {
  it('opens exactly one incident and one Slack thread, with the chain from the full root disk on node-10 down to nova-compute', async () => {
    slack.expect('chat.postMessage', 2);
    const pass = await monitor.run();
    expect(slack.unexpected).toEqual([]);
    expect(slack.pending()).toEqual([]);
    expect(pass.opened).toHaveLength(1);
    expect(await store.list()).toHaveLength(1);

    const incident = await store.get(pass.opened[0] as number);
    expect(incident?.status).toBe('open');
    expect(incident?.severity).toBe('critical');
    expect(incident?.root).toEqual({ signature: 'root-disk-full', node: 'node-10' });
    const chain = [incident?.chain?.root.signature, ...(incident?.chain?.links.map((l) => l.signature) ?? [])];
    expect(chain[0]).toBe('root-disk-full');
    expect(chain).toEqual(expect.arrayContaining(['rabbit-disk-alarm', 'rabbit-stopped', 'amqp-unreachable', 'neutron-agent-down', 'nova-compute-down']));
    expect(chain.indexOf('rabbit-disk-alarm')).toBeLessThan(chain.indexOf('amqp-unreachable'));
    expect(chain.at(-1)).toBe('nova-compute-down');
    expect(incident?.chainText).toMatch(/^Root disk full \(ENOSPC\) on node-10 -> RabbitMQ disk alarm on node-10.* -> nova-compute reported down on 3 nodes$/);
    // The computes' missing libvirt socket and node-10's ceph-mon are part of the same outage, not incidents of their own.
    const signatures = new Set((await store.evidence(incident?.id ?? 0)).map((e) => e.signature));
    for (const s of ['libvirt-socket-gone', 'ceph-mon-down', 'disk-full-now', 'rabbit-enospc-shutdown', 'nova-compute-libvirt-socket'])
      expect(signatures).toContain(s);

    const [top, evidence] = slack.of('chat.postMessage');
    expect(top?.body.channel).toBe(CHANNEL);
    expect(top?.body.thread_ts).toBeUndefined();
    expect(top?.body.text).toBe('Incident #1 (critical): Root disk full (ENOSPC) on node-10');
    const summary = shownText(top ?? { method: '', body: {}, ts: '' });
    expect(summary).toContain('*Impact*');
    expect(summary).toMatch(/node-10 \/ 100% full/);
    expect(summary).toContain(':boom: Root disk full (ENOSPC) on node-10 _(first 2017-02-14 05:49:45)_');
    expect(summary).toContain('nova-compute reported down on node-18, node-19, node-20');
    expect(summary).toMatch(/`node-10:\/var\/log\/rabbitmq\/rabbit@node-10\.log:\d+` 2017-02-14 05:49:45 Root disk full/);
    expect(summary).toMatch(/`node-10:\/var\/log\/cinder\/cinder-volume\.log:\d+` 2017-02-14 10:35:53 Root disk full/);
    expect(summary).toContain('`/cluster free-disk node-10`');
    expect(summary).toContain('Run /cluster free-disk node-10');
    const buttons = (top?.body.blocks as { type: string; elements?: { action_id?: string; value?: string }[] }[])
      .filter((b) => b.type === 'actions')
      .flatMap((b) => b.elements ?? []);
    expect(buttons[0]).toMatchObject({ action_id: 'stackmedic_run', value: '/cluster free-disk node-10' });
    topTs = top?.ts ?? '';
    expect(evidence?.body.thread_ts).toBe(topTs);
    // The count is the signatures' records: the unrecognised-errors row is a summary line, not evidence.
    const stored = await store.evidence(incident?.id ?? 0);
    expect(stored.some((e) => e.signature === 'stackmedic:unrecognised')).toBe(true);
    expect(evidence?.body.text).toBe(`Evidence (${stored.filter((e) => e.signature !== 'stackmedic:unrecognised').length} records)`);
    expect(shownText(evidence ?? { method: '', body: {}, ts: '' })).toContain('node-10:/var/log/rabbitmq/rabbit@node-10.log');
    expect(logs.filter((l) => /Slack/.test(l))).toEqual([]);
  }, 120_000);

  it('adds nothing on the next check: no new message, no update, no duplicate evidence', async () => {
    const evidenceBefore = (await store.evidence(1)).length;
    const eventsBefore = (await store.events(1)).length;
    skewMs += 2 * 60_000;
    const pass = await monitor.run();
    expect(pass.opened).toEqual([]);
    expect(pass.decisions).toEqual([expect.objectContaining({ kind: 'update', incidentId: 1, newEvidence: [] })]);
    expect(slack.unexpected).toEqual([]);
    expect(slack.calls).toHaveLength(2);
    expect(await store.evidence(1)).toHaveLength(evidenceBefore);
    expect(await store.events(1)).toHaveLength(eventsBefore);
    expect(await store.list()).toHaveLength(1);
  }, 120_000);

  it('measures the log fetch against the log bytes on the nodes', async () => {
    const m = await measureLogFetch(sim.inventory, app.pool, await app.services.catalog());
    expect(m.nodes.map((n) => n.node)).toEqual(sim.inventory.nodes.map((n) => n.name));
    expect(m.logBytes).toBeGreaterThan(0);
    expect(m.fetchedBytes).toBeGreaterThan(0);
    expect(m.fetchedBytes).toBe(m.nodes.reduce((a, n) => a + n.fetchedBytes, 0));
    console.log(
      `log fetch on the seed cluster: ${m.fetchedBytes} bytes fetched of ${m.logBytes} bytes of logs (${(m.ratio * 100).toFixed(1)}%) on ${m.nodes.length} nodes`,
    );
  }, 120_000);

  it('after the runbooks, the thread gets every action, goes green, and resolves after the green window', async () => {
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
    // Green: the summary is updated in place, the actions and the green news go to the thread.
    const actionEvents = async (): Promise<number> => (await store.events(1)).filter((e) => e.kind === 'action').length;
    slack.expect('chat.update', 1);
    slack.expect('chat.postMessage', 6);
    const green = await monitor.run();
    expect(green.decisions).toEqual([expect.objectContaining({ kind: 'green', incidentId: 1, started: true })]);
    expect(await actionEvents()).toBe(5);
    expect(slack.unexpected).toEqual([]);
    expect(slack.pending()).toEqual([]);
    const update = slack.of('chat.update')[0];
    expect(update?.body.ts).toBe(topTs);
    expect(shownText(update ?? { method: '', body: {}, ts: '' })).toMatch(/Checks green since .* resolves at .* if they stay green/);
    const replies = slack.of('chat.postMessage').slice(2);
    expect(replies.every((r) => r.body.thread_ts === topTs)).toBe(true);
    const replyTexts = replies.map((r) => shownText(r)).join('\n');
    expect(replyTexts).toContain('alice ran /cluster free-disk node-10: ok');
    expect(replyTexts).toContain('alice ran /compute fix-libvirt node-20: ok');
    expect(replyTexts).toMatch(/step 3: remove cinder conversion leftover \/var\/lib\/cinder\/conversion\/tmpG3Ukq5 \(83\.7 GB\) on node-10: ok/);
    expect(replyTexts).toMatch(/step 5: start libvirtd on node-18: ok `service libvirtd start`/);
    expect(replyTexts).toMatch(/\d+ remote commands, \d+ with a non-zero exit or failure \(audit #\d+\)/);
    expect(replyTexts).toContain('Checks are green');

    // Still inside the green window: nothing changes, nothing is posted.
    skewMs += 5 * 60_000;
    const waiting = await monitor.run();
    expect(waiting.decisions).toEqual([expect.objectContaining({ kind: 'green', incidentId: 1, started: false })]);
    expect((await store.get(1))?.status).toBe('open');
    expect(slack.unexpected).toEqual([]);

    skewMs += (RESOLVE_AFTER_MINUTES - 5) * 60_000;
    slack.expect('chat.update', 1);
    slack.expect('chat.postMessage', 1);
    const resolved = await monitor.run();
    expect(resolved.decisions).toEqual([expect.objectContaining({ kind: 'resolve', incidentId: 1 })]);
    expect(slack.unexpected).toEqual([]);
    expect(slack.pending()).toEqual([]);
    const incident = await store.get(1);
    expect(incident?.status).toBe('resolved');
    expect(incident?.resolvedBy).toBe('stackmedic');
    expect(shownText(slack.of('chat.update')[1] ?? { method: '', body: {}, ts: '' })).toMatch(/RESOLVED after/);
    expect(slack.calls.at(-1)?.body.text).toBe('Resolved (stackmedic)');
    expect(shownText(slack.calls.at(-1) ?? { method: '', body: {}, ts: '' })).toMatch(/Checks green since 2017-02-15 \d\d:\d\d:\d\d UTC \(10 min\)/);

    // Healthy and resolved: the next check is quiet, and old log lines do not open a new incident.
    skewMs += 2 * 60_000;
    const quiet = await monitor.run();
    expect(quiet.decisions).toEqual([]);
    expect(await store.list()).toHaveLength(1);
    expect(slack.unexpected).toEqual([]);
  }, 300_000);

  it('/incident postmortem writes a timeline with the seed timestamps and the actions taken', async () => {
    const reply = await run('/incident postmortem 1', 'bob');
    expect(reply.files?.[0]?.filename).toBe('postmortem-incident-1.md');
    const md = reply.text;
    expect(md).toBe(reply.files?.[0]?.content);
    expect(md).toMatch(/^# Post-mortem: incident #1: Root disk full \(ENOSPC\) on node-10/);
    expect(md).toMatch(/\| 2017-02-14 05:49:45 \| log \| RabbitMQ disk alarm on node-10/);
    expect(md).toMatch(
      /\| 2017-02-14 10:35:53 \| log \| Root disk full \(ENOSPC\) on node-10 in 2 services, 3 records \(`node-10:\/var\/log\/cinder\/cinder-volume\.log:\d+`\)/,
    );
    expect(md).toMatch(/\| 2017-02-15 0\d:\d\d:\d\d \| log \| nova-compute cannot connect to libvirt on node-18/);
    expect(md).toMatch(
      /\| audit \| alice ran `\/cluster free-disk node-10` \(slack\): ok<br>↳ step 1: [^|]*<br>↳ step 3: remove cinder conversion leftover \/var\/lib\/cinder\/conversion\/tmpG3Ukq5 \(83\.7 GB\) on node-10: ok/,
    );
    expect(md).toMatch(
      /\| audit \| alice ran `\/compute fix-libvirt node-18` \(slack\): ok<br>.*step 5: start libvirtd on node-18: ok `service libvirtd start`/,
    );
    expect(md).toMatch(/\| audit \| alice ran `\/rabbit heal node-10` \(slack\): ok/);
    expect(md).toMatch(/\| stackmedic \| Resolved: Checks green since/);
    expect(md).toContain('- Time to detect: 1d 0h 40m');
    expect(md).toMatch(/Detected late: the first symptom \(2017-02-14 05:49:45 UTC\)/);
    expect(md).toContain('- [ ] Move cinder image_conversion_dir off the root partition');
    expect(md).toContain("- [ ] Raise RabbitMQ's disk_free_limit");
    expect(md).toContain('- [ ] Alert on root disk usage above 80% on every controller');
    expect(md).not.toContain('/incident postmortem');
  }, 60_000);

  it('keeps everything across a restart: the same database file, reopened', async () => {
    const before = {
      incident: await store.get(1),
      evidence: (await store.evidence(1)).length,
      events: (await store.events(1)).length,
      slack: await store.slackRef(1),
    };
    await app.close();
    const db = new SqliteStore(openDatabase(dbPath));
    try {
      expect(db.db.pragma('user_version', { simple: true })).toBe(migrations.at(-1)?.version);
      expect(migrations.map((m) => m.version)).toEqual(migrations.map((_, i) => i + 1));
      const { IncidentStore } = await import('../../../src/incidents/index.js');
      const reopened = new IncidentStore(db);
      expect(await reopened.get(1)).toEqual(before.incident);
      expect(await reopened.evidence(1)).toHaveLength(before.evidence);
      expect(await reopened.events(1)).toHaveLength(before.events);
      expect(await reopened.slackRef(1)).toEqual(before.slack);
    } finally {
      db.close();
    }
    app = createApp({ inventory: sim.inventory, env: readEnvOptions({ STACKMEDIC_DB: dbPath }) });
  }, 60_000);
});
