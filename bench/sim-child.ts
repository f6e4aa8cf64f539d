/**
 * A simulated cluster in its own process with one slow node, for the ack latency part (the CLI's
 * `sim serve` has no slow-node option). Prints `{"inventory":..., "slowNode":...}` and runs until
 * SIGTERM.
 *
 * Usage: node dist/bench/sim-child.js DIR SCENARIO DELAY_MS
 */
import { startSimCluster } from '../src/sim/index.js';

async function main(): Promise<void> {
  const [dir, scenario, delay] = process.argv.slice(2);
  if (!dir || (scenario !== 'healthy' && scenario !== 'seed-incident')) throw new Error('usage: sim-child.js DIR healthy|seed-incident DELAY_MS');
  const cluster = await startSimCluster({ scenario, dir });
  const slowNode = cluster.inventory.nodes[0]?.name ?? '';
  cluster.setNodeDelay(slowNode, Number(delay));
  process.stdout.write(`${JSON.stringify({ inventory: cluster.inventoryPath, slowNode })}\n`);
  const stop = (): void => {
    void cluster.stop().then(() => process.exit(0));
  };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
}

void main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
