import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readEnvOptions } from '../../src/config/env.js';
import { startIncidentMonitoring, type IncidentMonitoring } from '../../src/app/incident-monitoring.js';
import { startSimCluster, type SimCluster } from '../../src/sim/index.js';
import { decodePng } from '../unit/incidents/png-decode.js';
import { bodyText, OPS_CHANNEL, startHarness, USERS, type Harness, type SlackCall } from './slack/harness.js';

/**
 * `/incident stats` end to end: the scheduled check on the simulated seed outage records which
 * signatures fired, and the signed slash command answers with the numbers and uploads the chart.
 */

let sim: SimCluster;
let h: Harness;
let monitoring: IncidentMonitoring;
const logs: string[] = [];

beforeAll(async () => {
  sim = await startSimCluster({ scenario: 'seed-incident' });
  h = await startHarness({ inventory: sim.inventory });
  monitoring = startIncidentMonitoring({
    stackmedic: h.stackmedic,
    env: readEnvOptions({ STACKMEDIC_INCIDENT_CHANNEL: OPS_CHANNEL }),
    publisher: h.slackApp.publisher,
    log: (l) => logs.push(l),
    start: false,
  });
});

afterAll(async () => {
  await monitoring?.stop();
  await h?.close();
  await sim?.stop();
});

/**
 * The PNG inside an upload as the fake Slack recorded it: nock hands the multipart body over as
 * hex; the file runs from the PNG signature to the end of its IEND chunk.
 */
function uploadedPng(call: SlackCall): Buffer | undefined {
  const body = Buffer.from(String(call.body.content), 'hex');
  const start = body.indexOf(Buffer.from('89504e470d0a1a0a', 'hex'));
  const iend = body.indexOf(Buffer.from('IEND', 'latin1'), start);
  return start < 0 || iend < 0 ? undefined : body.subarray(start, iend + 8);
}

describe('/incident stats in Slack', () => {
  it('says no scheduled check was recorded before the first one, not 100 %', async () => {
    h.slack.reset();
    await h.slash('/incident', 'stats', { user: USERS.viewer });
    const post = await h.slack.waitFor('chat.postMessage');
    expect(bodyText(post)).toContain('no scheduled checks recorded in the last 7 days');
    expect(bodyText(post)).not.toContain('100 %');
    expect(h.slack.of('files.getUploadURLExternal')).toHaveLength(0);
  });

  it('answers a bad DAYS with a short usage error', async () => {
    h.slack.reset();
    await h.slash('/incident', 'stats 0', { user: USERS.viewer });
    const answer = await h.slack.waitFor('chat.postEphemeral');
    expect(bodyText(answer)).toContain('DAYS must be 1 to 90');
    expect(bodyText(answer)).toContain('/incident stats [DAYS]');
  });

  it('counts the signatures of a scheduled check and uploads the chart as a PNG', async () => {
    expect(await monitoring.scheduler.tick()).toBe('ran');
    h.slack.reset();
    await h.slash('/incident', 'stats 3', { user: USERS.viewer });
    await h.slack.waitFor('files.completeUploadExternal');
    const main = h.slack.of('chat.postMessage')[0] as SlackCall;
    // The simulator's nodes may have no error record to classify: then the rate is unknown, not 100 %.
    expect(bodyText(main)).toMatch(/1 scheduled check in the last 3 days: (?:\d+ % of \d+ error records recognised|no error records to classify)/);
    const asked = h.slack.of('files.getUploadURLExternal').find((c) => c.body.filename === 'signature-stats-3d.png');
    expect(asked).toBeDefined();
    const png = h.slack
      .of('upload:')
      .map(uploadedPng)
      .find((b) => b !== undefined);
    expect(png).toBeDefined();
    const picture = decodePng(png as Buffer);
    expect(picture.width).toBe(1800);
    expect(picture.height).toBeGreaterThan(400);
    const text = [main, ...h.slack.of('chat.postMessage').slice(1)].map(bodyText).join('\n');
    // The seed outage as the probes see it: the full disk on node-10 and the broker down.
    expect(text).toMatch(/disk-full-now +1 +1/);
    expect(text).toMatch(/rabbit-node-down +1 +1/);
  });

  it('leaves passes the schedule did not start (an alert, a silence) out of the statistics', async () => {
    await monitoring.passes.pass();
    const stats = await h.stackmedic.services.checkStats?.window({ days: 3, now: new Date(), cluster: sim.inventory.cluster });
    expect(stats?.checks).toBe(1);
  });
});
