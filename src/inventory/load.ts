import { readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, isAbsolute, resolve } from 'node:path';
import { parse as parseYaml, YAMLParseError } from 'yaml';
import type { ZodError } from 'zod';
import { ConfigError } from '../errors.js';
import { parseAnsibleIni, parseAnsibleYaml, proxyJumpOf, type AnsibleHost } from './ansible.js';
import { isValidNodeName } from './names.js';
import { nativeInventorySchema } from './native.js';
import type { Inventory, JumpHostSpec, NodeSpec } from './types.js';

/** Options that the inventory file itself may not carry (Ansible inventories have no known_hosts). */
export interface InventoryDefaults {
  /** known_hosts to use when the file names none; `~/.ssh/known_hosts` otherwise. */
  readonly knownHostsPath?: string | undefined;
  readonly openrcPath?: string | undefined;
}

function expandPath(path: string, base: string): string {
  if (path === '~' || path.startsWith('~/')) return resolve(homedir(), path.slice(2));
  return isAbsolute(path) ? path : resolve(base, path);
}

function zodToConfigError(file: string, error: ZodError): ConfigError {
  const issue = error.issues[0];
  const field = issue && issue.path.length > 0 ? issue.path.join('.') : '(top level)';
  return new ConfigError(file, field, issue?.message ?? 'a valid inventory');
}

/** Reads an inventory file: stackmedic YAML, Ansible YAML or Ansible INI, detected from content. */
export function loadInventory(file: string, defaults: InventoryDefaults = {}): Inventory {
  const path = resolve(file);
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new ConfigError(path, '(file)', code === 'ENOENT' ? 'an existing inventory file' : `a readable file (${code ?? 'read failed'})`);
  }
  return parseInventory(text, path, defaults);
}

/** Parses inventory text; `path` is used for messages and to resolve relative paths. */
export function parseInventory(text: string, path: string, defaults: InventoryDefaults = {}): Inventory {
  const looksIni = /^\s*\[[^\]]+\]\s*$/m.test(text) && !/^\s*[A-Za-z_]+:\s*/m.test(text.split('\n').find((l) => l.trim() && !l.trim().startsWith('#')) ?? '');
  if (looksIni) return fromAnsible(parseAnsibleIni(text, path), path, defaults);
  let doc: unknown;
  try {
    doc = parseYaml(text);
  } catch (error) {
    if (error instanceof YAMLParseError) {
      const pos = error.linePos?.[0];
      throw new ConfigError(path, pos ? `line ${pos.line}` : '(yaml)', `valid YAML (${error.code})`);
    }
    throw error;
  }
  if (doc !== null && typeof doc === 'object' && !Array.isArray(doc) && 'nodes' in doc) return fromNative(doc, path, defaults);
  if (doc !== null && typeof doc === 'object' && !Array.isArray(doc)) return fromAnsible(parseAnsibleYaml(doc, path), path, defaults);
  throw new ConfigError(path, '(top level)', 'a stackmedic inventory (with nodes:) or an Ansible inventory (all: / [group])');
}

function fromNative(doc: unknown, path: string, defaults: InventoryDefaults): Inventory {
  const parsed = nativeInventorySchema.safeParse(doc);
  if (!parsed.success) throw zodToConfigError(path, parsed.error);
  const inv = parsed.data;
  const base = dirname(path);
  const d = inv.defaults;
  const key = (k: string | undefined): string | undefined => (k ? expandPath(k, base) : undefined);
  const nodes: NodeSpec[] = inv.nodes.map((n) => {
    const user = n.user ?? d.user ?? 'root';
    return {
      name: n.name,
      address: n.address,
      port: n.port ?? d.port ?? 22,
      user,
      roles: n.roles,
      privateKeyPath: key(n.private_key ?? d.private_key),
      jump: n.jump ?? d.jump,
      become: n.become ?? d.become ?? user !== 'root',
    };
  });
  const jumpHosts: JumpHostSpec[] = inv.jump_hosts.map((j) => ({
    name: j.name,
    address: j.address,
    port: j.port ?? 22,
    user: j.user ?? d.user ?? 'root',
    privateKeyPath: key(j.private_key ?? d.private_key),
    jump: j.jump,
  }));
  return validate({
    cluster: inv.cluster,
    knownHostsPath: expandPath(inv.known_hosts ?? defaults.knownHostsPath ?? '~/.ssh/known_hosts', base),
    openrcPath: inv.openrc ?? defaults.openrcPath,
    nodes,
    jumpHosts,
    source: path,
  });
}

