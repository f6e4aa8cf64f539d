import { ConfigError } from '../errors.js';
import { VaultedValue } from './yaml-doc.js';

/** Host variables as Ansible gives them: every value a string (lists joined with commas). */
export type AnsibleVars = Record<string, string>;

/**
 * Stands in for a vaulted value in `AnsibleVars`, so that variable precedence still applies
 * (a host's plain value beats its group's vaulted one) and the loader knows what it lost.
 */
export const VAULTED = '\u0000vaulted';

/** One group: its direct hosts, child groups and own variables. */
export interface AnsibleGroup {
  readonly hosts: Set<string>;
  readonly children: Set<string>;
  readonly vars: AnsibleVars;
}

/** Where a vaulted variable was set (`group all`, `host node-3`). */
export interface VaultedVariable {
  readonly scope: string;
  readonly variable: string;
}

/** An Ansible inventory as read from one or more files, before groups are resolved. */
export class AnsibleTree {
  readonly groups = new Map<string, AnsibleGroup>();
  /** Host variables, wherever the host was listed. */
  readonly hostVars = new Map<string, AnsibleVars>();
  readonly vaulted: VaultedVariable[] = [];

  /** The group named `name`, created empty when new. */
  group(name: string): AnsibleGroup {
    let g = this.groups.get(name);
    if (!g) {
      g = { hosts: new Set(), children: new Set(), vars: {} };
      this.groups.set(name, g);
    }
    return g;
  }

  /** Lists `host` in `group`, merging `vars` into its host variables. */
  addHost(group: string, host: string, vars: AnsibleVars = {}): void {
    this.group(group).hosts.add(host);
    this.hostVars.set(host, { ...this.hostVars.get(host), ...vars });
  }
}

/** An Ansible inventory host with its groups resolved and variables merged. */
export interface AnsibleHost {
  readonly name: string;
  /** Every group the host is in, parents included (`all` and `ungrouped` left out), outermost first. */
  readonly groups: string[];
  /** The groups that list the host itself. */
  readonly directGroups: string[];
  /** Variables merged as Ansible does: all < parent group < child group < host. */
  readonly vars: AnsibleVars;
  /** Variables set on the host itself. */
  readonly ownVars: AnsibleVars;
}

/** Splits `a=1 b='x y'` into key/value pairs, honouring quotes as Ansible's INI parser does. */
export function parseKeyValues(text: string, file: string, lineNo: number): AnsibleVars {
  const vars: AnsibleVars = {};
  const re = /\s*([A-Za-z_][A-Za-z0-9_]*)=("(?:[^"\\]|\\.)*"|'[^']*'|\S*)/y;
  let rest = text.trim();
  while (rest.length > 0) {
    if (rest.startsWith('#') || rest.startsWith(';')) break;
    re.lastIndex = 0;
    const m = re.exec(rest);
    if (!m || m[1] === undefined || m[2] === undefined) {
      throw new ConfigError(file, `line ${lineNo}`, `key=value pairs after the host name, got "${rest.slice(0, 40)}"`);
    }
    let value = m[2];
    if ((value.startsWith('"') && value.endsWith('"')) || (value.startsWith("'") && value.endsWith("'"))) {
      value = value.slice(1, -1);
    }
    vars[m[1]] = value;
    rest = rest.slice(m[0].length).trim();
  }
  return vars;
}

/**
 * Expands Ansible host patterns: `node-[01:03]` (leading zeros kept), `node-[a:c]` and strides
 * `[0:10:2]`; `host:2222` sets the port as Ansible's INI format does.
 */
