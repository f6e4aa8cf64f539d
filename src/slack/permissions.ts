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
  /** Channel (id or name) to the cluster its commands run on, when the inventory holds several. */
  readonly bindings?: Readonly<Record<string, string>>;
  /** Roles granted on one cluster only, on top of `users` and `groups` (which hold on every cluster). */
  readonly clusters?: Readonly<Record<string, ClusterGrants>>;
  /** Where this came from, for messages. */
  readonly source: string;
}

/** The roles a cluster's `clusters:` entry grants. */
export interface ClusterGrants {
  readonly users: Readonly<Record<string, PermissionRole>>;
  readonly groups: Readonly<Record<string, PermissionRole>>;
}

const ROLE = z.enum(['viewer', 'operator', 'admin'], { errorMap: () => ({ message: 'one of viewer, operator, admin' }) });
const USER_ID = /^[UW][A-Z0-9]{2,}$/;
const GROUP_ID = /^S[A-Z0-9]{2,}$/;
const CHANNEL = /^(?:[CGD][A-Z0-9]{2,}|#?[a-z0-9][a-z0-9._-]{0,79})$/;

const CLUSTER = /^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$/;
const CHANNEL_HINT = 'a channel id like C012ABCDEF or a channel name like ops';
const CLUSTER_HINT = 'a cluster name of the inventory';

const grants = {
  users: z.record(z.string().regex(USER_ID, 'a Slack user id like U012ABCDEF (profile → ⋮ → Copy member ID)'), ROLE).default({}),
  groups: z.record(z.string().regex(GROUP_ID, 'a Slack user group id like S012ABCDEF'), ROLE).default({}),
};

/** `C0123` (accepted, no cluster) or `C0123=east` (accepted, bound to east), as in STACKMEDIC_CHANNELS. */
const CHANNEL_ENTRY = z.string().refine((v) => parseChannelEntry(v) !== undefined, { message: `${CHANNEL_HINT}, or CHANNEL=CLUSTER to bind it to a cluster` });

const FILE = z
  .object({
    ...grants,
    // A list (as before; an entry may say CHANNEL=CLUSTER), or a mapping of each channel to its cluster.
    channels: z.union([z.array(CHANNEL_ENTRY), z.record(z.string().regex(CHANNEL, CHANNEL_HINT), z.string().regex(CLUSTER, CLUSTER_HINT))]).default([]),
    clusters: z.record(z.string().regex(CLUSTER, CLUSTER_HINT), z.object(grants).strict()).default({}),
  })
  .strict();

/** Reads `C0123`, `#ops` or `C0123=east`; undefined when it is not a channel entry. */
export function parseChannelEntry(entry: string): { readonly channel: string; readonly cluster?: string } | undefined {
  const [channel = '', cluster, ...more] = entry.trim().split('=');
  if (more.length > 0 || !CHANNEL.test(channel)) return undefined;
  if (cluster === undefined) return { channel: channel.replace(/^#/, '') };
  return CLUSTER.test(cluster) ? { channel: channel.replace(/^#/, ''), cluster } : undefined;
}

/** The accepted channels and the bindings of channel entries (the file's list or STACKMEDIC_CHANNELS). */
function channelsOf(entries: readonly string[] | Readonly<Record<string, string>>, source: string): { channels: string[]; bindings: Record<string, string> } {
  const pairs: [string, string | undefined][] = Array.isArray(entries)
    ? (entries as readonly string[]).map((e) => {
        const parsed = parseChannelEntry(e);
        if (!parsed) throw new ConfigError(source, 'channels', `${CHANNEL_HINT}, or CHANNEL=CLUSTER (got "${e}")`);
        return [parsed.channel, parsed.cluster];
      })
    : Object.entries(entries).map(([c, cluster]) => [c.replace(/^#/, ''), cluster]);
  const bindings: Record<string, string> = {};
  for (const [channel, cluster] of pairs) {
    if (cluster === undefined) continue;
    const earlier = bindings[channel];
    if (earlier !== undefined && earlier !== cluster)
      throw new ConfigError(source, 'channels', `one cluster per channel (${channel} is bound to ${earlier} and ${cluster})`);
    bindings[channel] = cluster;
  }
  return { channels: [...new Set(pairs.map(([c]) => c))], bindings };
}

/** The configuration when there is no permissions file: everyone is a viewer, nobody can act. */
export function defaultPermissions(channels: readonly string[] = []): PermissionsConfig {
  const source = '(no permissions file: everyone is a viewer)';
  return { users: {}, groups: {}, ...channelsOf(channels, 'STACKMEDIC_CHANNELS'), clusters: {}, source };
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
        ? `unknown key ${issue.keys.map((k) => `"${k}"`).join(', ')} (expected ${issue.path.length > 0 ? 'users, groups' : 'users, groups, channels, clusters'})`
        : issue?.code === 'invalid_type' && issue.path.length === 0
          ? 'a mapping with users, groups and channels (and clusters)'
          : issue?.code === 'invalid_union'
            ? `a list of channels (CHANNEL or CHANNEL=CLUSTER), or a mapping of each channel to its cluster`
            : (issue?.message ?? 'a valid permissions file');
    throw new ConfigError(source, field, expected);
  }
  const { channels, bindings } = channelsOf(parsed.data.channels, source);
  return { users: parsed.data.users, groups: parsed.data.groups, channels, bindings, clusters: parsed.data.clusters, source };
}

/**
 * Checks that every cluster the permissions name (bindings, per-cluster grants) is one the
 * inventory has: a typo would otherwise bind a channel to nothing, or grant nothing, silently.
 */
export function checkClusterNames(config: PermissionsConfig, clusters: readonly string[]): void {
  const named = [
    ...Object.entries(config.bindings ?? {}).map(([channel, cluster]) => ({ field: `channels.${channel}`, cluster })),
    ...Object.keys(config.clusters ?? {}).map((cluster) => ({ field: `clusters.${cluster}`, cluster })),
  ];
  for (const { field, cluster } of named) {
    if (!clusters.includes(cluster))
      throw new ConfigError(config.source, field, `a cluster of the inventory (${clusters.join(', ')}); there is no "${cluster}"`);
  }
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
  const fromEnv = channelsOf(envChannels, 'STACKMEDIC_CHANNELS');
  for (const [channel, cluster] of Object.entries(fromEnv.bindings)) {
    const inFile = config.bindings?.[channel];
    if (inFile !== undefined && inFile !== cluster) {
      throw new ConfigError('STACKMEDIC_CHANNELS', channel, `the cluster ${path} binds it to (${inFile}), or no binding here (got ${cluster})`);
    }
  }
  return {
    ...config,
    channels: [...new Set([...config.channels, ...fromEnv.channels])],
    bindings: { ...fromEnv.bindings, ...config.bindings },
  };
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

  /**
   * The highest role the user has directly or through a group; viewer by default. On `cluster`,
   * what that cluster's entry grants counts too (a grant on one cluster never reaches another).
   */
  async roleOf(userId: string, cluster?: string): Promise<PermissionRole> {
    const own = cluster === undefined ? undefined : this.config.clusters?.[cluster];
    const sources = own ? [this.config, own] : [this.config];
    let role: PermissionRole = 'viewer';
    for (const s of sources) {
      const direct = s.users[userId];
      if (direct && !roleAllows(role, direct)) role = direct;
    }
    for (const s of sources) {
      for (const [group, groupRole] of Object.entries(s.groups)) {
        if (roleAllows(role, groupRole)) continue;
        if ((await this.members(group)).has(userId)) role = groupRole;
      }
    }
    return role;
  }

  /** The cluster a channel is bound to (by id or name), if any. */
  clusterOf(channelId: string, channelName?: string): string | undefined {
    const b = this.config.bindings ?? {};
    return b[channelId] ?? (channelName !== undefined ? b[channelName] : undefined);
  }

  /** The channels bound to `cluster`, in the order the configuration gives them. */
  channelsOf(cluster: string): string[] {
    return Object.entries(this.config.bindings ?? {})
      .filter(([, c]) => c === cluster)
      .map(([channel]) => channel);
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
