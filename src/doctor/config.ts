/** Configuration checks: the environment, the inventory, known_hosts, permissions and signatures. */
import { readEnvOptions, type EnvOptions } from '../config/env.js';
import { ConfigError } from '../errors.js';
import { findCluster, loadClusters } from '../inventory/clusters.js';
import { loadInventory } from '../inventory/load.js';
import type { Inventory } from '../inventory/types.js';
import { loadCatalog } from '../signatures/index.js';
import { loadPermissions } from '../slack/permissions.js';
import { KnownHosts } from '../ssh/known-hosts.js';
import { checksOf, type Check } from './types.js';

const { pass, fail, warn, skip } = checksOf('configuration');

/**
 * The variables `readEnvOptions` reads, found by letting it read an empty environment that
 * records every name asked for: the list cannot fall behind the function.
 */
export function envVariableNames(): string[] {
  const seen = new Set<string>();
  const recorder = new Proxy({} as NodeJS.ProcessEnv, {
    get(_target, name) {
      if (typeof name === 'string') seen.add(name);
      return undefined;
    },
  });
  readEnvOptions(recorder);
  return [...seen];
}

/** Whether `zone` is a time zone Intl knows (what log timestamps are read in). */
function isTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

/** The environment's checks, and the options made of its valid variables (bad ones fall back to defaults). */
export interface EnvironmentResult {
  readonly checks: Check[];
  readonly options: EnvOptions;
}

/**
 * Checks every variable `readEnvOptions` reads, one at a time, so that every bad variable is
 * named (the start-up path stops at the first). Values are never shown: some are secrets.
 */
export function checkEnvironment(env: NodeJS.ProcessEnv): EnvironmentResult {
  const names = envVariableNames();
  const set = names.filter((n) => env[n] !== undefined && env[n] !== '');
  const checks: Check[] = [];
  const bad = new Set<string>();
  for (const name of set) {
    try {
      readEnvOptions({ [name]: env[name] });
    } catch (error) {
      if (!(error instanceof ConfigError)) throw error;
      bad.add(name);
      checks.push(fail(name, error.expected, `fix or unset ${name} (see .env.example)`));
    }
  }
  const zone = env.STACKMEDIC_LOG_TIMEZONE?.trim();
  if (zone && !isTimeZone(zone)) {
    bad.add('STACKMEDIC_LOG_TIMEZONE');
    checks.push(fail('STACKMEDIC_LOG_TIMEZONE', `an IANA time zone like UTC or Europe/Paris (got "${zone}")`, 'fix or unset STACKMEDIC_LOG_TIMEZONE'));
  }
  const valid = Object.fromEntries(names.filter((n) => !bad.has(n)).map((n) => [n, env[n]]));
  const options = readEnvOptions(valid);
  if (bad.size === 0) {
    checks.unshift(pass('environment', `${names.length} variables known, ${set.length} set${set.length ? ` (${set.join(', ')})` : ''}, all valid`));
  }
  return { checks, options };
}

/** The inventory as loaded, or why it could not be. */
export type InventoryResult = { readonly inventory: Inventory; readonly check: Check } | { readonly inventory: undefined; readonly check: Check };

/** Loads the inventory named by `--inventory` or STACKMEDIC_INVENTORY; a bad file names the file and the field. */
export function checkInventory(file: string | undefined, options: EnvOptions): InventoryResult {
  const path = file ?? options.inventoryPath;
  if (!path) {
    return {
      inventory: undefined,
      check: fail('inventory', 'none given', 'pass --inventory FILE or set STACKMEDIC_INVENTORY (or try the simulator: stackmedic doctor --sim healthy)'),
    };
  }
  try {
    const inventory = loadInventory(path, { knownHostsPath: options.knownHostsPath, openrcPath: options.openrcPath });
    return { inventory, check: pass('inventory', describeInventory(inventory)) };
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    return { inventory: undefined, check: fail('inventory', error.message, `fix ${error.field} in ${error.file}`) };
  }
}

/** The clusters an inventory holds, as loaded (every one, or the one `--cluster` names), or why not. */
export interface ClustersResult {
  readonly inventories: readonly Inventory[];
  readonly check: Check;
}

/**
 * Loads every cluster of the inventory named by `--inventory` or STACKMEDIC_INVENTORY (a
 * `clusters:` file or a directory holds several), or only `cluster` when given.
 */
