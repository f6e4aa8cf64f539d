/**
 * stackmedic's executor as a command-line tool, for the peer comparison: `uptime` on every node of
 * an inventory through SshPool, in one process, so that its wall time (start-up included) compares
 * with parallel-ssh's and ansible's. With `--warm N`, also N more fan-outs on the same pool.
 *
 * Usage: node dist/bench/uptime.js INVENTORY [--warm N]
 */
import { loadInventory } from '../src/inventory/load.js';
import { SshPool } from '../src/ssh/pool.js';
import { remote, sh } from '../src/ssh/shell.js';

async function main(): Promise<void> {
  const [inventoryPath, flag, count] = process.argv.slice(2);
  const inventory = loadInventory(inventoryPath ?? '');
  const pool = new SshPool(inventory);
  const names = inventory.nodes.map((n) => n.name);
  const command = remote(sh`uptime`);
  const warmMs: number[] = [];
  try {
    let results = await pool.fanOut(names, command);
    for (let i = 0; flag === '--warm' && i < Number(count); i++) {
      const started = performance.now();
      results = await pool.fanOut(names, command);
      warmMs.push(performance.now() - started);
    }
    const failed = results.filter((r) => !r.ok || r.exitCode !== 0);
    for (const r of failed) process.stderr.write(`${r.node}: ${r.ok ? `exit ${r.exitCode}: ${r.stderr}` : r.message}\n`);
    process.stdout.write(`${JSON.stringify({ ok: results.length - failed.length, failed: failed.length, warmMs })}\n`);
    if (failed.length > 0) process.exitCode = 1;
  } finally {
    await pool.close();
  }
}

void main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exitCode = 1;
});