export function expandHostPattern(pattern: string, file: string, where: string): { names: string[]; port?: string } {
  let name = pattern;
  let port: string | undefined;
  const withPort = /^([^:[\]]+|.*\])(?::(\d{1,5}))$/.exec(pattern);
  if (withPort?.[1] && withPort[2]) {
    name = withPort[1];
    port = withPort[2];
  }
  const m = /^(.*?)\[([0-9]+|[a-z]):([0-9]+|[a-z])(?::([0-9]+))?\](.*)$/.exec(name);
  if (!m) {
    if (/[[\]]/.test(name)) throw new ConfigError(file, where, 'host ranges like node-[01:03] or node-[a:c]');
    return { names: [name], ...(port ? { port } : {}) };
  }
  const [, head = '', from = '', to = '', strideText, tail = ''] = m;
  const stride = strideText ? Number(strideText) : 1;
  const numeric = /^\d+$/.test(from) && /^\d+$/.test(to);
  if (!numeric && (/^\d+$/.test(from) || /^\d+$/.test(to))) throw new ConfigError(file, where, 'a host range of numbers or of letters, not both');
  const start = numeric ? Number(from) : from.charCodeAt(0);
  const end = numeric ? Number(to) : to.charCodeAt(0);
  if (end < start || stride < 1) throw new ConfigError(file, where, 'a host range whose end is not before its start');
  if ((end - start) / stride > 10_000) throw new ConfigError(file, where, 'a host range of at most 10000 hosts');
  const names: string[] = [];
  for (let i = start; i <= end; i += stride) {
    const part = numeric ? String(i).padStart(from.startsWith('0') ? from.length : 0, '0') : String.fromCharCode(i);
    // The tail may hold another range: Ansible expands them all.
    names.push(...expandHostPattern(`${head}${part}${tail}`, file, where).names);
  }
  return { names, ...(port ? { port } : {}) };
}

/** Reads an Ansible INI inventory (`[group]`, `[group:vars]`, `[group:children]`) into `tree`. */
export function readAnsibleIni(text: string, file: string, tree: AnsibleTree): void {
  let section = 'ungrouped';
  let kind: 'hosts' | 'vars' | 'children' = 'hosts';
  text.split(/\r?\n/).forEach((raw, i) => {
    const lineNo = i + 1;
    const line = raw.replace(/^\s+/, '');
    if (line === '' || line.startsWith('#') || line.startsWith(';')) return;
    const header = /^\[([^\]:]+)(?::(vars|children))?\]\s*(?:[#;].*)?$/.exec(line);
    if (header && header[1]) {
      section = header[1].trim();
      kind = (header[2] as 'vars' | 'children' | undefined) ?? 'hosts';
      tree.group(section);
      return;
    }
    if (line.startsWith('[')) throw new ConfigError(file, `line ${lineNo}`, 'a section header like [controller] or [all:vars]');
    const g = tree.group(section);
    if (kind === 'vars') {
      Object.assign(g.vars, parseKeyValues(line, file, lineNo));
    } else if (kind === 'children') {
      const child = line.trim().split(/\s+/)[0] ?? '';
      g.children.add(child);
      tree.group(child);
    } else {
      const [pattern = '', ...rest] = line.trim().split(/\s+/);
      const vars = parseKeyValues(rest.join(' '), file, lineNo);
      const { names, port } = expandHostPattern(pattern, file, `line ${lineNo}`);
      for (const host of names) tree.addHost(section, host, port ? { ansible_port: port, ...vars } : vars);
    }
  });
}

/** Turns a YAML/JSON variables mapping into `AnsibleVars`; vaulted values become `VAULTED`. */
export function readVars(value: unknown, file: string, field: string, scope: string, tree: AnsibleTree): AnsibleVars {
  if (value === null || value === undefined) return {};
  if (typeof value !== 'object' || Array.isArray(value)) throw new ConfigError(file, field, 'a mapping of variables');
  const vars: AnsibleVars = {};
  for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
    if (v instanceof VaultedValue) {
      vars[k] = VAULTED;
      tree.vaulted.push({ scope, variable: k });
    } else if (Array.isArray(v)) {
      // Lists of plain values (stackmedic_roles: [controller]) are kept; lists of mappings are
      // data for playbooks, not for connecting.
      if (v.every((x) => x !== null && typeof x !== 'object')) vars[k] = v.map(String).join(',');
    } else if (v !== null && v !== undefined && typeof v !== 'object') {
      vars[k] = String(v);
    }
  }
  return vars;
}

const GROUP_KEYS = ['hosts', 'vars', 'children'];

/** Whether a YAML value has the shape of an Ansible group (`hosts`, `vars`, `children`, or empty). */
export function looksLikeYamlGroup(body: unknown): boolean {
  if (body === null || body === undefined) return true;
  if (typeof body !== 'object' || Array.isArray(body)) return false;
  const keys = Object.keys(body);
  return keys.length === 0 || keys.some((k) => GROUP_KEYS.includes(k));
}

