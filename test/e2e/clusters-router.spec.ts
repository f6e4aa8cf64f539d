import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp, type StackmedicApp } from '../../src/app/create-app.js';
import { readEnvOptions } from '../../src/config/env.js';
import type { DispatchResult } from '../../src/router/router.js';
import type { Actor, Reply } from '../../src/router/types.js';
import { startTwoClusters, type TwoClusters } from '../support/two-clusters.js';

const actor: Actor = { id: 'console:test', name: 'test', via: 'console' };

function replyOf(r: DispatchResult): Reply & { ephemeral: boolean } {
  if (r.kind !== 'reply') throw new Error(`expected a reply, got ${r.kind}`);
  return { ...r.reply, ephemeral: r.ephemeral };
}

describe('several clusters behind one router (east healthy, west in the seed outage)', () => {
  let two: TwoClusters;
  let app: StackmedicApp;
  const run = async (text: string, extra: { cluster?: string } = {}): Promise<DispatchResult> =>
    app.router.dispatch({ text, actor, role: 'operator', ...extra });
  beforeAll(async () => {
    two = await startTwoClusters({ east: 'healthy', west: 'seed-incident' });
    app = createApp({ inventory: two.set.clusters[0]!, clusters: two.set.clusters, env: readEnvOptions({ STACKMEDIC_DB: ':memory:' }) });
  });
  afterAll(async () => {
    await app?.close();
    await two?.stop();
  });

  it('refuses a command without --cluster, listing the clusters, and runs nothing', async () => {
    const before = two.sims.east!.commandLog.length + two.sims.west!.commandLog.length;
    const reply = replyOf(await run('/cluster status'));
    expect(reply).toMatchObject({ ok: false, ephemeral: true });
    expect(reply.title).toMatch(/2 clusters here \(east, west\): name one with --cluster NAME/);
    expect(two.sims.east!.commandLog.length + two.sims.west!.commandLog.length).toBe(before);
  });

  it('refuses an unknown cluster, with a guess and the list', async () => {
    const reply = replyOf(await run('/cluster status --cluster wset'));
    expect(reply.ok).toBe(false);
    expect(reply.title).toBe('unknown cluster "wset" (did you mean west?); the clusters are east, west');
    expect(replyOf(await run('/cluster status --cluster')).title).toMatch(/--cluster needs a cluster name: east, west/);
  });

  it('runs /cluster status on the cluster named, and only there', async () => {
    const eastLog = two.sims.east!.commandLog;
    const westLog = two.sims.west!.commandLog;
    const westBefore = westLog.length;
    const east = replyOf(await run('/cluster status --cluster east'));
    expect(east.ok).toBe(true);
    expect(east.title).toMatch(/^HEALTHY/);
    expect(westLog.length).toBe(westBefore);
    const eastBefore = eastLog.length;
    const west = replyOf(await run('/cluster status --cluster=west'));
    expect(west.ok).toBe(false);
    expect(west.title).toMatch(/^CRITICAL/);
    expect(eastLog.length).toBe(eastBefore);
  });

  it('takes the channel binding when the text names no cluster, and --cluster over it', async () => {
    expect(replyOf(await run('/cluster status', { cluster: 'west' })).title).toMatch(/^CRITICAL/);
    expect(replyOf(await run('/cluster status --cluster east', { cluster: 'west' })).title).toMatch(/^HEALTHY/);
  });

  it('answers help and unknown commands without a cluster', async () => {
    expect(replyOf(await run('/help')).title).toBe('stackmedic help');
    expect(replyOf(await run('/cluster status --help')).text).toMatch(/--all {2}every cluster/);
    expect(replyOf(await run('/clustr status')).title).toMatch(/unknown command \/clustr/);
  });

  it('/cluster status --all: one line per cluster, then what is wrong where', async () => {
    const reply = replyOf(await run('/cluster status --all'));
    expect(reply.ok).toBe(false);
    expect(reply.title).toBe('CRITICAL: 1 of 2 clusters not healthy (west CRITICAL)');
    const lines = reply.text.split('\n');
    expect(lines[0]).toMatch(/^CLUSTER\s+VERDICT\s+DETAIL$/);
    expect(lines[1]).toMatch(/^east\s+HEALTHY\s+HEALTHY: 6 nodes answer/);
    expect(lines[2]).toMatch(/^west\s+CRITICAL\s+CRITICAL: /);
    // The details are west's alone: its full root disk on node-10.
    const details = reply.text.slice(reply.text.indexOf('── west'));
    expect(details).toMatch(/node-10/);
    expect(reply.text).not.toMatch(/── east/);
    const data = reply.data as { clusters: { cluster: string; verdict: string }[] };
    expect(data.clusters.map((c) => [c.cluster, c.verdict])).toEqual([
      ['east', 'HEALTHY'],
      ['west', 'CRITICAL'],
    ]);
    expect(replyOf(await run('/cluster status --all --cluster east')).title).toMatch(/--all asks every cluster/);
  });

  it('keeps node names per cluster and re-runs a confirmation on its own cluster', async () => {
    const result = await run('/cluster free-disk node-10 --cluster west');
    expect(result.kind).toBe('confirm');
    if (result.kind !== 'confirm') return;
    expect(result.text).toBe('/cluster free-disk node-10 --cluster west');
    expect(result.plan.actions.every((a) => a.node === 'node-10')).toBe(true);
    // Pressed from a channel bound to east, the confirmed text still means west.
    expect(app.router.clusterOf?.(result.text, 'east')).toBe('west');
  });
});

describe('one cluster stays as it was', () => {
  let two: TwoClusters;
  let app: StackmedicApp;
  beforeAll(async () => {
    two = await startTwoClusters({ solo: 'healthy' });
    app = createApp({ inventory: two.set.clusters[0]!, env: readEnvOptions({ STACKMEDIC_DB: ':memory:' }) });
  });
  afterAll(async () => {
    await app?.close();
    await two?.stop();
  });

  it('needs no --cluster, accepts its own name, and keeps confirmation texts unchanged', async () => {
    expect(replyOf(await app.router.dispatch({ text: '/cluster status', actor, role: 'viewer' })).ok).toBe(true);
    expect(replyOf(await app.router.dispatch({ text: '/cluster status --cluster solo', actor, role: 'viewer' })).ok).toBe(true);
    expect(replyOf(await app.router.dispatch({ text: '/cluster status --cluster other', actor, role: 'viewer' })).title).toMatch(
      /unknown cluster "other"; the clusters are solo/,
    );
    const all = replyOf(await app.router.dispatch({ text: '/cluster status --all', actor, role: 'viewer' }));
    expect(all.title).toBe('HEALTHY: all 1 clusters, no problems found');
  });
});
