import { afterEach, describe, expect, it } from 'vitest';
import { createApp, type StackmedicApp } from '../../../src/app/create-app.js';
import { readEnvOptions } from '../../../src/config/env.js';
import { ConfigError } from '../../../src/errors.js';
import type { Inventory } from '../../../src/inventory/types.js';
import { createSlackApp } from '../../../src/slack/app.js';

const inventory: Inventory = { cluster: 'c', knownHostsPath: '/dev/null', nodes: [], jumpHosts: [], source: 'inline' };
let app: StackmedicApp | undefined;

afterEach(async () => {
  await app?.close();
  app = undefined;
});

function build(vars: Record<string, string>) {
  const env = readEnvOptions({ STACKMEDIC_DB: ':memory:', ...vars });
  app = createApp({ inventory, env });
  return createSlackApp({ stackmedic: app, env });
}

describe('createSlackApp', () => {
  it('uses Socket Mode when SLACK_APP_TOKEN is set', () => {
    expect(build({ SLACK_BOT_TOKEN: 'xoxb-1', SLACK_APP_TOKEN: 'xapp-1' }).mode).toBe('socket');
  });

  it('uses HTTP mode with the signing secret otherwise', () => {
    expect(build({ SLACK_BOT_TOKEN: 'xoxb-1', SLACK_SIGNING_SECRET: 's' }).mode).toBe('http');
  });

  it('points the Web API client at SLACK_API_URL', () => {
    const slack = build({ SLACK_BOT_TOKEN: 'xoxb-1', SLACK_SIGNING_SECRET: 's', SLACK_API_URL: 'https://slack-gov.com/api/' });
    expect(slack.bolt.client.slackApiUrl).toBe('https://slack-gov.com/api/');
  });

  it.each([
    [{}, 'environment: SLACK_BOT_TOKEN: the bot token (xoxb-...) of the Slack app, to serve Slack'],
    [
      { SLACK_BOT_TOKEN: 'xoxb-1' },
      'environment: SLACK_APP_TOKEN or SLACK_SIGNING_SECRET: an app-level token (xapp-..., Socket Mode) or the signing secret (HTTP mode)',
    ],
  ])('refuses to start without credentials (%j)', (vars, message) => {
    expect(() => build(vars)).toThrow(ConfigError);
    expect(() => build(vars)).toThrow(message);
  });

  it('makes everyone a viewer without a permissions file', async () => {
    const slack = build({ SLACK_BOT_TOKEN: 'xoxb-1', SLACK_SIGNING_SECRET: 's' });
    expect(await slack.permissions.roleOf('UANYONE')).toBe('viewer');
  });
});