function fromAnsible(hosts: AnsibleHost[], path: string, defaults: InventoryDefaults): Inventory {
  const base = dirname(path);
  const jumpHosts = new Map<string, JumpHostSpec>();
  let knownHosts: string | undefined;
  let openrc: string | undefined;
  let cluster: string | undefined;
  const nodes: NodeSpec[] = hosts.map((h) => {
    const v = h.vars;
    const field = (name: string): string => `${h.name}.${name}`;
    if (!isValidNodeName(h.name)) throw new ConfigError(path, h.name, 'a host name of letters, digits, ".", "_" or "-"');
    const port = v.ansible_port ?? v.ansible_ssh_port;
    if (port !== undefined && !/^\d{1,5}$/.test(port)) throw new ConfigError(path, field('ansible_port'), 'a port number');
    const user = v.ansible_user ?? v.ansible_ssh_user ?? 'root';
    const keyFile = v.ansible_ssh_private_key_file ?? v.ansible_private_key_file;
    knownHosts ??= v.stackmedic_known_hosts;
    openrc ??= v.stackmedic_openrc;
    cluster ??= v.stackmedic_cluster;
    const proxy = proxyJumpOf(v.ansible_ssh_common_args ?? v.ansible_ssh_extra_args);
    let jump: string | undefined;
    if (proxy) {
      jump = hosts.some((o) => o.name === proxy.host) ? proxy.host : `jump-${proxy.host}`.replace(/[^A-Za-z0-9._-]/g, '-');
      if (!hosts.some((o) => o.name === proxy.host) && !jumpHosts.has(jump)) {
        jumpHosts.set(jump, {
          name: jump,
          address: proxy.host,
          port: proxy.port ?? 22,
          user: proxy.user ?? user,
          privateKeyPath: keyFile ? expandPath(keyFile, base) : undefined,
        });
      }
    }
    const become = v.ansible_become ?? v.become;
    return {
      name: h.name,
      address: v.ansible_host ?? v.ansible_ssh_host ?? h.name,
      port: port === undefined ? 22 : Number(port),
      user,
      roles: h.groups.length > 0 ? h.groups : ['ungrouped'],
      privateKeyPath: keyFile ? expandPath(keyFile, base) : undefined,
      jump,
      become: become !== undefined ? /^(true|yes|1)$/i.test(become) : user !== 'root',
    };
  });
  if (nodes.length === 0) throw new ConfigError(path, '(hosts)', 'at least one host');
  return validate({
    cluster: cluster ?? 'openstack',
    knownHostsPath: expandPath(knownHosts ?? defaults.knownHostsPath ?? '~/.ssh/known_hosts', base),
    openrcPath: openrc ?? defaults.openrcPath,
    nodes,
    jumpHosts: [...jumpHosts.values()],
    source: path,
  });
}

function validate(inv: Inventory): Inventory {
  const names = new Set<string>();
  for (const n of [...inv.nodes, ...inv.jumpHosts]) {
    if (names.has(n.name)) throw new ConfigError(inv.source, n.name, 'unique node names (this one appears twice)');
    names.add(n.name);
  }
  for (const n of [...inv.nodes, ...inv.jumpHosts]) {
    if (n.jump !== undefined && !names.has(n.jump))
      throw new ConfigError(inv.source, `${n.name}.jump`, `a node or jump host of this inventory (no "${n.jump}")`);
    if (n.jump === n.name) throw new ConfigError(inv.source, `${n.name}.jump`, 'another host than the node itself');
  }
  return inv;
}

/** Finds a node by inventory name. */
export function findNode(inventory: Inventory, name: string): NodeSpec | undefined {
  return inventory.nodes.find((n) => n.name === name);
}

/** Nodes having one of `roles`. */
export function nodesWithRole(inventory: Inventory, roles: readonly string[]): NodeSpec[] {
  return inventory.nodes.filter((n) => n.roles.some((r) => roles.includes(r)));
}
