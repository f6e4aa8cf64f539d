/**
 * Several simulated clusters in one process, for the several-clusters part: each with its own
 * nodes (one SSH server per node), known_hosts, client key and inventory file, in DIR/NAME.
 * Prints `{"clusters":[{"name":...,"inventory":...}]}` once all listen and runs until SIGTERM.
 *
 * Usage: node dist/bench/clusters-sim.js DIR NAME[,NAME...] NODES SCENARIO
 */
import { join } from 'node:path';
import { isScenarioName, startSimCluster, type SimCluster } from '../src/sim/index.js';

async function main(): Promise<void> {
  const [dir, names, nodes, scenario] = process.argv.slice(2);
  const total = Number(nodes);
  if (!dir || !names || !Number.isInteger(total) || total < 3 || !scenario || !isScenarioName(scenario)) {
    throw new Error('usage: clusters-sim.js DIR NAME[,NAME...] NODES SCENARIO');
  }
  const sims: { name: string; sim: SimCluster }[] = [];
  const stop = (): void => {
    void Promise.all(sims.map((s) => s.sim.stop())).then(() => process.exit(0));
  };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
  for (const name of names.split(',')) {
    // One host key per cluster rather than per node: 200 key pairs per cluster would only slow the start.
    const sim = await startSimCluster({ scenario, controllers: 3, computes: total - 3, dir: join(dir, name), shareHostKey: true });
    sims.push({ name, sim });
  }
  process.stdout.write(`${JSON.stringify({ clusters: sims.map((s) => ({ name: s.name, inventory: s.sim.inventoryPath })) })}\n`);
}

void main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
