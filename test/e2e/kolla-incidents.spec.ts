import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startIncidentRig, type IncidentRig } from '../support/incident-rig.js';
import { shownText } from './incidents/slack-fake.js';

const RESOLVE_AFTER_MINUTES = 10;

let rig: IncidentRig;

beforeAll(async () => {
  rig = await startIncidentRig({ scenario: 'kolla-seed-incident', resolveAfterMinutes: RESOLVE_AFTER_MINUTES });
});

afterAll(async () => {
  await rig?.close();
});

describe('incidents on the simulated kolla-ansible seed outage', () => {
  it('opens one incident whose thread names the chain from the full disk on node-10', async () => {
    rig.slack.expect('chat.postMessage', 2);
    const pass = await rig.monitor.run();
    expect(rig.slack.unexpected).toEqual([]);
    expect(pass.opened).toHaveLength(1);
    const incident = await rig.store.get(pass.opened[0] as number);
    expect(incident?.status).toBe('open');
    expect(incident?.chainText).toMatch(/^.*on node-10 -> .*RabbitMQ.* on node-10.* -> nova-compute reported down on 3 nodes$/);
    const summary = shownText(rig.slack.of('chat.postMessage')[0] ?? { method: '', body: {}, ts: '' });
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
      const reply = await rig.run(command);
      expect(reply.title, reply.text).toMatch(/done, verified/);
    }
    rig.skip(60_000);
    rig.slack.expect('chat.update', 1);
    rig.slack.expect('chat.postMessage', 6);
    const green = await rig.monitor.run();
    expect(green.decisions).toEqual([expect.objectContaining({ kind: 'green', incidentId: 1, started: true })]);
    const replyTexts = rig.slack
      .of('chat.postMessage')
      .slice(2)
      .map((r) => shownText(r))
      .join('\n');
    expect(replyTexts).toMatch(
      /remove cinder conversion leftover \/var\/lib\/docker\/volumes\/cinder\/_data\/conversion\/tmpG3Ukq5 \(83\.7 GB\) on node-10: ok/,
    );
    expect(replyTexts).toMatch(/restart the nova_libvirt container on node-18: ok `docker restart nova_libvirt`/);

    rig.skip(RESOLVE_AFTER_MINUTES * 60_000);
    rig.slack.expect('chat.update', 1);
    rig.slack.expect('chat.postMessage', 1);
    const resolved = await rig.monitor.run();
    expect(resolved.decisions).toEqual([expect.objectContaining({ kind: 'resolve', incidentId: 1 })]);
    expect(rig.slack.unexpected).toEqual([]);
    expect((await rig.store.get(1))?.status).toBe('resolved');
  }, 120_000);

  it('/trace finds a request in the kolla logs of every service', async () => {
    const reply = await rig.run('/trace request req-ce7dded1-c999-43f2-9ed0-ff7d53fda6f7');
    expect(reply.ok, reply.text).toBe(true);
    const data = reply.data as { lines: { node: string; file: string }[] };
    expect(data.lines.length).toBeGreaterThan(0);
    expect(data.lines.every((l) => l.file.startsWith('/var/log/kolla/'))).toBe(true);
  });
});
