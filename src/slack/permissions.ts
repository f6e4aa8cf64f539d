import { readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { ConfigError } from '../errors.js';
import type { PermissionRole } from '../router/types.js';
import { roleAllows } from '../router/router.js';

/** Who may do what, and where: the parsed STACKMEDIC_PERMISSIONS file. */
export interface PermissionsConfig {
  /** Slack user id (U…/W…) to role. */
  readonly users: Readonly<Record<string, PermissionRole>>;
  /** Slack user group id (S…) to role: members get the role. */
  readonly groups: Readonly<Record<string, PermissionRole>>;
  /** Channels (ids like C0123, or names) where commands are accepted; empty means any. */
  readonly channels: readonly string[];
  /** Where this came from, for messages. */
  readonly source: string;
}

const ROLE = z.enum(['viewer', 'operator', 'admin'], { errorMap: () => ({ message: 'one of viewer, operator, admin' }) });
const USER_ID = /^[UW][A-Z0-9]{2,}$/;
const GROUP_ID = /^S[A-Z0-9]{2,}$/;
const CHANNEL = /^(?:[CGD][A-Z0-9]{2,}|#?[a-z0-9][a-z0-9._-]{0,79})$/;

const FILE = z
  .object({
    users: z.record(z.string().regex(USER_ID, 'a Slack user id like U012ABCDEF (profile → ⋮ → Copy member ID)'), ROLE).default({}),
    groups: z.record(z.string().regex(GROUP_ID, 'a Slack user group id like S012ABCDEF'), ROLE).default({}),
    channels: z.array(z.string().regex(CHANNEL, 'a channel id like C012ABCDEF or a channel name like ops')).default([]),
  })
  .strict();

/** The configuration when there is no permissions file: everyone is a viewer, nobody can act. */
export function defaultPermissions(channels: readonly string[] = []): PermissionsConfig {
  return { users: {}, groups: {}, channels, source: '(no permissions file: everyone is a viewer)' };
}

/** Parses a permissions file's text; `source` names it in errors. Throws ConfigError. */
export function parsePermissions(text: string, source: string): PermissionsConfig {
  let raw: unknown;
  try {
    raw = parseYaml(text);
  } catch (error) {
    throw new ConfigError(source, '(file)', `valid YAML (${error instanceof Error ? error.message.split('\n')[0] : String(error)})`);
  }
  const parsed = FILE.safeParse(raw ?? {});
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const field = issue?.path.length ? issue.path.join('.') : '(top level)';
    const expected =
      issue?.code === 'unrecognized_keys'
        ? `unknown key ${issue.keys.map((k) => `"${k}"`).join(', ')} (expected users, groups, channels)`
        : issue?.code === 'invalid_type' && issue.path.length === 0
          ? 'a mapping with users, groups and channels'
          : (issue?.message ?? 'a valid permissions file');
    throw new ConfigError(source, field, expected);
  }
  return { ...parsed.data, channels: parsed.data.channels.map((c) => c.replace(/^#/, '')), source };
}

/** Reads STACKMEDIC_PERMISSIONS (or the safe default without it); extra channels come from STACKMEDIC_CHANNELS. */
export function loadPermissions(path: string | undefined, envChannels: readonly string[] = []): PermissionsConfig {
  if (!path) return defaultPermissions(envChannels.map((c) => c.replace(/^#/, '')));
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new ConfigError(
      path,
      '(file)',
      code === 'ENOENT' ? 'an existing file (STACKMEDIC_PERMISSIONS points at nothing)' : `a readable file (${code ?? String(error)})`,
    );
  }
  const config = parsePermissions(text, path);
  return { ...config, channels: [...new Set([...config.channels, ...envChannels.map((c) => c.replace(/^#/, ''))])] };
}

/** Lists the members of a Slack user group (usergroups.users.list). */
export type GroupMembers = (groupId: string) => Promise<readonly string[]>;

/** Options of the resolver. */
export interface PermissionResolverOptions {
  /** How long a group's member list is trusted before asking Slack again. */
  readonly groupTtlMs?: number;
  readonly now?: () => number;
  readonly warn?: (message: string) => void;
}

/** Decides a Slack user's role (user entry or group membership) and whether a channel is allowed. */
export class PermissionResolver {
  private readonly cache = new Map<string, { members: ReadonlySet<string>; at: number }>();
  private readonly ttl: number;
  private readonly now: () => number;

  constructor(
    readonly config: PermissionsConfig,
    private readonly groupMembers: GroupMembers,
    private readonly options: PermissionResolverOptions = {},
  ) {
    this.ttl = options.groupTtlMs ?? 5 * 60_000;
    this.now = options.now ?? Date.now;
  }

  /** The highest role the user has directly or through a group; viewer by default. */
  async roleOf(userId: string): Promise<PermissionRole> {
    let role: PermissionRole = this.config.users[userId] ?? 'viewer';
    for (const [group, groupRole] of Object.entries(this.config.groups)) {
      if (roleAllows(role, groupRole)) continue;
      if ((await this.members(group)).has(userId)) role = groupRole;
    }
    return role;
  }

  /** Whether commands are accepted in this channel (by id or name). */
  channelAllowed(channelId: string, channelName?: string): boolean {
    const allowed = this.config.channels;
    if (allowed.length === 0) return true;
    return allowed.includes(channelId) || (channelName !== undefined && allowed.includes(channelName));
  }

  /** The allowed channels as Slack mrkdwn (`<#C0123>` links for ids, `#name` otherwise). */
  allowedChannelsText(): string {
    return this.config.channels.map((c) => (/^[CGD][A-Z0-9]{2,}$/.test(c) ? `<#${c}>` : `#${c}`)).join(', ');
  }

  private async members(group: string): Promise<ReadonlySet<string>> {
    const cached = this.cache.get(group);
    if (cached && this.now() - cached.at < this.ttl) return cached.members;
    try {
      const members = new Set(await this.groupMembers(group));
      this.cache.set(group, { members, at: this.now() });
      return members;
    } catch (error) {
      // Failing closed: an unknown membership grants nothing, but a stale list is better than none.
      this.options.warn?.(`could not list members of user group ${group}: ${error instanceof Error ? error.message : String(error)}`);
      return cached?.members ?? new Set();
    }
  }
}
