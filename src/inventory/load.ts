import { declaredOpenrc } from '../config/openrc.js';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import type { ZodError } from 'zod';
import { ConfigError } from '../errors.js';
import { inventoryAlertmanagerUrl } from './alertmanager-url.js';
import { AnsibleTree, looksLikeYamlGroup, readAnsibleIni, readAnsibleYaml } from './ansible.js';
import { looksLikeAnsibleJson, readAnsibleJson } from './ansible-json.js';
import { inventoryFromAnsible } from './ansible-nodes.js';
import { nativeInventorySchema } from './native.js';
import { chooseOpenstackCli, explicitChoice, undercloudNode } from './openstack-cli-host.js';
import { looksLikeOsaUserConfig, osaUserConfigError } from './openstack-ansible.js';
import { rolesOfNativeNode } from './roles.js';
import type { Inventory, InventoryDefaults, JumpHostSpec, NodeSpec } from './types.js';
import { expandPath, validateInventory } from './validate.js';
import { readYaml } from './yaml-doc.js';

export type { InventoryDefaults } from './types.js';

/** The formats `loadInventory` reads, as messages name them. */
export const ACCEPTED_FORMATS =
  "a stackmedic inventory (YAML with nodes:), an Ansible inventory (INI or YAML; a file, or a directory of them) or ansible-inventory --list JSON (tripleo-ansible-inventory's and OpenStack-Ansible's openstack_inventory.json too)";

/** Files Ansible skips in an inventory directory (its INVENTORY_IGNORE_EXTS default); stackmedic skips them too. */
export const IGNORED_IN_DIRECTORY = /(~|\.(orig|ini|cfg|retry|pyc|pyo|swp|bak|rpm|md|txt|rst))$/;

const isObject = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);

export function zodToConfigError(file: string, error: ZodError): ConfigError {
  const issue = error.issues[0];
  const field = issue && issue.path.length > 0 ? issue.path.join('.') : '(top level)';
  return new ConfigError(file, field, issue?.message ?? 'a valid inventory');
}

/** Reads an inventory file's text, or throws the ConfigError every unreadable inventory gets. */
export function readInventoryText(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new ConfigError(path, '(file)', code === 'ENOENT' ? 'an existing inventory file' : `a readable file (${code ?? 'read failed'})`);
  }
}

/**
 * Reads an inventory: stackmedic YAML, Ansible INI/YAML or `--list` JSON (detected from content),
 * or a directory of Ansible inventory files as Ansible reads one (kayobe keeps its inventory so).
 */
export function loadInventory(file: string, defaults: InventoryDefaults = {}): Inventory {
  const path = resolve(file);
  let directory = false;
  try {
    directory = statSync(path).isDirectory();
  } catch {
    // A missing file is reported by readText, with the message every missing file gets.
  }
  if (directory) return loadDirectory(path, defaults);
  return parseInventory(readInventoryText(path), path, defaults);
}

function loadDirectory(dir: string, defaults: InventoryDefaults): Inventory {
  const files = readdirSync(dir, { withFileTypes: true })
    .filter((e) => e.isFile() && !e.name.startsWith('.') && !IGNORED_IN_DIRECTORY.test(e.name))
    .map((e) => e.name)
    .sort();
  if (files.length === 0) throw new ConfigError(dir, '(directory)', 'inventory files (Ansible would read none in this directory)');
  const tree = new AnsibleTree();
  const notes: string[] = [];
  for (const name of files) {
    const path = join(dir, name);
    if (readInto(tree, readInventoryText(path), path, notes)) {
      throw new ConfigError(
        path,
        '(top level)',
        'an Ansible inventory file: a directory mixes stackmedic and Ansible inventories (a directory of stackmedic inventories is one cluster per file; an Ansible one is read as Ansible reads it)',
      );
    }
  }
  return inventoryFromAnsible(tree, dir, { defaults, notes, base: dir });
}

/** Parses inventory text; `path` is used for messages and to resolve relative paths. */
export function parseInventory(text: string, path: string, defaults: InventoryDefaults = {}): Inventory {
  const tree = new AnsibleTree();
  const notes: string[] = [];
  const native = readInto(tree, text, path, notes);
  if (native && isObject(native.doc) && 'clusters' in native.doc) {
    const names = isObject(native.doc.clusters) ? Object.keys(native.doc.clusters).join(', ') : '';
    throw new ConfigError(path, 'clusters', `one cluster here: this inventory holds several (${names}); name one with --cluster NAME`);
  }
  if (native) return inventoryFromNative(native.doc, path, defaults, notes);
  return inventoryFromAnsible(tree, path, { defaults, notes });
}

/**
 * The document of a stackmedic inventory (one cluster, `nodes:`, or several, `clusters:`) with the
 * loader's notes, or undefined when the text is another format stackmedic reads (Ansible).
 */
export function nativeDocument(text: string, path: string): { readonly doc: Record<string, unknown>; readonly notes: readonly string[] } | undefined {
  const notes: string[] = [];
  const native = readInto(new AnsibleTree(), text, path, notes);
  return native && isObject(native.doc) ? { doc: native.doc, notes } : undefined;
}

