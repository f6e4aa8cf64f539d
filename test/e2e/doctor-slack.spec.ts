import nock from 'nock';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { renderDoctorText } from '../../src/doctor/render.js';
import { runDoctor } from '../../src/doctor/run.js';
import { manifestBotScopes } from '../../src/doctor/slack.js';

const SLACK_ENV = { SLACK_BOT_TOKEN: 'xoxb-doctor-test', SLACK_APP_TOKEN: 'xapp-doctor-test', STACKMEDIC_INCIDENT_CHANNEL: 'C0INCIDENT' };

/** Slack's Web API, faked: auth.test with the given answer and scopes header, conversations.info with a channel the bot is in. */
function fakeSlack(auth: Record<string, unknown>, scopes: readonly string[]): string[] {
  const calls: string[] = [];
  nock('https://slack.com')
    .persist()
    .post(/^\/api\/.+/)
    .reply((uri) => {
      const method = uri.replace(/^\/api\//, '');
      calls.push(method);
      if (method === 'auth.test') return [200, auth, { 'content-type': 'application/json', 'x-oauth-scopes': scopes.join(',') }];
      if (method === 'conversations.info')
        return [200, { ok: true, channel: { id: 'C0INCIDENT', name: 'incidents', is_member: true } }, { 'content-type': 'application/json' }];
      return [200, { ok: false, error: 'unknown_method' }, { 'content-type': 'application/json' }];
    });
  return calls;
}

beforeEach(() => {
  nock.disableNetConnect();
  // The simulated nodes are SSH servers on loopback.
  nock.enableNetConnect('127.0.0.1');
});
afterEach(() => {
  nock.cleanAll();
  nock.enableNetConnect();
});

describe('stackmedic doctor with Slack configured (the simulated cluster, a fake Slack)', () => {
  it('checks the whole setup and passes when Slack answers as a complete install would', async () => {
    const calls = fakeSlack({ ok: true, user: 'stackmedic', team: 'ops', user_id: 'UBOT', team_id: 'T1' }, manifestBotScopes());
    const report = await runDoctor({ env: SLACK_ENV, sim: 'healthy' });
    const text = renderDoctorText(report);
    expect(text).toMatch(
      /^Slack\n {2}✔ mode: Socket Mode: SLACK_APP_TOKEN is set\n {2}✔ token: auth\.test: bot stackmedic in workspace ops\n {2}✔ scopes: all \d+ scopes of slack-manifest\.yml granted/m,
    );
    expect(text).toMatch(/^ {2}✔ incident channel: #incidents \(C0INCIDENT\) exists and the bot is a member$/m);
    // With Slack on and no permissions file, nobody could run a fix from Slack: worth a warning, not a failure.
    expect(text).toMatch(/^ {2}! permissions: STACKMEDIC_PERMISSIONS not set/m);
    expect(report.exitCode).toBe(0);
    expect(calls).toEqual(['auth.test', 'conversations.info']);
  });

  it('exits 1 when Slack answers invalid_auth, and says what to do', async () => {
    fakeSlack({ ok: false, error: 'invalid_auth' }, []);
    const report = await runDoctor({ env: SLACK_ENV, sim: 'healthy' });
    expect(report.exitCode).toBe(1);
    const failed = report.checks.filter((c) => c.status === 'fail');
    expect(failed.map((c) => `${c.group}/${c.name}`)).toEqual(['slack/token']);
    expect(renderDoctorText(report)).toMatch(
      /^ {2}✘ token: auth\.test at https:\/\/slack\.com\/api\/ answered invalid_auth\n {6}→ SLACK_BOT_TOKEN is not a valid bot token/m,
    );
  });

  it('exits 1 when the token lacks a scope the manifest asks for', async () => {
    fakeSlack(
      { ok: true, user: 'stackmedic', team: 'ops' },
      manifestBotScopes().filter((s) => s !== 'usergroups:read'),
    );
    const report = await runDoctor({ env: SLACK_ENV, sim: 'healthy' });
    expect(report.exitCode).toBe(1);
    expect(report.checks.find((c) => c.name === 'scopes')).toMatchObject({
      status: 'fail',
      detail: expect.stringMatching(/^missing usergroups:read of the scopes/),
    });
  });
});
