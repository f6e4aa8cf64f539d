/**
 * Two simulated clusters behind one stackmedic inventory: each simulator writes its own inventory
 * (nodes, known_hosts, client key), and one `clusters:` file names both, as an operator's would.
 */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { loadClusters } from '../../src/inventory/clusters.js';
import type { ClusterSet } from '../../src/inventory/types.js';
import { startSimCluster, type ScenarioName, type SimCluster } from '../../src/sim/index.js';

/** Two running simulated clusters and the inventory that holds them. */
export interface TwoClusters {
  readonly sims: Readonly<Record<string, SimCluster>>;
  /** The `clusters:` inventory file (in the first simulator's directory). */
  readonly inventoryPath: string;
  readonly set: ClusterSet;
  stop(): Promise<void>;
}

/** Starts one simulated cluster per entry (`{ east: 'healthy', west: 'seed-incident' }`). */
export async function startTwoClusters(scenarios: Readonly<Record<string, ScenarioName>>, extra = ''): Promise<TwoClusters> {
  const sims: Record<string, SimCluster> = {};
  try {
    for (const [name, scenario] of Object.entries(scenarios)) sims[name] = await startSimCluster({ scenario });
  } catch (error) {
    await Promise.all(Object.values(sims).map((s) => s.stop()));
    throw error;
  }
  const first = Object.values(sims)[0];
  if (!first) throw new Error('no cluster');
  const inventoryPath = join(first.dir, 'clusters.yml');
  const entries = Object.entries(sims).map(([name, sim]) => `  ${name}:\n    inventory: ${sim.inventoryPath}\n${extra}`);
  await writeFile(inventoryPath, `clusters:\n${entries.join('')}`);
  return {
    sims,
    inventoryPath,
    set: loadClusters(inventoryPath),
    stop: async () => {
      await Promise.all(Object.values(sims).map((s) => s.stop()));
    },
  };
}
