/**
 * The JSON inventory format of `ansible-inventory --list` and of inventory scripts
 * (tripleo-ansible-inventory, OpenStack-Ansible's openstack_inventory.json): groups with host
 * lists, and host variables under `_meta.hostvars`.
 */
import { ConfigError } from '../errors.js';
import { readVars, type AnsibleTree } from './ansible.js';

const isObject = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);

/** Whether a parsed document has the shape of the `--list` JSON format. */
export function looksLikeAnsibleJson(doc: unknown): boolean {
  if (!isObject(doc)) return false;
  if (isObject(doc._meta)) return true;
  return Object.values(doc).some((g) => Array.isArray(g) || (isObject(g) && (Array.isArray(g.hosts) || Array.isArray(g.children))));
}

function names(value: unknown, file: string, field: string): string[] {
  if (value === null || value === undefined) return [];
  if (!Array.isArray(value) || !value.every((v) => typeof v === 'string')) throw new ConfigError(file, field, 'a list of names');
  return value as string[];
}

/** Reads a `--list` JSON inventory, already parsed, into `tree`. */
export function readAnsibleJson(doc: unknown, file: string, tree: AnsibleTree): void {
  if (!isObject(doc)) throw new ConfigError(file, '(top level)', 'a mapping of groups');
  for (const [group, body] of Object.entries(doc)) {
    if (group === '_meta') continue;
    if (Array.isArray(body)) {
      for (const host of names(body, file, group)) tree.addHost(group, host);
      continue;
    }
    if (body !== null && !isObject(body)) throw new ConfigError(file, group, 'a group: a list of hosts, or { hosts, vars, children }');
    const g = tree.group(group);
    if (!body) continue;
    for (const host of names(body.hosts, file, `${group}.hosts`)) tree.addHost(group, host);
    for (const child of names(body.children, file, `${group}.children`)) {
      g.children.add(child);
      tree.group(child);
    }
    Object.assign(g.vars, readVars(body.vars, file, `${group}.vars`, `group ${group}`, tree));
  }
  const meta = doc._meta;
  if (meta === undefined) return;
  if (!isObject(meta)) throw new ConfigError(file, '_meta', 'a mapping with hostvars');
  const hostvars = meta.hostvars ?? {};
  if (!isObject(hostvars)) throw new ConfigError(file, '_meta.hostvars', 'a mapping of host names to variables');
  for (const [host, vars] of Object.entries(hostvars)) {
    const read = readVars(vars, file, `_meta.hostvars.${host}`, `host ${host}`, tree);
    tree.hostVars.set(host, { ...tree.hostVars.get(host), ...read });
  }
}
