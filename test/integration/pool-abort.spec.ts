import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSimCluster, type SimCluster } from '../../src/sim/index.js';
import { SshPool } from '../../src/ssh/pool.js';
import { remote, sh } from '../../src/ssh/shell.js';

let sim: SimCluster;
let pool: SshPool;

beforeAll(async () => {
  sim = await startSimCluster({ scenario: 'healthy' });
  pool = new SshPool(sim.inventory);
}, 60_000);
afterAll(async () => {
  await pool?.close();
  await sim?.stop();
});

describe('SshPool and a signal aborted before the command starts', () => {
  it('answers a timeout failure (it threw a ReferenceError: a check under load failed with it)', async () => {
    const node = sim.inventory.nodes[0]?.name ?? '';
    const first = await pool.exec(node, remote(sh`true`));
    expect(first.ok).toBe(true);
    const reason = new Error('the check ran out of time');
    const aborted = await pool.exec(node, remote(sh`true`), { signal: AbortSignal.abort(reason) });
    expect(aborted).toMatchObject({ ok: false, node, kind: 'timeout', message: 'the check ran out of time' });
    // The slot is given back: the connection still runs commands.
    const after = await pool.exec(node, remote(sh`true`));
    expect(after.ok).toBe(true);
  });
});
