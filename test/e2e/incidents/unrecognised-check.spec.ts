import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { renderPostmortem, runCheck, summaryReply, type CheckResult } from '../../../src/incidents/index.js';
import { diagnoseDirectory, loadCatalog, type Catalog, type UnrecognisedGroup } from '../../../src/signatures/index.js';
import { startSimCluster, type SimCluster } from '../../../src/sim/index.js';
import { appendLog } from '../../../src/sim/state/logging.js';
import { SshPool } from '../../../src/ssh/pool.js';
import { checkIncidentData } from '../../unit/incidents/incident-of.js';

/**
 * Issue 13 §1 on the incident side: the scheduled check fetches the error records of the nodes it
 * reads and groups those no signature claimed, and the incident's summary and post-mortem list the
 * groups with their counts. Real unknown errors (test/fixtures/logs/unrecognised, see its
 * SOURCE.md) are appended to node-18's nova-compute.log on the simulated seed outage, where the
 * check reads them over SSH like any log.
 */

const UNKNOWN = join(import.meta.dirname, '../../fixtures/logs/unrecognised');
const NOVA_FILES = ['compute1/var/log/nova/nova-compute.log', 'compute2/var/log/nova/nova-compute.log'];
/** A real kernel error no signature knows (coreos/bugs#1811, see test/fixtures/logs/SOURCES.md). */
const KERNEL = join(import.meta.dirname, '../../fixtures/logs/real/kernel/coreos_bugs_1811_read_only.log');

let sim: SimCluster;
let pool: SshPool;
let catalog: Catalog;
let check: CheckResult;
/** What `diagnose` makes of the same lines, read as one node's file: the expected groups. */
let expected: readonly UnrecognisedGroup[];

function lines(file: string): string[] {
  return readFileSync(file.startsWith('/') ? file : join(UNKNOWN, file), 'utf8')
    .replace(/\n$/, '')
    .split('\n');
}

