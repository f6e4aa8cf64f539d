/** `stackmedic doctor`: every check an operator runs before trusting the bot, in one report. */
import { simTarget, type Target } from '../cli/target.js';
import type { Inventory } from '../inventory/types.js';
import { SshPool } from '../ssh/pool.js';
import { checkClusters, checkEnvironment, checkKnownHosts, checkPermissions, checkSignatures, describeInventory } from './config.js';
import { checkCoverage } from './coverage.js';
import { checkNodes } from './nodes.js';
import { checkSchedule } from './schedule.js';
import { checkSlack, type SlackCheckOptions } from './slack.js';
import { checkStore } from './store.js';
import { checksOf, exitCodeOf, type Check, type DoctorReport } from './types.js';

const { pass } = checksOf('configuration');

/** What to examine. */
export interface DoctorOptions {
  /** The environment, as the other commands read it. */
  readonly env: NodeJS.ProcessEnv;
  /** `--inventory FILE` (default STACKMEDIC_INVENTORY). */
  readonly inventory?: string | undefined;
  /** `--cluster NAME`: only this cluster of an inventory that holds several (default: each). */
  readonly cluster?: string | undefined;
  /** `--sim SCENARIO`: a simulated cluster instead of an inventory. */
  readonly sim?: string | undefined;
  readonly now?: () => Date;
  readonly slack?: SlackCheckOptions;
}

/** The node checks wait at most this long for a connection or a command (a doctor should answer in seconds). */
const DOCTOR_TIMEOUT_MS = 10_000;

/**
 * Runs every check and returns the report. Only a usage error (an unknown scenario, both
 * `--sim` and `--inventory`) throws; everything else, bad configuration included, is a check.
 */
export async function runDoctor(options: DoctorOptions): Promise<DoctorReport> {
  const now = options.now ?? (() => new Date());
  const environment = checkEnvironment(options.env);
  const checks: Check[] = [...environment.checks];
  let env = environment.options;
  let inventories: readonly Inventory[] = [];
  let target: Target | undefined;
  let description: string;
  if (options.sim !== undefined) {
    target = await simTarget(options.sim, env);
    inventories = [target.inventory];
    env = target.env;
    description = target.description;
    checks.push(pass('inventory', `simulated: ${describeInventory(target.inventory)}`));
  } else {
    const loaded = checkClusters(options.inventory, env, options.cluster);
    inventories = loaded.inventories;
    checks.push(loaded.check);
    const [first] = inventories;
    description =
      inventories.length > 1
        ? `${inventories.length} clusters (${inventories.map((i) => i.cluster).join(', ')}), inventory ${first?.source ?? ''}`
        : first
          ? `cluster ${first.cluster} (${first.nodes.length} nodes, inventory ${first.source})`
          : 'no usable inventory';
  }
  try {
    const several = inventories.length > 1;
    // With several clusters each line names its cluster: node names may repeat across them.
    const named = (inventory: Inventory, list: readonly Check[]): Check[] =>
      several ? list.map((c) => ({ ...c, name: `${inventory.cluster}: ${c.name}` })) : [...list];
    const knownHosts = new Map(inventories.map((i) => [i, checkKnownHosts(i)] as const));
    for (const [i, k] of knownHosts) checks.push(...named(i, [k.check]));
    checks.push(checkPermissions(env, Boolean(env.slack.botToken)));
    checks.push(await checkSignatures(env));
    for (const inventory of inventories) {
      const timeoutMs = Math.min(env.sshTimeoutMs, DOCTOR_TIMEOUT_MS);
      const pool = new SshPool(inventory, { connectTimeoutMs: timeoutMs, commandTimeoutMs: timeoutMs });
      try {
        const nodeChecks = await checkNodes({
          inventory,
          knownHosts: knownHosts.get(inventory)?.knownHosts,
          executor: pool,
          timeoutMs,
          concurrency: env.concurrency,
        });
        checks.push(...named(inventory, nodeChecks));
      } finally {
        await pool.close();
      }
      checks.push(...named(inventory, checkCoverage(inventory)));
    }
    checks.push(...(await checkSlack(env, options.slack)));
    checks.push(...checkStore(env.databasePath));
    checks.push(checkSchedule(env.schedule, { now: now(), incidentChannel: env.incidentChannel }));
  } finally {
    await target?.close();
  }
  return { target: description, checks, exitCode: exitCodeOf(checks) };
}
