import { ConfigError } from '../errors.js';

/** Host variables as Ansible gives them: every value a string. */
export type AnsibleVars = Record<string, string>;

/** An Ansible inventory flattened to hosts, their groups and merged variables. */
export interface AnsibleHost {
  readonly name: string;
  readonly groups: string[];
  readonly vars: AnsibleVars;
}

interface GroupDef {
  hosts: Map<string, AnsibleVars>;
  children: Set<string>;
  vars: AnsibleVars;
}

function group(groups: Map<string, GroupDef>, name: string): GroupDef {
  let g = groups.get(name);
  if (!g) {
    g = { hosts: new Map(), children: new Set(), vars: {} };
    groups.set(name, g);
  }
  return g;
}

/** Splits `a=1 b='x y'` into key/value pairs, honouring quotes as Ansible's INI parser does. */
export function parseKeyValues(text: string, file: string, lineNo: number): AnsibleVars {
  const vars: AnsibleVars = {};
  const re = /\s*([A-Za-z_][A-Za-z0-9_]*)=("(?:[^"\\]|\\.)*"|'[^']*'|\S*)/y;
  let rest = text.trim();
  while (rest.length > 0) {
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

/** Parses an Ansible INI inventory (`[group]`, `[group:vars]`, `[group:children]`). */
export function parseAnsibleIni(text: string, file: string): AnsibleHost[] {
  const groups = new Map<string, GroupDef>();
  let section = 'ungrouped';
  let kind: 'hosts' | 'vars' | 'children' = 'hosts';
  text.split(/\r?\n/).forEach((raw, i) => {
    const lineNo = i + 1;
    const line = raw.replace(/^\s+/, '');
    if (line === '' || line.startsWith('#') || line.startsWith(';')) return;
    const header = /^\[([^\]:]+)(?::(vars|children))?\]\s*$/.exec(line);
    if (header && header[1]) {
      section = header[1].trim();
      kind = (header[2] as 'vars' | 'children' | undefined) ?? 'hosts';
      group(groups, section);
      return;
    }
    if (line.startsWith('[')) throw new ConfigError(file, `line ${lineNo}`, 'a section header like [controller] or [all:vars]');
    const g = group(groups, section);
    if (kind === 'vars') {
      Object.assign(g.vars, parseKeyValues(line, file, lineNo));
    } else if (kind === 'children') {
      g.children.add(line.trim());
      group(groups, line.trim());
    } else {
      const [host = '', ...rest] = line.trim().split(/\s+/);
      if (/[[\]]/.test(host)) throw new ConfigError(file, `line ${lineNo}`, 'one host per line (host ranges like node-[1:3] are not supported)');
      g.hosts.set(host, parseKeyValues(rest.join(' '), file, lineNo));
    }
  });
  return flatten(groups);
}

function asVars(value: unknown, file: string, field: string): AnsibleVars {
  if (value === null || value === undefined) return {};
  if (typeof value !== 'object' || Array.isArray(value)) throw new ConfigError(file, field, 'a mapping of variables');
  const vars: AnsibleVars = {};
  for (const [k, v] of Object.entries(value)) {
    if (v !== null && typeof v === 'object') continue;
    vars[k] = String(v);
  }
  return vars;
}

/** Parses an Ansible YAML inventory (`all: { hosts, vars, children }`) already loaded as data. */
export function parseAnsibleYaml(doc: unknown, file: string): AnsibleHost[] {
  const groups = new Map<string, GroupDef>();
  const visit = (name: string, body: unknown, path: string): void => {
    const g = group(groups, name);
    if (body === null || body === undefined) return;
    if (typeof body !== 'object' || Array.isArray(body)) throw new ConfigError(file, path, 'a group mapping with hosts, vars or children');
    const b = body as Record<string, unknown>;
    for (const key of Object.keys(b)) {
      if (!['hosts', 'vars', 'children'].includes(key)) throw new ConfigError(file, `${path}.${key}`, 'only hosts, vars and children in a group');
    }
    Object.assign(g.vars, asVars(b.vars, file, `${path}.vars`));
    const hosts = b.hosts;
    if (hosts !== null && hosts !== undefined) {
      if (typeof hosts !== 'object' || Array.isArray(hosts)) throw new ConfigError(file, `${path}.hosts`, 'a mapping of host names');
      for (const [host, vars] of Object.entries(hosts)) g.hosts.set(host, asVars(vars, file, `${path}.hosts.${host}`));
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
  return flatten(groups);
}

/** Resolves group membership (through children) and merges variables: all < parent < child < host. */
function flatten(groups: Map<string, GroupDef>): AnsibleHost[] {
  const parents = new Map<string, string[]>();
  for (const [name, g] of groups) for (const c of g.children) parents.set(c, [...(parents.get(c) ?? []), name]);
  const ancestry = (name: string, seen = new Set<string>()): string[] => {
    if (seen.has(name)) return [];
    seen.add(name);
    const up = (parents.get(name) ?? []).flatMap((p) => ancestry(p, seen));
    return [...up, name];
  };
  const hosts = new Map<string, { groups: Set<string>; hostVars: AnsibleVars }>();
  for (const [name, g] of groups) {
    for (const [host, vars] of g.hosts) {
      const h = hosts.get(host) ?? { groups: new Set<string>(), hostVars: {} };
      h.groups.add(name);
      Object.assign(h.hostVars, vars);
      hosts.set(host, h);
    }
  }
  return [...hosts].map(([name, h]) => {
    const chain = new Set<string>(['all']);
    for (const g of h.groups) for (const a of ancestry(g)) chain.add(a);
    const vars: AnsibleVars = {};
    for (const g of chain) Object.assign(vars, groups.get(g)?.vars ?? {});
    Object.assign(vars, h.hostVars);
    const roles = [...chain].filter((g) => g !== 'all' && g !== 'ungrouped');
    return { name, groups: roles, vars };
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