beforeAll(async () => {
  catalog = await loadCatalog();
  const dir = mkdtempSync(join(tmpdir(), 'stackmedic-unknown-'));
  try {
    mkdirSync(join(dir, 'node-18/var/log/nova'), { recursive: true });
    writeFileSync(join(dir, 'node-18/var/log/nova/nova-compute.log'), `${NOVA_FILES.flatMap(lines).join('\n')}\n`);
    writeFileSync(join(dir, 'node-18/var/log/kern.log'), `${lines(KERNEL).join('\n')}\n`);
    expected = (await diagnoseDirectory(dir, catalog)).unrecognised.groups;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  sim = await startSimCluster({ scenario: 'seed-incident' });
  pool = new SshPool(sim.inventory);
  const node = sim.state.nodes.get('node-18');
  if (!node) throw new Error('no node-18 in the simulator');
  appendLog(node, '/var/log/nova/nova-compute.log', NOVA_FILES.flatMap(lines), sim.state.clock.now());
  appendLog(node, '/var/log/kern.log', lines(KERNEL), sim.state.clock.now());
  check = await runCheck(sim.inventory, pool, catalog, { clock: () => new Date(sim.state.clock.now()), evidenceHours: 48 });
}, 120_000);

afterAll(async () => {
  await pool?.close();
  await sim?.stop();
});

describe('the incident check groups the error records no signature claimed', () => {
  it('finds each unknown error of the fixture in one group with the count diagnose gives', () => {
    expect(expected.length).toBeGreaterThan(0);
    expect(check.unrecognised.fetched).toBe(true);
    expect(check.unrecognised.nodes).toContain('node-18');
    for (const group of expected) {
      const found = check.unrecognised.groups.find((g) => g.template === group.template);
      expect(found, group.template).toBeDefined();
      expect(found?.count, group.template).toBe(group.count);
      expect(found?.nodes).toEqual(['node-18']);
    }
    expect(check.unrecognised.groups.some((g) => g.template.includes('kernel: EXT4-fs error'))).toBe(true);
    // The four placement 401 lines differ only in their variable parts: one group of four.
    expect(check.unrecognised.groups.some((g) => g.count === 4 && /placement/i.test(g.template))).toBe(true);
    const { errors, classified, rate } = check.unrecognised.classification;
    expect(errors).toBeGreaterThan(classified);
    expect(rate).toBeGreaterThan(0);
    expect(rate).toBeLessThan(1);
  });

  it('keeps the groups with every problem, outside its chain', () => {
    const problem = check.problems[0];
    expect(problem?.title).toBe('Root disk full (ENOSPC) on node-10');
    const rows = problem?.evidence.filter((e) => e.signature === 'stackmedic:unrecognised') ?? [];
    expect(rows).toHaveLength(1);
    expect(problem?.chainText).not.toContain('unrecognised');
    expect(check.evidence.some((e) => e.signature === 'stackmedic:unrecognised')).toBe(false);
  });

  it('lists the top groups with their counts and the rate in the summary and the post-mortem', () => {
    const data = checkIncidentData(check, catalog.signatures);
    const { evidence } = data;
    const reply = summaryReply(data);
    const top = [...check.unrecognised.groups].slice(0, 5);
    const { errors, rate } = check.unrecognised.classification;
    // The seed's chain is still the summary's root cause.
    expect(reply.text).toContain('  * Root disk full (ENOSPC) on node-10 (first 2017-02-14 05:49:45)');
    expect(reply.text).toContain(
      `Unrecognised errors: ${errors} error records in the fetched logs, ${Math.floor((rate ?? 0) * 100)} % recognised; ${check.unrecognised.groups.length} unrecognised groups:\n`,
    );
    top.forEach((g, i) => expect(reply.text).toContain(`  ${i + 1}. x${g.count} on ${g.nodes.join(', ')}`));
    const placement = top.find((g) => /placement/i.test(g.template));
    expect(placement).toBeDefined();
    expect(reply.text).toContain(`     ${placement?.template}\n     e.g. node-18:/var/log/nova/nova-compute.log:`);
    const slack = JSON.stringify(reply.blocks);
    expect(slack).toContain('*Unrecognised errors*');
    expect(slack).toContain(`*x${placement?.count}* on node-18`);
    // The evidence count and the key lines are the signatures' findings only.
    expect(reply.text).toMatch(new RegExp(`Evidence \\(${evidence.length - 1} records, key lines\\)`));

    const md = renderPostmortem({ ...data, audit: [] });
    expect(md).toContain('## Errors no signature recognised');
    expect(md).toMatch(
      new RegExp(
        `\\| \\d \\| ${placement?.count} \\| node-18 \\| [^|]* \\| \`[^\`]*placement[^\`]*\` \\| \`node-18:/var/log/nova/nova-compute\\.log:\\d+\` \\|`,
        'i',
      ),
    );
    expect(md.match(/^\| [1-5] \| \d+ \|/gm)).toHaveLength(Math.min(5, check.unrecognised.groups.length));
    expect(md).not.toContain('stackmedic:unrecognised');
    expect(md).toContain(
      `- [ ] Give the ${check.unrecognised.groups.length} unrecognised error groups a signature (or dismiss them): on a copy of the nodes' logs, \`stackmedic diagnose --logs DIR\` numbers them`,
    );
  });
});

describe('an incident check that fetched no logs', () => {
  let healthy: SimCluster;
  let healthyPool: SshPool;

  beforeAll(async () => {
    healthy = await startSimCluster({ scenario: 'healthy' });
    healthyPool = new SshPool(healthy.inventory);
  }, 60_000);

  afterAll(async () => {
    await healthyPool?.close();
    await healthy?.stop();
  });

  it('says no logs were fetched, not that everything was recognised', async () => {
    // Evidence from outside (a firing alert) on a cluster whose probes see nothing: no node is named, no log is fetched.
    const at = new Date(healthy.state.clock.now()).toISOString();
    const result = await runCheck(healthy.inventory, healthyPool, catalog, {
      clock: () => new Date(healthy.state.clock.now()),
      external: {
        evidence: [
          { key: 'probe|rabbit-node-down|node-10', kind: 'probe', signature: 'rabbit-node-down', node: 'node-10', time: at, fields: {}, text: 'alert' },
        ],
        signatures: [],
        nodes: [],
      },
    });
    expect(result.fetches).toEqual([]);
    expect(result.unrecognised.fetched).toBe(false);
    const data = checkIncidentData(result, catalog.signatures);
    expect(summaryReply(data).text).toContain('\nUnrecognised errors: no logs were fetched, so no error record was classified\n');
    expect(renderPostmortem({ ...data, audit: [] })).toContain('Unrecognised errors: no logs were fetched, so no error record was classified.\n');
  }, 60_000);
});
