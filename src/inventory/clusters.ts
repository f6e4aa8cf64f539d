/**
 * Inventories of several clusters: one stackmedic file with `clusters:`, or a directory holding one
 * stackmedic inventory per cluster. Every other inventory is one cluster, read as before.
 */
import { readdirSync, statSync } from 'node:fs';
import { basename, dirname, extname, join, resolve } from 'node:path';
import { ConfigError } from '../errors.js';
import { IGNORED_IN_DIRECTORY, inventoryFromNative, loadInventory, nativeDocument, parseInventory, readInventoryText, zodToConfigError } from './load.js';
import { inventoryAlertmanagerUrl } from './alertmanager-url.js';
import { isValidNodeName } from './names.js';
import { clusterFileSchema, clusterSetSchema, inlineClusterSchema } from './native.js';
import { chooseOpenstackCli, explicitChoice, type OpenstackCliChoice } from './openstack-cli-host.js';
import type { ClusterSet, Inventory, InventoryDefaults, OpenstackCliHost } from './types.js';
import { expandPath } from './validate.js';

function isDirectory(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}

/**
 * Reads every cluster an inventory holds: a `clusters:` file, a directory of stackmedic
 * inventories (one cluster per file), or any one-cluster inventory `loadInventory` reads.
 */
export function loadClusters(file: string, defaults: InventoryDefaults = {}): ClusterSet {
  const path = resolve(file);
  if (isDirectory(path)) return loadClusterDirectory(path, defaults);
  return parseClusters(readInventoryText(path), path, defaults);
}

/** Parses inventory text into its clusters; `path` names it and anchors relative paths. */
export function parseClusters(text: string, path: string, defaults: InventoryDefaults = {}): ClusterSet {
  const native = nativeDocument(text, path);
  if (native && 'clusters' in native.doc) return checked({ clusters: clustersOf(native.doc, path, defaults, native.notes), source: path });
  return { clusters: [parseInventory(text, path, defaults)], source: path };
}

/** The cluster named `name`, or undefined. */
export function findCluster(set: ClusterSet, name: string): Inventory | undefined {
  return set.clusters.find((c) => c.cluster === name);
}

function loadClusterDirectory(dir: string, defaults: InventoryDefaults): ClusterSet {
  const files = readdirSync(dir, { withFileTypes: true })
    .filter((e) => e.isFile() && !e.name.startsWith('.') && !IGNORED_IN_DIRECTORY.test(e.name))
    .map((e) => join(dir, e.name))
    .sort();
  const docs = files.map((path) => ({ path, text: readInventoryText(path) })).map((f) => ({ ...f, native: nativeDocument(f.text, f.path) }));
  // A directory of Ansible files (kayobe's) is one inventory, read as Ansible reads it.
  if (!docs.some((d) => d.native)) return { clusters: [loadInventory(dir, defaults)], source: dir };
  const clusters: Inventory[] = [];
  for (const d of docs) {
    if (!d.native) {
      throw new ConfigError(
        d.path,
        '(file)',
        'a stackmedic inventory: the other files of this directory are one cluster each, and this one is not (pass an Ansible inventory as inventory: FILE under clusters:)',
      );
    }
    if ('clusters' in d.native.doc) {
      clusters.push(...clustersOf(d.native.doc, d.path, defaults, d.native.notes));
      continue;
    }
    // A file without `cluster:` is named after itself: east.yml is the cluster east.
    const name = typeof d.native.doc.cluster === 'string' ? d.native.doc.cluster : basename(d.path, extname(d.path));
    if (!isValidNodeName(name)) throw new ConfigError(d.path, 'cluster', 'a cluster name of letters, digits, ".", "_" or "-" (or a file named so)');
    clusters.push(inventoryFromNative({ ...d.native.doc, cluster: name }, d.path, defaults, d.native.notes));
  }
  return checked({ clusters, source: dir });
}

function clustersOf(doc: Record<string, unknown>, path: string, defaults: InventoryDefaults, notes: readonly string[]): Inventory[] {
  const parsed = clusterSetSchema.safeParse(doc);
  if (!parsed.success) throw zodToConfigError(path, parsed.error);
  const base = dirname(path);
  return Object.entries(parsed.data.clusters).map(([name, entry]) => {
    const field = `clusters.${name}`;
    if ('inventory' in entry) {
      const file = clusterFileSchema.safeParse(entry);
      if (!file.success) throw prefixed(zodToConfigError(path, file.error), field);
      const e = file.data;
      const inventory = loadInventory(expandPath(e.inventory, base), {
        knownHostsPath: e.known_hosts ? expandPath(e.known_hosts, base) : defaults.knownHostsPath,
        openrcPath: e.openrc ?? defaults.openrcPath,
      });
      return {
        ...inventory,
        cluster: name,
        ...(e.schedule ? { schedule: e.schedule.trim() } : {}),
        ...(e.alertmanager_url !== undefined
          ? { alertmanagerUrl: inventoryAlertmanagerUrl(e.alertmanager_url, { file: path, field: `${field}.alertmanager_url`, cluster: name }) }
          : {}),
        // `openstack_cli:` here wins over what the file's own groups say (its Undercloud group).
        ...(e.openstack_cli === undefined ? {} : { openstackCli: cliOverride(inventory, e.openstack_cli, path, field) }),
      };
    }
    const inline = inlineClusterSchema.safeParse(entry);
    if (!inline.success) throw prefixed(zodToConfigError(path, inline.error), field);
    const own = (entry as { defaults?: unknown }).defaults;
    const merged = { ...parsed.data.defaults, ...(own && typeof own === 'object' ? own : {}) };
    try {
      return inventoryFromNative({ ...entry, cluster: name, defaults: merged }, path, defaults, notes);
    } catch (error) {
      throw error instanceof ConfigError ? prefixed(error, field) : error;
    }
  });
}

function cliOverride(inventory: Inventory, choice: OpenstackCliChoice, path: string, field: string): OpenstackCliHost | undefined {
  const explicit = explicitChoice(choice);
  const detected = inventory.openstackCli;
  return chooseOpenstackCli({
    explicit,
    // The rc file the file's Undercloud group implies, when the override names that same node.
    rcPath: detected && detected.node === explicit?.node ? detected.rcPath : undefined,
    nodes: inventory.nodes.map((n) => n.name),
    file: path,
    field: `${field}.openstack_cli`,
    rcField: `${field}.openstack_cli.openrc`,
  });
}

function prefixed(error: ConfigError, field: string): ConfigError {
  return new ConfigError(error.file, error.field === '(top level)' ? field : `${field}.${error.field}`, error.expected);
}

/** Cluster names are unique: `--cluster NAME` and channel bindings must mean one. */
function checked(set: ClusterSet): ClusterSet {
  const seen = new Set<string>();
  for (const c of set.clusters) {
    if (seen.has(c.cluster)) throw new ConfigError(c.source, 'cluster', `unique cluster names ("${c.cluster}" appears twice in ${set.source})`);
    seen.add(c.cluster);
  }
  return set;
}
