import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp, type StackmedicApp } from '../../src/app/create-app.js';
import { readEnvOptions } from '../../src/config/env.js';
import { IncidentMonitor, IncidentThread, type IncidentStore } from '../../src/incidents/index.js';
import type { Reply } from '../../src/router/types.js';
import { startSimCluster, type SimCluster } from '../../src/sim/index.js';
import { shownText, StrictSlack } from './incidents/slack-fake.js';

const CHANNEL = 'CINCIDENTS';
const RESOLVE_AFTER_MINUTES = 10;

let sim: SimCluster;
let app: StackmedicApp;
let store: IncidentStore;
let monitor: IncidentMonitor;
let slack: StrictSlack;
let dir: string;
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
  sim = await startSimCluster({ scenario: 'kolla-seed-incident' });
  dir = mkdtempSync(join(tmpdir(), 'stackmedic-kolla-incidents-'));
  const clock = (): Date => new Date(sim.state.clock.now() + skewMs);
  app = createApp({ inventory: sim.inventory, env: readEnvOptions({ STACKMEDIC_DB: join(dir, 'stackmedic.sqlite') }), clock });
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
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('incidents on the simulated kolla-ansible seed outage', () => {
  it('opens one incident whose thread names the chain from the full disk on node-10', async () => {
    slack.expect('chat.postMessage', 2);
    const pass = await monitor.run();
    expect(slack.unexpected).toEqual([]);
    expect(pass.opened).toHaveLength(1);
    const incident = await store.get(pass.opened[0] as number);
    expect(incident?.status).toBe('open');
    expect(incident?.chainText).toMatch(/^.*on node-10 -> .*RabbitMQ.* on node-10.* -> nova-compute reported down on 3 nodes$/);
    const summary = shownText(slack.of('chat.postMessage')[0] ?? { method: '', body: {}, ts: '' });
    expect(summary).toMatch(/node-10 \/ 100% full/);
    // The log evidence comes from kolla's own log layout, /var/log/kolla/<service>/.
    expect(summary).toMatch(/`node-10:\/var\/log\/kolla\/rabbitmq\/rabbit@node-10\.log:\d+`/);
    expect(summary).not.toMatch(/node-10:\/var\/log\/rabbitmq\//);
  });

  it('resolves after the kolla fixes and the green window', async () => {
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
    const replyTexts = slack
      .of('chat.postMessage')
      .slice(2)
      .map((r) => shownText(r))
      .join('\n');
    expect(replyTexts).toMatch(
      /remove cinder conversion leftover \/var\/lib\/docker\/volumes\/cinder\/_data\/conversion\/tmpG3Ukq5 \(83\.7 GB\) on node-10: ok/,
    );
    expect(replyTexts).toMatch(/restart the nova_libvirt container on node-18: ok `docker restart nova_libvirt`/);

    skewMs += RESOLVE_AFTER_MINUTES * 60_000;
    slack.expect('chat.update', 1);
    slack.expect('chat.postMessage', 1);
    const resolved = await monitor.run();
    expect(resolved.decisions).toEqual([expect.objectContaining({ kind: 'resolve', incidentId: 1 })]);
    expect(slack.unexpected).toEqual([]);
    expect((await store.get(1))?.status).toBe('resolved');
  }, 120_000);

  it('/trace finds a request in the kolla logs of every service', async () => {
    const reply = await run('/trace request req-ce7dded1-c999-43f2-9ed0-ff7d53fda6f7');
    expect(reply.ok, reply.text).toBe(true);
    const data = reply.data as { lines: { node: string; file: string }[] };
    expect(data.lines.length).toBeGreaterThan(0);
    expect(data.lines.every((l) => l.file.startsWith('/var/log/kolla/'))).toBe(true);
  });
});