function looksIni(text: string): boolean {
  const first = text.split('\n').find((l) => l.trim() !== '' && !/^\s*[#;]/.test(l)) ?? '';
  if (/^\s*[{[]\s*$/.test(first) || /^\s*\{/.test(first)) return false;
  return /^\s*\[[^\]]+\]\s*([#;].*)?$/m.test(text) && !/^\s*[A-Za-z_]+:(\s|$)/.test(first);
}

/**
 * Reads one file's text into `tree`, or returns the document when it is a stackmedic inventory;
 * refuses, with a message saying what it is, anything that is not an inventory stackmedic reads.
 */
function readInto(tree: AnsibleTree, text: string, path: string, notes: string[]): { doc: unknown } | undefined {
  if (text.startsWith('$ANSIBLE_VAULT;')) {
    throw new ConfigError(
      path,
      '(file)',
      'an inventory stackmedic can read: this file is encrypted with ansible-vault, and stackmedic does not decrypt vault (give it a decrypted copy, or the output of ansible-inventory --list)',
    );
  }
  if (text.startsWith('#!')) {
    throw new ConfigError(
      path,
      '(file)',
      'a static inventory: this is an inventory script, which stackmedic does not run; save its output and pass that (ansible-inventory -i FILE --list > inventory.json)',
    );
  }
  // Even an all-comments copy of the example (as OSA ships it) is the wrong file, not an empty one.
  if (/openstack_user_config/.test(basename(path))) throw osaUserConfigError(path);
  if (looksIni(text)) {
    readAnsibleIni(text, path, tree);
    return undefined;
  }
  const { value: doc, unknownTags } = readYaml(text, path);
  if (unknownTags.length > 0) notes.push(`${path}: read the values tagged ${unknownTags.join(', ')} as plain text (YAML tags stackmedic does not know)`);
  // Host lines without any [group] header are an INI inventory too; YAML reads them as one string.
  if (typeof doc === 'string' && !/:\s/.test(doc)) {
    readAnsibleIni(text, path, tree);
    return undefined;
  }
  if (isObject(doc) && ('nodes' in doc || 'clusters' in doc)) return { doc };
  if (looksLikeOsaUserConfig(doc)) throw osaUserConfigError(path);
  if (looksLikeAnsibleJson(doc)) {
    readAnsibleJson(doc, path, tree);
    return undefined;
  }
  if (isObject(doc) && Object.values(doc).some(looksLikeYamlGroup)) {
    readAnsibleYaml(doc, path, tree);
    return undefined;
  }
  throw new ConfigError(path, '(top level)', `${ACCEPTED_FORMATS}; this file is none of those (${describe(doc)})`);
}

function describe(doc: unknown): string {
  if (doc === null || doc === undefined) return 'it is empty';
  if (Array.isArray(doc)) return 'it is a list';
  if (!isObject(doc)) return 'it is a single value';
  const keys = Object.keys(doc);
  return `a mapping of ${keys.slice(0, 4).join(', ')}${keys.length > 4 ? ', ...' : ''} with no host groups`;
}

/** Builds an inventory from a one-cluster stackmedic document; `path` names it and anchors relative paths. */
export function inventoryFromNative(doc: unknown, path: string, defaults: InventoryDefaults, notes: readonly string[]): Inventory {
  const parsed = nativeInventorySchema.safeParse(doc);
  if (!parsed.success) throw zodToConfigError(path, parsed.error);
  const inv = parsed.data;
  const base = dirname(path);
  const d = inv.defaults;
  const key = (k: string | undefined): string | undefined => (k ? expandPath(k, base) : undefined);
  const nodes: NodeSpec[] = inv.nodes.map((n) => {
    const user = n.user ?? d.user ?? 'root';
    const local = n.connection === 'local';
    return {
      name: n.name,
      address: n.address,
      port: n.port ?? d.port ?? 22,
      user,
      roles: rolesOfNativeNode(n.roles, inv.roles),
      privateKeyPath: key(n.private_key ?? d.private_key),
      jump: local ? undefined : (n.jump ?? d.jump),
      become: n.become ?? d.become ?? (!local && user !== 'root'),
      ...(local ? { connection: 'local' as const } : {}),
      ...(n.deployment ? { deployment: n.deployment } : {}),
    };
  });
  const openstackCli = chooseOpenstackCli({
    explicit: explicitChoice(inv.openstack_cli),
    undercloud: undercloudNode(inv.nodes),
    nodes: nodes.map((n) => n.name),
    file: path,
    field: 'openstack_cli',
    rcField: 'openstack_cli.openrc',
  });
  const jumpHosts: JumpHostSpec[] = inv.jump_hosts.map((j) => ({
    name: j.name,
    address: j.address,
    port: j.port ?? 22,
    user: j.user ?? d.user ?? 'root',
    privateKeyPath: key(j.private_key ?? d.private_key),
    jump: j.jump,
  }));
  return validateInventory({
    cluster: inv.cluster,
    knownHostsPath: expandPath(inv.known_hosts ?? defaults.knownHostsPath ?? '~/.ssh/known_hosts', base),
    // kolla-ansible writes the admin credentials in one known place.
    openrcPath:
      inv.openrc ??
      defaults.openrcPath ??
      declaredOpenrc(
        inv.deployment,
        nodes.map((n) => n.deployment),
      ),
    ...(inv.deployment ? { deployment: inv.deployment } : {}),
    ...(inv.schedule ? { schedule: inv.schedule.trim() } : {}),
    ...(inv.alertmanager_url !== undefined
      ? { alertmanagerUrl: inventoryAlertmanagerUrl(inv.alertmanager_url, { file: path, field: 'alertmanager_url', cluster: inv.cluster }) }
      : {}),
    nodes,
    jumpHosts,
    source: path,
    ...(openstackCli ? { openstackCli } : {}),
    ...(notes.length > 0 ? { notes: [...notes] } : {}),
  });
}

/** Finds a node by inventory name. */
export function findNode(inventory: Inventory, name: string): NodeSpec | undefined {
  return inventory.nodes.find((n) => n.name === name);
}

/** Nodes having one of `roles`. */
export function nodesWithRole(inventory: Inventory, roles: readonly string[]): NodeSpec[] {
  return inventory.nodes.filter((n) => n.roles.some((r) => roles.includes(r)));
}