export function checkClusters(file: string | undefined, options: EnvOptions, cluster?: string): ClustersResult {
  const path = file ?? options.inventoryPath;
  if (!path) return { inventories: [], check: checkInventory(undefined, options).check };
  let all: readonly Inventory[];
  try {
    all = loadClusters(path, { knownHostsPath: options.knownHostsPath, openrcPath: options.openrcPath }).clusters;
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    return { inventories: [], check: fail('inventory', error.message, `fix ${error.field} in ${error.file}`) };
  }
  if (cluster !== undefined) {
    const one = findCluster({ clusters: all, source: path }, cluster);
    if (!one) {
      const names = all.map((c) => c.cluster).join(', ');
      return { inventories: [], check: fail('inventory', `no cluster ${cluster} in ${path} (it holds ${names})`, `pass --cluster with one of ${names}`) };
    }
    return { inventories: [one], check: pass('inventory', describeInventory(one)) };
  }
  if (all.length === 1 && all[0]) return { inventories: all, check: pass('inventory', describeInventory(all[0])) };
  return { inventories: all, check: pass('inventory', `${all.length} clusters from ${path}, each checked below: ${all.map(describeInventory).join('; ')}`) };
}

/** "prod-east from ./inventory.yml: 6 nodes (3 controller, 3 compute), 1 jump host" */
export function describeInventory(inventory: Inventory): string {
  const byRole = new Map<string, number>();
  for (const n of inventory.nodes) for (const r of n.roles) byRole.set(r, (byRole.get(r) ?? 0) + 1);
  const roles = [...byRole].map(([r, count]) => `${count} ${r}`).join(', ');
  const jumps = inventory.jumpHosts.length;
  return `cluster ${inventory.cluster} from ${inventory.source}: ${inventory.nodes.length} node${inventory.nodes.length === 1 ? '' : 's'} (${roles})${jumps ? `, ${jumps} jump host${jumps === 1 ? '' : 's'}` : ''}`;
}

/** The known_hosts file as loaded (undefined when it cannot be read), and its check. */
export interface KnownHostsResult {
  readonly knownHosts: KnownHosts | undefined;
  readonly check: Check;
}

/** Reads the inventory's known_hosts and says for how many hosts it has a key. */
export function checkKnownHosts(inventory: Inventory): KnownHostsResult {
  const path = inventory.knownHostsPath;
  let knownHosts: KnownHosts;
  try {
    knownHosts = KnownHosts.load(path);
  } catch (error) {
    return {
      knownHosts: undefined,
      check: fail(
        'known_hosts',
        error instanceof Error ? error.message : String(error),
        `create ${path} with the nodes' host keys (the node checks below print one ssh-keyscan line per node), or point known_hosts: (STACKMEDIC_KNOWN_HOSTS) at yours`,
      ),
    };
  }
  const hosts = [...inventory.nodes, ...inventory.jumpHosts];
  const without = hosts.filter((h) => knownHosts.keyTypesFor(h.address, h.port).length === 0).map((h) => h.name);
  const detail = `${path}: keys for ${hosts.length - without.length} of ${hosts.length} hosts`;
  if (without.length === 0) return { knownHosts, check: pass('known_hosts', detail) };
  // Not a configuration failure: the node checks below fail for each missing key, with the fix.
  return { knownHosts, check: warn('known_hosts', `${detail}; none for ${without.join(', ')}`, 'see the host key checks below') };
}

/** Loads STACKMEDIC_PERMISSIONS; a bad file names the file and the field. */
export function checkPermissions(options: EnvOptions, slackConfigured: boolean): Check {
  if (!options.permissionsPath) {
    const detail = 'STACKMEDIC_PERMISSIONS not set: in Slack everyone is a viewer and nobody can run the fixes';
    return slackConfigured
      ? warn('permissions', detail, 'write a permissions file (docs/slack.md) and set STACKMEDIC_PERMISSIONS')
      : skip('permissions', detail);
  }
  try {
    const p = loadPermissions(options.permissionsPath, options.channels);
    const users = Object.keys(p.users).length;
    const groups = Object.keys(p.groups).length;
    const channels = p.channels.length ? `commands accepted in ${p.channels.join(', ')}` : 'commands accepted in any channel';
    return pass('permissions', `${p.source}: ${users} user${users === 1 ? '' : 's'}, ${groups} user group${groups === 1 ? '' : 's'}; ${channels}`);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    return fail('permissions', error.message, `fix ${error.field} in ${error.file}`);
  }
}

/** Loads the built-in signatures and SIGNATURES_DIR; a bad file names the file, the signature and the field. */
export async function checkSignatures(options: EnvOptions): Promise<Check> {
  try {
    const catalog = await loadCatalog({ extraDir: options.signaturesDir });
    const dir = options.signaturesDir;
    const own = dir ? catalog.signatures.filter((s) => catalog.origin.get(s.id)?.startsWith(dir)).length : 0;
    const total = catalog.signatures.length;
    return pass(
      'signatures',
      dir ? `${total} signatures: ${total - own} built in, ${own} from ${dir}` : `${total} built-in signatures (SIGNATURES_DIR not set)`,
    );
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    return fail('signatures', error.message, `fix ${error.field} in ${error.file}`);
  }
}
