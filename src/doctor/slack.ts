/**
 * Slack checks, when a bot token is set: the token works (auth.test), it has the scopes the
 * manifest asks for, the mode's credential is set, and the incident channel can be posted in.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import type { EnvOptions } from '../config/env.js';
import { packageRoot } from '../package-root.js';
import { checksOf, type Check } from './types.js';

const { pass, fail, warn, skip } = checksOf('slack');
const config = checksOf('slack', true);

/** The bot scopes `slack-manifest.yml` asks for (the file Slack apps are created from). */
export function manifestBotScopes(manifestPath = join(packageRoot(), 'slack-manifest.yml')): string[] {
  const doc = parseYaml(readFileSync(manifestPath, 'utf8')) as { oauth_config?: { scopes?: { bot?: unknown } } } | null;
  const bot = doc?.oauth_config?.scopes?.bot;
  return Array.isArray(bot) ? bot.filter((s): s is string => typeof s === 'string') : [];
}

/** What an error from the Slack client says, in one line: the API's error code when there is one. */
function slackError(error: unknown): { code: string; text: string } {
  const e = error as { code?: string; data?: { error?: string }; message?: string };
  if (e.data?.error) return { code: e.data.error, text: e.data.error };
  return { code: e.code ?? 'error', text: e.message ?? String(error) };
}

/** Minimal view of the Slack Web API calls the doctor makes. */
interface Api {
  apiCall(
    method: string,
    options?: Record<string, unknown>,
  ): Promise<Record<string, unknown> & { response_metadata?: { scopes?: string[]; next_cursor?: string } }>;
}

interface ChannelInfo {
  readonly id: string;
  readonly name?: string;
  readonly is_member?: boolean;
  readonly is_archived?: boolean;
  readonly is_private?: boolean;
}

const CHANNEL_ID = /^[CG][A-Z0-9]{2,}$/;

