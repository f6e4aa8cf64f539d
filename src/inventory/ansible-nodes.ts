import { declaredOpenrc } from '../config/openrc.js';
import { isUndercloudGroup } from '../deployment/openstack-cli.js';
import { DEPLOYMENTS, parseDeployment } from '../deployment/types.js';
/** Turns an Ansible inventory (INI, YAML, JSON, or a directory of them) into stackmedic's nodes. */
import { dirname } from 'node:path';
import { ConfigError } from '../errors.js';
import { flattenAnsible, proxyJumpOf, type AnsibleHost, type AnsibleTree } from './ansible.js';
import { isValidNodeName } from './names.js';
import { chooseOpenstackCli } from './openstack-cli-host.js';
import { foldContainers } from './openstack-ansible.js';
import { parseRoleList, rolesOfAnsibleHost } from './roles.js';
import type { Inventory, InventoryDefaults, JumpHostSpec, NodeConnection, NodeSpec } from './types.js';
import { templateNote, unreadable, vaultNote, type LostValue } from './unreadable-values.js';
import { expandPath, validateInventory } from './validate.js';

const LOCAL = /^(ansible\.builtin\.)?local$/;
const SSH = /^((ansible\.builtin\.)?(ssh|paramiko|paramiko_ssh)|smart)$/;

const TRUE = /^(true|yes|on|1)$/i;

function summarize(items: readonly string[], max = 3): string {
  return items.length > max ? `${items.slice(0, max).join(', ')} and ${items.length - max} more` : items.join(', ');
}

/** Reads the variables stackmedic uses from one host, recording those it cannot use. */
function reader(h: AnsibleHost, lost: LostValue[]): (...names: string[]) => string | undefined {
  return (...names) => {
    for (const variable of names) {
      const value = h.vars[variable];
      if (value === undefined) continue;
      const why = unreadable(value);
      if (why) {
        lost.push({ host: h.name, variable, why, ...(why === 'template' ? { text: value } : {}) });
        return undefined;
      }
      return value;
    }
    return undefined;
  };
}

/** Options the caller passes along: defaults, and notes it already has (unknown YAML tags). */
export interface FromAnsibleOptions {
  readonly defaults: InventoryDefaults;
  readonly notes?: readonly string[];
  /** Directory relative paths resolve against (the file's own directory by default). */
  readonly base?: string;
}

