import type { EnvOptions } from '../config/env.js';
import { UserError } from '../errors.js';
import { loadInventory } from '../inventory/load.js';
import type { Inventory } from '../inventory/types.js';

/** The cluster a CLI invocation talks to, and how to let it go. */
export interface Target {
  readonly inventory: Inventory;
  /** One line saying what this is (shown by the console banner). */
  readonly description: string;
  /** Environment with the database path the target wants (the simulator uses a throwaway one). */
  readonly env: EnvOptions;
  close(): Promise<void>;
}

/** Loads the inventory named by `--inventory` or STACKMEDIC_INVENTORY. */
export function inventoryTarget(path: string | undefined, env: EnvOptions): Target {
  const file = path ?? env.inventoryPath;
  if (!file) throw new UserError('no inventory: pass --inventory FILE or set STACKMEDIC_INVENTORY (or try the simulator: --sim seed-incident)');
  const inventory = loadInventory(file, { knownHostsPath: env.knownHostsPath, openrcPath: env.openrcPath });
  return {
    inventory,
    description: `cluster ${inventory.cluster} (${inventory.nodes.length} nodes, inventory ${inventory.source})`,
    env,
    close: async () => undefined,
  };
}