/** Reads an Ansible YAML inventory (`all: { hosts, vars, children }`), already parsed, into `tree`. */
export function readAnsibleYaml(doc: unknown, file: string, tree: AnsibleTree): void {
  const visit = (name: string, body: unknown, path: string): void => {
    const g = tree.group(name);
    if (body === null || body === undefined) return;
    if (typeof body !== 'object' || Array.isArray(body)) throw new ConfigError(file, path, 'a group mapping with hosts, vars or children');
    const b = body as Record<string, unknown>;
    for (const key of Object.keys(b)) {
      if (!GROUP_KEYS.includes(key)) throw new ConfigError(file, `${path}.${key}`, 'only hosts, vars and children in a group');
    }
    Object.assign(g.vars, readVars(b.vars, file, `${path}.vars`, `group ${name}`, tree));
    const hosts = b.hosts;
    if (hosts !== null && hosts !== undefined) {
      if (typeof hosts !== 'object' || Array.isArray(hosts)) throw new ConfigError(file, `${path}.hosts`, 'a mapping of host names');
      for (const [pattern, vars] of Object.entries(hosts)) {
        const { names, port } = expandHostPattern(pattern, file, `${path}.hosts.${pattern}`);
        for (const host of names) {
          const read = readVars(vars, file, `${path}.hosts.${pattern}`, `host ${host}`, tree);
          tree.addHost(name, host, port ? { ansible_port: port, ...read } : read);
        }
      }
    }
    const children = b.children;
    if (children !== null && children !== undefined) {
      if (typeof children !== 'object' || Array.isArray(children)) throw new ConfigError(file, `${path}.children`, 'a mapping of group names');
      for (const [child, childBody] of Object.entries(children)) {
        g.children.add(child);
        visit(child, childBody, `${path}.children.${child}`);
      }
    }
  };
  if (doc === null || typeof doc !== 'object' || Array.isArray(doc)) throw new ConfigError(file, '(top level)', 'a mapping of groups, e.g. all:');
  for (const [name, body] of Object.entries(doc)) visit(name, body, name);
}

/** Resolves group membership (through children) and merges variables: all < parent < child < host. */
export function flattenAnsible(tree: AnsibleTree): AnsibleHost[] {
  const parents = new Map<string, string[]>();
  for (const [name, g] of tree.groups) for (const c of g.children) parents.set(c, [...(parents.get(c) ?? []), name]);
  // A group's ancestors, outermost first, computed once per group: generated inventories
  // (OpenStack-Ansible, TripleO) have hundreds of groups nested several levels deep.
  const memo = new Map<string, string[]>();
  const ancestry = (name: string, visiting: Set<string>): string[] => {
    const known = memo.get(name);
    if (known) return known;
    if (visiting.has(name)) return [];
    visiting.add(name);
    const chain = [...new Set([...(parents.get(name) ?? []).flatMap((p) => ancestry(p, visiting)), name])];
    visiting.delete(name);
    memo.set(name, chain);
    return chain;
  };
  const direct = new Map<string, string[]>();
  for (const [name, g] of tree.groups) for (const host of g.hosts) direct.set(host, [...(direct.get(host) ?? []), name]);
  const names = [...new Set([...direct.keys(), ...tree.hostVars.keys()])];
  return names.map((name) => {
    const directGroups = direct.get(name) ?? [];
    const chain = new Set<string>(['all']);
    for (const g of directGroups) for (const a of ancestry(g, new Set())) chain.add(a);
    const ownVars = tree.hostVars.get(name) ?? {};
    const vars: AnsibleVars = {};
    for (const g of chain) Object.assign(vars, tree.groups.get(g)?.vars ?? {});
    Object.assign(vars, ownVars);
    const skip = (g: string): boolean => g === 'all' || g === 'ungrouped';
    return { name, groups: [...chain].filter((g) => !skip(g)), directGroups: directGroups.filter((g) => !skip(g)), vars, ownVars };
  });
}

/** Reads `-o ProxyJump=user@host:port` (or `-J host`) out of `ansible_ssh_common_args`. */
export function proxyJumpOf(args: string | undefined): { user?: string; host: string; port?: number } | undefined {
  if (!args) return undefined;
  const m = /(?:-o\s*ProxyJump=|-J\s+)([^\s'",]+)/.exec(args);
  if (!m || !m[1]) return undefined;
  const hm = /^(?:([^@]+)@)?([^:]+)(?::(\d+))?$/.exec(m[1]);
  if (!hm || !hm[2]) return undefined;
  return { ...(hm[1] ? { user: hm[1] } : {}), host: hm[2], ...(hm[3] ? { port: Number(hm[3]) } : {}) };
}
