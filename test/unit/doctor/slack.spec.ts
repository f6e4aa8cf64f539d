import nock from 'nock';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { readEnvOptions } from '../../../src/config/env.js';
import { checkSlack, manifestBotScopes } from '../../../src/doctor/slack.js';
import { exitCodeOf } from '../../../src/doctor/types.js';

const MANIFEST_SCOPES = manifestBotScopes();

/** A fake Slack Web API answering each method with a body and headers; records what was called. */
function fakeSlack(answers: Record<string, { body: Record<string, unknown>; headers?: Record<string, string> }>): {
  calls: { method: string; body: string }[];
} {
  const calls: { method: string; body: string }[] = [];
  nock('https://slack.com')
    .persist()
    .post(/^\/api\/.+/)
    .reply((uri, body) => {
      const method = uri.replace(/^\/api\//, '');
      calls.push({ method, body: typeof body === 'string' ? body : JSON.stringify(body) });
      const a = answers[method] ?? { body: { ok: false, error: 'unknown_method' } };
      return [200, a.body, { 'content-type': 'application/json', ...(a.headers ?? {}) }];
    });
  return { calls };
}

const okAuth = (scopes: readonly string[]) => ({
  body: { ok: true, url: 'https://ops.slack.com/', team: 'ops', user: 'stackmedic', team_id: 'T1', user_id: 'UBOT', bot_id: 'BBOT' },
  headers: { 'x-oauth-scopes': scopes.join(',') },
});

const env = (vars: Record<string, string>) => readEnvOptions({ SLACK_BOT_TOKEN: 'xoxb-test', SLACK_SIGNING_SECRET: 'shh', ...vars });

beforeEach(() => {
  nock.disableNetConnect();
});
afterEach(() => {
  nock.cleanAll();
  nock.enableNetConnect();
});

describe('doctor: Slack', () => {
  it('reads the scopes the manifest asks for', () => {
    expect(MANIFEST_SCOPES).toEqual(expect.arrayContaining(['commands', 'chat:write', 'chat:write.public', 'files:write', 'usergroups:read', 'channels:read']));
  });

  it('says a token Slack answers invalid_auth for is not valid, and what to do', async () => {
    const slack = fakeSlack({ 'auth.test': { body: { ok: false, error: 'invalid_auth' } } });
    const checks = await checkSlack(env({}));
    const token = checks.find((c) => c.name === 'token');
    expect(token?.status).toBe('fail');
    expect(token?.detail).toBe('auth.test at https://slack.com/api/ answered invalid_auth');
    expect(token?.fix).toMatch(/Bot User OAuth Token/);
    expect(slack.calls.map((c) => c.method)).toEqual(['auth.test']);
    expect(exitCodeOf(checks)).toBe(1);
  });

  it('names the scope the token lacks (x-oauth-scopes of auth.test)', async () => {
    fakeSlack({ 'auth.test': okAuth(MANIFEST_SCOPES.filter((s) => s !== 'files:write')) });
    const checks = await checkSlack(env({}));
    expect(checks.find((c) => c.name === 'token')?.status).toBe('pass');
    const scopes = checks.find((c) => c.name === 'scopes');
    expect(scopes?.status).toBe('fail');
    expect(scopes?.detail).toMatch(/^missing files:write of the scopes slack-manifest.yml asks for/);
    expect(scopes?.fix).toMatch(/reinstall the app/);
  });

  it('passes a complete setup: token, scopes, HTTP mode, incident channel the bot is in', async () => {
    const slack = fakeSlack({
      'auth.test': okAuth([...MANIFEST_SCOPES, 'groups:read']),
      'conversations.info': {
        body: { ok: true, channel: { id: 'C0INCIDENT', name: 'ops-incidents', is_member: true, is_archived: false, is_private: false } },
      },
    });
    const checks = await checkSlack(env({ STACKMEDIC_INCIDENT_CHANNEL: 'C0INCIDENT' }));
    expect(checks.map((c) => [c.name, c.status])).toEqual([
      ['mode', 'pass'],
      ['token', 'pass'],
      ['scopes', 'pass'],
      ['incident channel', 'pass'],
    ]);
    expect(checks[0]?.detail).toMatch(/^HTTP mode: SLACK_SIGNING_SECRET is set; Slack must reach port 3000/);
    expect(checks[3]?.detail).toBe('#ops-incidents (C0INCIDENT) exists and the bot is a member');
    expect(decodeURIComponent(slack.calls.find((c) => c.method === 'conversations.info')?.body ?? '')).toContain('channel=C0INCIDENT');
  });

  it('fails an incident channel that does not exist, and one the bot cannot post in', async () => {
    fakeSlack({ 'auth.test': okAuth(MANIFEST_SCOPES), 'conversations.info': { body: { ok: false, error: 'channel_not_found' } } });
    const missing = (await checkSlack(env({ STACKMEDIC_INCIDENT_CHANNEL: 'C0GONE' }))).find((c) => c.name === 'incident channel');
    expect(missing).toMatchObject({ status: 'fail', detail: 'STACKMEDIC_INCIDENT_CHANNEL C0GONE not found' });
    nock.cleanAll();
    fakeSlack({
      'auth.test': okAuth(MANIFEST_SCOPES.filter((s) => s !== 'chat:write.public')),
      'conversations.info': { body: { ok: true, channel: { id: 'C0OPS', name: 'ops', is_member: false, is_private: false } } },
    });
    const outside = (await checkSlack(env({ STACKMEDIC_INCIDENT_CHANNEL: 'C0OPS' }))).find((c) => c.name === 'incident channel');
    expect(outside).toMatchObject({ status: 'fail', fix: '/invite @stackmedic in that channel' });
  });

  it('finds an incident channel given by name among the channels it can list', async () => {
    fakeSlack({
      'auth.test': okAuth(MANIFEST_SCOPES),
      'conversations.list': {
        body: {
          ok: true,
          channels: [
            { id: 'C1', name: 'general', is_member: true },
            { id: 'C2', name: 'ops', is_member: true },
          ],
          response_metadata: { next_cursor: '' },
        },
      },
    });
    const c = (await checkSlack(env({ STACKMEDIC_INCIDENT_CHANNEL: '#ops' }))).find((x) => x.name === 'incident channel');
    expect(c).toMatchObject({ status: 'pass', detail: '#ops (C2) exists and the bot is a member' });
  });

  it('treats a bot token without the signing secret or app token as bad configuration (exit 2)', async () => {
    fakeSlack({ 'auth.test': okAuth(MANIFEST_SCOPES) });
    const checks = await checkSlack(readEnvOptions({ SLACK_BOT_TOKEN: 'xoxb-test' }));
    expect(checks[0]).toMatchObject({ name: 'mode', status: 'fail', configuration: true });
    expect(exitCodeOf(checks)).toBe(2);
  });

  it('says Socket Mode when the app token is set, and skips Slack entirely without a bot token', async () => {
    fakeSlack({ 'auth.test': okAuth(MANIFEST_SCOPES) });
    const socket = await checkSlack(readEnvOptions({ SLACK_BOT_TOKEN: 'xoxb-test', SLACK_APP_TOKEN: 'xapp-test' }));
    expect(socket[0]?.detail).toBe('Socket Mode: SLACK_APP_TOKEN is set');
    const none = await checkSlack(readEnvOptions({}));
    expect(none).toHaveLength(1);
    expect(none[0]?.status).toBe('skip');
    const half = await checkSlack(readEnvOptions({ SLACK_APP_TOKEN: 'xapp-test' }));
    expect(half[0]).toMatchObject({ status: 'fail', configuration: true, detail: 'SLACK_APP_TOKEN is set but SLACK_BOT_TOKEN is not' });
  });
});
