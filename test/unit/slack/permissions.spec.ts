import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../../src/errors.js';
import { loadPermissions, parsePermissions, PermissionResolver } from '../../../src/slack/permissions.js';

describe('parsePermissions', () => {
  it('reads users, groups and channels', () => {
    const c = parsePermissions('users:\n  U012ADMIN: admin\ngroups:\n  S0OPS: operator\nchannels: [C0OPS, "#ops-war-room"]\n', 'p.yml');
    expect(c.users).toEqual({ U012ADMIN: 'admin' });
    expect(c.groups).toEqual({ S0OPS: 'operator' });
    expect(c.channels).toEqual(['C0OPS', 'ops-war-room']);
  });

  it('accepts an empty file as "no one has a role"', () => {
    expect(parsePermissions('', 'p.yml')).toMatchObject({ users: {}, groups: {}, channels: [] });
  });

  it.each([
    ['an unknown role', 'users:\n  U012: root\n', 'p.yml: users.U012: one of viewer, operator, admin'],
    ['a user name instead of an id', 'users:\n  alice: admin\n', 'p.yml: users.alice: a Slack user id like U012ABCDEF (profile → ⋮ → Copy member ID)'],
    ['a misspelt key', 'user:\n  U012: admin\n', 'p.yml: (top level): unknown key "user" (expected users, groups, channels, clusters)'],
    ['a list instead of a mapping', '- U012\n', 'p.yml: (top level): a mapping with users, groups and channels'],
    ['broken YAML', 'users: [\n', 'p.yml: (file): valid YAML'],
    ['a bad group id', 'groups:\n  ops: operator\n', 'p.yml: groups.ops: a Slack user group id like S012ABCDEF'],
  ])('rejects %s with a ConfigError naming the field', (_name, text, message) => {
    let error: unknown;
    try {
      parsePermissions(text, 'p.yml');
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as Error).message.startsWith(message)).toBe(true);
  });
});

describe('loadPermissions', () => {
  it('makes everyone a viewer without a file, keeping STACKMEDIC_CHANNELS', () => {
    const c = loadPermissions(undefined, ['C0OPS']);
    expect(c).toMatchObject({ users: {}, groups: {}, channels: ['C0OPS'] });
  });

  it('refuses to start on a missing file', () => {
    expect(() => loadPermissions('/nonexistent/permissions.yml')).toThrow(ConfigError);
    expect(() => loadPermissions('/nonexistent/permissions.yml')).toThrow(/STACKMEDIC_PERMISSIONS points at nothing/);
  });

  it('merges the file’s channels with STACKMEDIC_CHANNELS', () => {
    const path = join(mkdtempSync(join(tmpdir(), 'perm-')), 'p.yml');
    writeFileSync(path, 'channels: [C0OPS]\n');
    expect(loadPermissions(path, ['C0INC', 'C0OPS']).channels).toEqual(['C0OPS', 'C0INC']);
  });
});

describe('PermissionResolver', () => {
  const config = parsePermissions(
    'users:\n  U0ADMIN: admin\n  U0VIEW: viewer\ngroups:\n  S0OPS: operator\n  S0LEADS: admin\nchannels: [C0OPS, ops]\n',
    'p.yml',
  );

  it('gives direct users their role and everyone else viewer', async () => {
    const r = new PermissionResolver(config, async () => []);
    expect(await r.roleOf('U0ADMIN')).toBe('admin');
    expect(await r.roleOf('U0NOBODY')).toBe('viewer');
  });

  it('gives group members the highest group role', async () => {
    const r = new PermissionResolver(config, async (g) => (g === 'S0OPS' ? ['U0A', 'U0B'] : ['U0B']));
    expect(await r.roleOf('U0A')).toBe('operator');
    expect(await r.roleOf('U0B')).toBe('admin');
    expect(await r.roleOf('U0VIEW')).toBe('viewer');
  });

  it('caches group members for the TTL, then asks Slack again', async () => {
    let now = 0;
    let calls = 0;
    let members = ['U0A'];
    const r = new PermissionResolver(
      config,
      async (g) => {
        calls += 1;
        return g === 'S0OPS' ? members : [];
      },
      { groupTtlMs: 1000, now: () => now },
    );
    expect(await r.roleOf('U0A')).toBe('operator');
    const afterFirst = calls;
    members = [];
    expect(await r.roleOf('U0A')).toBe('operator');
    expect(calls).toBe(afterFirst);
    now = 1500;
    expect(await r.roleOf('U0A')).toBe('viewer');
    expect(calls).toBeGreaterThan(afterFirst);
  });

  it('grants nothing when the group lookup fails, and says why', async () => {
    const warnings: string[] = [];
    const r = new PermissionResolver(config, async () => Promise.reject(new Error('missing_scope')), { warn: (m) => warnings.push(m) });
    expect(await r.roleOf('U0A')).toBe('viewer');
    expect(warnings[0]).toContain('could not list members of user group S0OPS: missing_scope');
  });

  it('accepts commands only in the configured channels, by id or name', () => {
    const r = new PermissionResolver(config, async () => []);
    expect(r.channelAllowed('C0OPS')).toBe(true);
    expect(r.channelAllowed('C0XYZ', 'ops')).toBe(true);
    expect(r.channelAllowed('C0XYZ', 'random')).toBe(false);
    expect(r.allowedChannelsText()).toBe('<#C0OPS>, #ops');
    expect(new PermissionResolver(loadPermissions(undefined), async () => []).channelAllowed('CANY')).toBe(true);
  });
});