/** Builds the inventory from a read Ansible tree; `path` names it in messages and anchors paths. */
export function inventoryFromAnsible(tree: AnsibleTree, path: string, options: FromAnsibleOptions): Inventory {
  const base = options.base ?? dirname(path);
  const folded = foldContainers(flattenAnsible(tree));
  const hosts = folded.hosts;
  const lost: LostValue[] = [];
  const notes: string[] = [...(options.notes ?? [])];
  const groupRoles = new Map<string, string[]>();
  for (const [name, g] of tree.groups) {
    const raw = g.vars.stackmedic_roles;
    if (raw !== undefined && unreadable(raw) === undefined) groupRoles.set(name, parseRoleList(raw, path, `${name}.stackmedic_roles`));
  }
  const jumpHosts = new Map<string, JumpHostSpec>();
  const names = new Set(hosts.map((h) => h.name));
  const leftOut: string[] = [];
  let knownHosts: string | undefined;
  let openrc: string | undefined;
  let cluster: string | undefined;
  let cliChoice: string | undefined;
  let overcloudrc: string | undefined;
  let undercloud: { node: string; plan: string | undefined } | undefined;
  const nodes: NodeSpec[] = [];
  for (const h of hosts) {
    const read = reader(h, lost);
    const field = (name: string): string => `${h.name}.${name}`;
    if (!isValidNodeName(h.name)) throw new ConfigError(path, h.name, 'a host name of letters, digits, ".", "_" or "-"');
    const how = read('ansible_connection');
    if (how !== undefined && !LOCAL.test(how) && !SSH.test(how)) {
      leftOut.push(`${h.name} (ansible_connection=${how})`);
      continue;
    }
    const connection: NodeConnection = how !== undefined && LOCAL.test(how) ? 'local' : 'ssh';
    const port = read('ansible_port', 'ansible_ssh_port');
    if (port !== undefined && !/^\d{1,5}$/.test(port)) throw new ConfigError(path, field('ansible_port'), 'a port number');
    const user = read('ansible_user', 'ansible_ssh_user') ?? 'root';
    const keyFile = read('ansible_ssh_private_key_file', 'ansible_private_key_file');
    knownHosts ??= read('stackmedic_known_hosts');
    openrc ??= read('stackmedic_openrc');
    cluster ??= read('stackmedic_cluster');
    cliChoice ??= read('stackmedic_openstack_cli');
    overcloudrc ??= read('stackmedic_overcloudrc');
    // tripleo-ansible-inventory names the stack in the Undercloud group's vars: `plan: overcloud`,
    // or `plans: [cell1, overcloud]` for a multi-stack deployment, whose API is the overcloud's.
    if (!undercloud && h.groups.some(isUndercloudGroup)) {
      const plans = read('plans')?.split(',');
      undercloud = { node: h.name, plan: read('plan') ?? (plans?.includes('overcloud') ? 'overcloud' : plans?.[0]) };
    }
    let jump: string | undefined;
    const proxy = connection === 'ssh' ? proxyJumpOf(read('ansible_ssh_common_args', 'ansible_ssh_extra_args')) : undefined;
    if (proxy) {
      jump = names.has(proxy.host) ? proxy.host : `jump-${proxy.host}`.replace(/[^A-Za-z0-9._-]/g, '-');
      if (!names.has(proxy.host) && !jumpHosts.has(jump)) {
        jumpHosts.set(jump, {
          name: jump,
          address: proxy.host,
          port: proxy.port ?? 22,
          user: proxy.user ?? user,
          privateKeyPath: keyFile ? expandPath(keyFile, base) : undefined,
        });
      }
    }
    const become = read('ansible_become', 'become');
    const declared = read('stackmedic_deployment');
    const deployment = declared === undefined ? undefined : parseDeployment(declared);
    if (declared !== undefined && deployment === undefined)
      throw new ConfigError(path, field('stackmedic_deployment'), `one of ${DEPLOYMENTS.join(', ')} (or kolla)`);
    const own = h.ownVars.stackmedic_roles;
    const hostRoles = own !== undefined && unreadable(own) === undefined ? parseRoleList(own, path, field('stackmedic_roles')) : undefined;
    const tripleoRole = read('tripleo_role_name');
    const roles =
      rolesOfAnsibleHost({ groups: h.groups, hostRoles, groupRoles, extraNames: tripleoRole ? [tripleoRole] : [] }) ??
      (h.directGroups.filter(isValidNodeName).length > 0 ? h.directGroups.filter(isValidNodeName) : ['ungrouped']);
    nodes.push({
      name: h.name,
      address: read('ansible_host', 'ansible_ssh_host') ?? (connection === 'local' ? 'localhost' : h.name),
      port: port === undefined ? 22 : Number(port),
      user,
      roles,
      privateKeyPath: keyFile ? expandPath(keyFile, base) : undefined,
      jump,
      // A local node runs as whoever runs stackmedic: the local executor adds sudo when that is not root.
      become: become !== undefined ? TRUE.test(become) : connection === 'ssh' && user !== 'root',
      ...(connection === 'local' ? { connection } : {}),
      ...(deployment ? { deployment } : {}),
      groups: h.groups,
    });
  }
  if (folded.containers > 0) {
    notes.push(
      `${path}: OpenStack-Ansible's ${folded.containers} containers are read as the ${folded.physicalHosts.length} hosts that run them (${summarize(folded.physicalHosts)}): stackmedic runs its commands on those hosts`,
    );
  }
  if (leftOut.length > 0) {
    notes.push(`${path}: left out ${summarize(leftOut)}: stackmedic reaches nodes over SSH or, with ansible_connection=local, on its own host`);
  }
  for (const note of [vaultNote(path, tree.vaulted, lost), templateNote(path, lost)]) if (note) notes.push(note);
  if (nodes.length === 0) throw new ConfigError(path, '(hosts)', leftOut.length > 0 ? 'at least one host reached over SSH or locally' : 'at least one host');
  const openstackCli = chooseOpenstackCli({
    explicit: cliChoice === undefined ? undefined : { node: cliChoice },
    rcPath: overcloudrc,
    undercloud,
    nodes: nodes.map((n) => n.name),
    file: path,
    field: 'stackmedic_openstack_cli',
    rcField: 'stackmedic_overcloudrc',
  });
  return validateInventory({
    cluster: cluster ?? 'openstack',
    knownHostsPath: expandPath(knownHosts ?? options.defaults.knownHostsPath ?? '~/.ssh/known_hosts', base),
    openrcPath:
      openrc ??
      options.defaults.openrcPath ??
      declaredOpenrc(
        undefined,
        nodes.map((n) => n.deployment),
      ),
    nodes,
    jumpHosts: [...jumpHosts.values()],
    source: path,
    ...(openstackCli ? { openstackCli } : {}),
    ...(notes.length > 0 ? { notes } : {}),
  });
}
