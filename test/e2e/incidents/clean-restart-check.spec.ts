import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { renderPostmortem, runCheck, summaryReply, type CheckResult } from '../../../src/incidents/index.js';
import { loadCatalog, type Catalog } from '../../../src/signatures/index.js';
import { startSimCluster, type SimCluster } from '../../../src/sim/index.js';
import { appendLog } from '../../../src/sim/state/logging.js';
import { SshPool } from '../../../src/ssh/pool.js';
import { checkIncidentData } from '../../unit/incidents/incident-of.js';

/**
 * Issue 12 §3 through the scheduled check: the real broker log of a clean restart (stopped
 * 09:55:33, "Server startup complete" 09:58:14) and the dhcp agent's RPC timeouts from 10:06:18
 * (test/fixtures/diagnose/clean-restart, see its SOURCE.md), put on the simulator's node-10 and
 * fetched over SSH as the scheduler does. Nothing the probes see names the node, so the check is
 * asked for its logs the way firing alerts ask (`external.nodes`).
 */
const FIXTURE = join(import.meta.dirname, '../../fixtures/diagnose/clean-restart');

let sim: SimCluster;
let pool: SshPool;
let catalog: Catalog;
let check: CheckResult;

function lines(file: string): string[] {
  return readFileSync(join(FIXTURE, file), 'utf8').replace(/\n$/, '').split('\n');
}

beforeAll(async () => {
  catalog = await loadCatalog();
  sim = await startSimCluster({ scenario: 'healthy' });
  pool = new SshPool(sim.inventory);
  const node = sim.state.nodes.get('node-10');
  if (!node) throw new Error('no node-10');
  const now = sim.state.clock.now();
  appendLog(node, '/var/log/rabbitmq/rabbit@node-10.log', lines('juju-04f1e3-1-lxd-5/var/log/rabbitmq/rabbit@juju-04f1e3-1-lxd-5.log'), now);
  appendLog(node, '/var/log/neutron/neutron-dhcp-agent.log', lines('compute4/var/log/neutron/neutron-dhcp-agent.log.1'), now);
  check = await runCheck(sim.inventory, pool, catalog, {
    clock: () => new Date(sim.state.clock.now()),
    external: { evidence: [], signatures: [], nodes: ['node-10'] },
  });
}, 120_000);

afterAll(async () => {
  await pool?.close();
  await sim?.stop();
});

describe('a clean broker restart read by the incident check', () => {
  it('makes the later RPC timeouts the problem, not the broker, and never a critical one', () => {
    expect(check.problems).toHaveLength(1);
    const [problem] = check.problems;
    expect(problem?.root).toMatchObject({ signature: 'messaging-timeout', node: 'node-10' });
    expect(problem?.severity).toBe('major');
    expect(problem?.chainText).not.toContain('RabbitMQ stopped');
  });

  it('shows the broker as recovered, with the time and the line, in the summary and the post-mortem', () => {
    const data = checkIncidentData(check, catalog.signatures);
    const text = summaryReply(data).text;
    const recovered = /\n {2}RabbitMQ stopped on node-10: recovered 2022-02-04 09:58:14 UTC — node-10 rabbit@node-10\.log:(\d+)\n/.exec(text);
    expect(recovered, text).not.toBeNull();
    const line = recovered?.[1] ?? '';
    // That line is the broker's "Server startup complete", as the evidence shows it.
    expect(text).toContain(
      `  node-10:/var/log/rabbitmq/rabbit@node-10.log:${line} 2022-02-04 09:58:14 RabbitMQ started\n    2022-02-04 09:58:14.430 [info] <0.8.0> Server startup complete; 3 plugins started.`,
    );
    expect(/Root cause and chain:\n([\s\S]*?)\n\n/.exec(text)?.[1]).toBe('  * RPC calls time out (MessagingTimeout) on node-10 (first 2022-02-04 10:06:18)');
    const md = renderPostmortem({ ...data, audit: [] });
    expect(md).toContain(
      `| 2022-02-04 09:58:14 | recovery | RabbitMQ stopped on node-10 recovered: RabbitMQ started (\`node-10:/var/log/rabbitmq/rabbit@node-10.log:${line}\`) |`,
    );
    expect(md).toContain('        09.58 : RabbitMQ stopped on node-10 recovered - RabbitMQ started\n');
    expect(md).toContain('**RPC calls time out (MessagingTimeout) on node-10.**');
  });
});