/** Finds a channel by id (conversations.info) or, for a name, among the channels the token can list. */
async function findChannel(api: Api, channel: string): Promise<ChannelInfo | undefined> {
  if (CHANNEL_ID.test(channel)) {
    try {
      const r = await api.apiCall('conversations.info', { channel });
      return r.channel as ChannelInfo;
    } catch (error) {
      if (slackError(error).code === 'channel_not_found') return undefined;
      throw error;
    }
  }
  const name = channel.replace(/^#/, '');
  let cursor: string | undefined;
  // Ten pages of a thousand: enough for any workspace a team runs operations from.
  for (let page = 0; page < 10; page++) {
    const r = await api.apiCall('conversations.list', {
      types: 'public_channel,private_channel',
      exclude_archived: true,
      limit: 1000,
      ...(cursor ? { cursor } : {}),
    });
    const found = (r.channels as ChannelInfo[] | undefined)?.find((c) => c.name === name);
    if (found) return found;
    cursor = r.response_metadata?.next_cursor || undefined;
    if (!cursor) break;
  }
  return undefined;
}

/** Options of `checkSlack`. */
export interface SlackCheckOptions {
  /** Scopes to require (default: the manifest's bot scopes). */
  readonly scopes?: readonly string[];
  /** Per-call timeout (default 10 s); no retries: the doctor reports what Slack answered first. */
  readonly timeoutMs?: number;
}

/** The Slack checks; a skip line when no Slack credential is set at all. */
export async function checkSlack(env: EnvOptions, options: SlackCheckOptions = {}): Promise<Check[]> {
  const { botToken, appToken, signingSecret, apiUrl } = env.slack;
  if (!botToken) {
    if (appToken || signingSecret) {
      return [
        config.fail(
          'SLACK_BOT_TOKEN',
          `${appToken ? 'SLACK_APP_TOKEN' : 'SLACK_SIGNING_SECRET'} is set but SLACK_BOT_TOKEN is not`,
          "set SLACK_BOT_TOKEN to the app's Bot User OAuth Token (xoxb-...), see docs/slack.md",
        ),
      ];
    }
    return [skip('Slack', 'not configured (SLACK_BOT_TOKEN not set): the console works; docs/slack.md sets Slack up')];
  }
  const checks: Check[] = [];
  if (appToken) checks.push(pass('mode', `Socket Mode: SLACK_APP_TOKEN is set${signingSecret ? ' (SLACK_SIGNING_SECRET is set too and not used)' : ''}`));
  else if (signingSecret) checks.push(pass('mode', `HTTP mode: SLACK_SIGNING_SECRET is set; Slack must reach port ${env.port} at /slack/events`));
  else {
    checks.push(
      config.fail(
        'mode',
        'neither SLACK_APP_TOKEN (Socket Mode) nor SLACK_SIGNING_SECRET (HTTP mode) is set',
        "set SLACK_APP_TOKEN to an app-level token with connections:write, or SLACK_SIGNING_SECRET to the app's signing secret",
      ),
    );
  }
  const { webApi } = await import('@slack/bolt');
  const api: Api = new webApi.WebClient(botToken, {
    ...(apiUrl ? { slackApiUrl: apiUrl } : {}),
    retryConfig: { retries: 0 },
    rejectRateLimitedCalls: true,
    timeout: options.timeoutMs ?? 10_000,
    logLevel: webApi.LogLevel.ERROR,
  }) as unknown as Api;
  const where = apiUrl ?? 'https://slack.com/api/';
  let auth: Awaited<ReturnType<Api['apiCall']>>;
  try {
    auth = await api.apiCall('auth.test');
  } catch (error) {
    const e = slackError(error);
    const invalid = ['invalid_auth', 'not_authed', 'account_inactive', 'token_revoked', 'token_expired'].includes(e.code);
    checks.push(
      fail(
        'token',
        `auth.test at ${where} answered ${e.text}`,
        invalid
          ? "SLACK_BOT_TOKEN is not a valid bot token of an installed app: copy the Bot User OAuth Token from the app's OAuth & Permissions page (reinstall the app if it was revoked)"
          : `check that ${where} is reachable from here (proxy? SLACK_API_URL?)`,
      ),
    );
    return checks;
  }
  checks.push(pass('token', `auth.test: bot ${String(auth.user ?? auth.user_id ?? '?')} in workspace ${String(auth.team ?? auth.team_id ?? '?')}`));
  const wanted = options.scopes ?? manifestBotScopes();
  const granted = auth.response_metadata?.scopes;
  if (!granted) {
    checks.push(
      warn(
        'scopes',
        'Slack did not say which scopes the token has (no x-oauth-scopes header)',
        `check in the app's OAuth & Permissions page that it has ${wanted.join(', ')}`,
      ),
    );
  } else {
    const missing = wanted.filter((s) => !granted.includes(s));
    if (missing.length === 0) checks.push(pass('scopes', `all ${wanted.length} scopes of slack-manifest.yml granted (${wanted.join(', ')})`));
    else {
      checks.push(
        fail(
          'scopes',
          `missing ${missing.join(', ')} of the scopes slack-manifest.yml asks for (granted: ${granted.join(', ') || 'none'})`,
          'add them under OAuth & Permissions → Bot Token Scopes (or recreate the app from slack-manifest.yml), then reinstall the app to the workspace',
        ),
      );
    }
  }
  const channel = env.incidentChannel;
  if (!channel) {
    checks.push(skip('incident channel', 'STACKMEDIC_INCIDENT_CHANNEL not set: the scheduler does not run and no incident threads are opened'));
    return checks;
  }
  try {
    const info = await findChannel(api, channel);
    if (!info) {
      checks.push(
        fail(
          'incident channel',
          `STACKMEDIC_INCIDENT_CHANNEL ${channel} not found`,
          'use the channel id (C..., in the channel details), and invite the bot to it if it is private (/invite @stackmedic)',
        ),
      );
    } else if (info.is_archived) {
      checks.push(fail('incident channel', `${channel} is archived`, 'unarchive it or pick another channel'));
    } else if (info.is_member) {
      checks.push(pass('incident channel', `${info.name ? `#${info.name}` : channel} (${info.id}) exists and the bot is a member`));
    } else if (!info.is_private && granted?.includes('chat:write.public')) {
      checks.push(
        warn(
          'incident channel',
          `${info.name ? `#${info.name}` : channel} (${info.id}) exists; the bot is not a member but may post there (chat:write.public)`,
          `invite it (/invite @stackmedic in ${info.name ? `#${info.name}` : channel}) so that it also sees the threads it opens`,
        ),
      );
    } else {
      checks.push(
        fail(
          'incident channel',
          `${info.name ? `#${info.name}` : channel} (${info.id}) exists but the bot is not a member and cannot post there`,
          `/invite @stackmedic in that channel`,
        ),
      );
    }
  } catch (error) {
    checks.push(fail('incident channel', `conversations.info answered ${slackError(error).text}`, 'check the channels:read scope and the channel id'));
  }
  return checks;
}
