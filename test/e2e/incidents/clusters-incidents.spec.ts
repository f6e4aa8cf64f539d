import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startClusterMonitoring, type ClusterMonitoring } from '../../../src/app/cluster-monitoring.js';
import { createApp, type StackmedicApp } from '../../../src/app/create-app.js';
import { readEnvOptions } from '../../../src/config/env.js';
import type { IncidentPublisher, PublishedMessage } from '../../../src/incidents/publisher.js';
import type { DispatchResult } from '../../../src/router/router.js';
import type { Actor, Reply } from '../../../src/router/types.js';
import { startTwoClusters, type TwoClusters } from '../../support/two-clusters.js';

const actor: Actor = { id: 'console:test', name: 'test', via: 'console' };

/** A chat that keeps every message posted, by channel. */
class RecordingChat implements IncidentPublisher {
  readonly posts: { channel: string; reply: Reply; threadTs?: string | undefined }[] = [];
  private ts = 1;
  async postReply(channel: string, reply: Reply, options: { threadTs?: string } = {}): Promise<PublishedMessage> {
    this.posts.push({ channel, reply, threadTs: options.threadTs });
    return { channel, ts: `${this.ts++}.0` };
  }
  async updateReply(message: PublishedMessage, reply: Reply): Promise<PublishedMessage> {
    this.posts.push({ channel: message.channel, reply, threadTs: message.ts });
    return message;
  }
  in(channel: string): string[] {
    return this.posts.filter((p) => p.channel === channel).map((p) => `${p.reply.title}\n${p.reply.text}`);
  }
}

function replyOf(r: DispatchResult): Reply {
  if (r.kind !== 'reply') throw new Error(`expected a reply, got ${r.kind}`);
  return r.reply;
}

describe('incidents per cluster (east healthy, west in the seed outage)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'stackmedic-clusters-incidents-'));
  let two: TwoClusters;
  let app: StackmedicApp;
  let monitoring: ClusterMonitoring | undefined;
  const chat = new RecordingChat();
  const run = async (text: string): Promise<Reply> => replyOf(await app.router.dispatch({ text, actor, role: 'operator' }));

  beforeAll(async () => {
    two = await startTwoClusters({ east: 'healthy', west: 'seed-incident' }, '    schedule: "*/3 * * * *"\n');
    const west = two.sims.west!;
    const env = readEnvOptions({ STACKMEDIC_DB: join(dir, 'db.sqlite') });
    app = createApp({ inventory: two.set.clusters[0]!, clusters: two.set.clusters, env, clock: () => new Date(west.state.clock.now()) });
    monitoring = startClusterMonitoring({ stackmedic: app, env, publisher: chat, channelOf: (name) => `C-${name}`, start: false, log: () => undefined });
    for (const e of monitoring?.each ?? []) await e.monitoring.scheduler.tick();
  }, 120_000);
  afterAll(async () => {
    await monitoring?.stop();
    await app?.close();
    await two?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it("runs each cluster's scheduled check on its own schedule", () => {
    expect(monitoring?.each.map((e) => [e.cluster, e.channel])).toEqual([
      ['east', 'C-east'],
      ['west', 'C-west'],
    ]);
    expect(two.set.clusters.map((c) => c.schedule)).toEqual(['*/3 * * * *', '*/3 * * * *']);
    expect(monitoring?.scheduler.lastRun?.outcome).toBe('ran');
  });

  it("opens west's incident in west's channel, and nothing in east's", () => {
    expect(chat.in('C-west').join('\n')).toMatch(/node-10/);
    expect(chat.in('C-east')).toEqual([]);
  });

  it('/incident list filters by cluster: the one named, or the channel bound', async () => {
    // A green check on east leaves west's incident alone: each cluster's monitor sees its own incidents.
    await monitoring?.each[0]?.monitoring.scheduler.tick();
    const west = await run('/incident list --cluster west');
    expect(west.title).toBe('1 open incident');
    const east = await run('/incident list --cluster east');
    expect(east.title).toBe('No open incidents.');
    const bound = replyOf(await app.router.dispatch({ text: '/incident list', actor, role: 'viewer', cluster: 'east' }));
    expect(bound.title).toBe('No open incidents.');
    const data = west.data as { incidents: { cluster?: string; greenSince?: string | null }[] };
    expect(data.incidents.map((i) => [i.cluster, i.greenSince ?? null])).toEqual([['west', null]]);
  });

  it('records the cluster of every command in the audit', async () => {
    await run('/cluster ping --cluster east');
    const audit = await run('/cluster audit --cluster east');
    expect(audit.text).toMatch(/\/cluster ping/);
    const westAudit = await run('/cluster audit 50 --cluster west');
    expect(westAudit.text).not.toMatch(/\/cluster ping/);
    // A cluster's timeline (post-mortems) reads its own records, never another cluster's.
    const [east, west] = app.clusters;
    const all = [new Date('2000-01-01'), new Date('2100-01-01')] as const;
    expect((await east!.services.audit.between(...all)).map((e) => e.command)).toContain('/cluster ping');
    expect((await west!.services.audit.between(...all)).map((e) => e.command)).not.toContain('/cluster ping');
    expect(app.services.audit.runningCount).toBe(0);
  });

  it("names west in its incident's thread, summary and post-mortem", async () => {
    const top = chat.posts.find((p) => p.channel === 'C-west' && p.threadTs === undefined);
    expect(top?.reply.title).toMatch(/^Incident #\d+ \(critical\): \[west\] /);
    const list = await run('/incident list --cluster west');
    const id = (list.data as { incidents: { id: number }[] }).incidents[0]?.id;
    const show = await run(`/incident show ${id} --cluster west`);
    expect(show.title).toMatch(/^Incident #\d+ \(critical\): \[west\] .*node-10/);
    expect(show.text).toMatch(/: \[west\] /);
    const postmortem = await run(`/incident postmortem ${id} --cluster west`);
    expect(postmortem.title).toMatch(/^Post-mortem of incident #\d+: \[west\] /);
    expect(postmortem.text).toMatch(/^# Post-mortem: incident #\d+: \[west\] /);
    expect(postmortem.text).toMatch(/· cluster west ·/);
  }, 60_000);

  it("never shows or resolves west's incident from east: the number names west's, and says so", async () => {
    const list = await run('/incident list --cluster west');
    const id = (list.data as { incidents: { id: number; status: string }[] }).incidents[0]?.id;
    expect(id).toBeDefined();
    for (const command of [`/incident show ${id} --cluster east`, `/incident resolve ${id} --cluster east`]) {
      const r = await run(command);
      expect(r.ok, command).toBe(false);
      expect(r.title).toContain(`incident #${id} is west's, not east's: add --cluster west`);
    }
    const after = await run(`/incident show ${id} --cluster west`);
    expect(after.title).toMatch(/^Incident #\d+ \(critical\): \[west\] /);
    expect(after.text).not.toMatch(/resolved by/i);
  }, 60_000);

  it('/incident stats reads the cluster named or bound, and asks which one otherwise', async () => {
    const west = await run('/incident stats --cluster west');
    expect(west.title).toMatch(/^west: 1 scheduled check in the last 7 days/);
    const east = replyOf(await app.router.dispatch({ text: '/incident stats 3', actor, role: 'viewer', cluster: 'east' }));
    // East's check ran twice (the list test ticks it again); west's once.
    expect(east.title).toMatch(/^east: 2 scheduled checks in the last 3 days/);
    const unbound = await run('/incident stats');
    expect(unbound.ok).toBe(false);
    expect(unbound.title).toMatch(/there are 2 clusters here \(east, west\): name one with --cluster NAME/);
  });
});
