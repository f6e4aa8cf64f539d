import type { EnvOptions } from '../config/env.js';
import { UserError } from '../errors.js';
import { loadClusters } from '../inventory/clusters.js';
import type { Inventory } from '../inventory/types.js';
import { join } from 'node:path';

/** The cluster a CLI invocation talks to, and how to let it go. */
export interface Target {
  /** The first (or only) cluster. */
  readonly inventory: Inventory;
  /** Every cluster when the inventory holds several; absent or one entry otherwise. */
  readonly clusters?: readonly Inventory[];
  /** One line saying what this is (shown by the console banner). */
  readonly description: string;
  /** Environment with the database path the target wants (the simulator uses a throwaway one). */
  readonly env: EnvOptions;
  /** Whether this is the simulator. */
  readonly simulated?: boolean;
  /** The target's own time, when it is not the wall clock's (the simulator lives in its outage's days). */
  readonly clock?: () => Date;
  close(): Promise<void>;
}

/** Where the loader's notes go (vaulted values it ignored, containers read as hosts): stderr by default. */
export type NoteSink = (line: string) => void;

const toStderr: NoteSink = (line) => {
  process.stderr.write(`${line}\n`);
};

/** Loads the inventory named by `--inventory` or STACKMEDIC_INVENTORY; its notes go to `note`. */
export function inventoryTarget(path: string | undefined, env: EnvOptions, note: NoteSink = toStderr): Target {
  const file = path ?? env.inventoryPath;
  if (!file) throw new UserError('no inventory: pass --inventory FILE or set STACKMEDIC_INVENTORY (or try the simulator: --sim seed-incident)');
  const { clusters, source } = loadClusters(file, { knownHostsPath: env.knownHostsPath, openrcPath: env.openrcPath });
  const inventory = clusters[0];
  if (!inventory) throw new UserError(`no cluster in ${source}`);
  for (const line of clusters.flatMap((c) => c.notes ?? [])) note(line);
  return {
    inventory,
    ...(clusters.length > 1 ? { clusters } : {}),
    description:
      clusters.length > 1
        ? `${clusters.length} clusters: ${clusters.map((c) => `${c.cluster} (${c.nodes.length} nodes)`).join(', ')}, inventory ${source}`
        : `cluster ${inventory.cluster} (${inventory.nodes.length} nodes, inventory ${inventory.source})`,
    env,
    close: async () => undefined,
  };
}

/**
 * Starts the simulated cluster of `scenario` and targets it, with a throwaway store in its temp
 * dir unless STACKMEDIC_DB is set (then that store is used, so a killed run leaves its trace).
 */
export async function simTarget(scenario: string, env: EnvOptions): Promise<Target> {
  const { isScenarioName, SCENARIOS, startSimCluster } = await import('../sim/index.js');
  if (!isScenarioName(scenario)) {
    throw new UserError(`unknown simulator scenario "${scenario}"; choose one of: ${Object.keys(SCENARIOS).join(', ')}`);
  }
  const sim = await startSimCluster({ scenario });
  return {
    inventory: sim.inventory,
    description: `SIMULATED cluster "${sim.inventory.cluster}" (scenario ${scenario}, ${sim.inventory.nodes.length} in-process nodes on 127.0.0.1; nothing real is touched). Point stackmedic at your cluster with --inventory FILE or STACKMEDIC_INVENTORY`,
    env: env.databasePathSet ? env : { ...env, databasePath: join(sim.dir, 'stackmedic.sqlite') },
    simulated: true,
    clock: () => new Date(sim.state.clock.now()),
    close: () => sim.stop(),
  };
}

/** `--sim SCENARIO` or `--inventory FILE` (or STACKMEDIC_INVENTORY). */
export async function resolveTarget(options: { inventory?: string | undefined; sim?: string | undefined }, env: EnvOptions): Promise<Target> {
  if (options.sim !== undefined && options.inventory !== undefined) throw new UserError('pass either --sim SCENARIO or --inventory FILE, not both');
  if (options.sim !== undefined) return simTarget(options.sim, env);
  return inventoryTarget(options.inventory, env);
}
