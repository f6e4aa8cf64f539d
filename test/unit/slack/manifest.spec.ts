import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { builtinFamilies } from '../../../commands/index.js';
import { SLACK_EVENTS_PATH, SLASH_COMMANDS } from '../../../src/slack/app.js';

interface Manifest {
  features: { slash_commands: { command: string; url: string }[] };
  oauth_config: { scopes: { bot: string[] } };
  settings: { interactivity: { is_enabled: boolean; request_url: string }; socket_mode_enabled: boolean };
}

const manifest = parse(readFileSync(join(import.meta.dirname, '../../../slack-manifest.yml'), 'utf8')) as Manifest;

describe('slack-manifest.yml', () => {
  it('declares every slash command the adapter serves, on the events path', () => {
    expect(manifest.features.slash_commands.map((c) => c.command).sort()).toEqual(SLASH_COMMANDS.map((c) => `/${c}`).sort());
    for (const c of manifest.features.slash_commands) expect(c.url.endsWith(SLACK_EVENTS_PATH)).toBe(true);
  });

  it('lists the same slash commands as the command families and the adapter: one set, three places checked', () => {
    const families = builtinFamilies.map((f) => `/${f.name}`).sort();
    expect(families).toEqual(SLASH_COMMANDS.map((c) => `/${c}`).sort());
    expect(families).toEqual(manifest.features.slash_commands.map((c) => c.command).sort());
  });

  it('asks for the scopes stackmedic uses, and interactivity for the buttons', () => {
    expect(manifest.oauth_config.scopes.bot.sort()).toEqual(['channels:read', 'chat:write', 'chat:write.public', 'commands', 'files:write', 'usergroups:read']);
    expect(manifest.settings.interactivity.is_enabled).toBe(true);
    expect(manifest.settings.socket_mode_enabled).toBe(true);
  });
});
