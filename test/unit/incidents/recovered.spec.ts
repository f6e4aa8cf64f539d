import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  evidenceOf,
  groupProblems,
  postmortemChart,
  renderPostmortem,
  summaryReply,
  type IncidentData,
  type ProblemGroup,
} from '../../../src/incidents/index.js';
import { timelineSvg } from '../../../src/render/timeline-svg.js';
import { diagnoseDirectory, type Catalog } from '../../../src/signatures/index.js';
import { builtinCatalog } from './fixtures.js';
import { incidentOf } from './incident-of.js';

/**
 * Issue 12 §3 on the incident side: a broker that stopped cleanly and was back ("Server startup
 * complete", 09:58:14, line 364 of the real log in test/fixtures/diagnose/clean-restart) is shown
 * as recovered, with when and the line, in the summary and in the post-mortem's timeline and
 * picture; it is never the root cause of the RPC timeouts that began after it was back.
 */

const CLEAN_RESTART = join(import.meta.dirname, '../../fixtures/diagnose/clean-restart');
const BROKER = 'juju-04f1e3-1-lxd-5';

let catalog: Catalog;
let problem: ProblemGroup;
let data: IncidentData;

beforeAll(async () => {
  catalog = await builtinCatalog();
  const diagnosis = await diagnoseDirectory(CLEAN_RESTART, catalog);
  const problems = groupProblems(evidenceOf(diagnosis.findings), catalog.signatures);
  const withBroker = problems.find((p) => p.evidence.some((e) => e.signature === 'rabbit-stopped'));
  if (!withBroker) throw new Error('no problem holds the broker stop');
  problem = withBroker;
  const at = '2022-02-10T12:00:00.000Z';
  data = { ...incidentOf(problem, at), events: [], signatures: catalog.signatures, now: at };
});

describe('a clean broker restart in an incident', () => {
  it('is not the root cause nor a current link of the chain, nor what makes the incident critical', () => {
    expect(problem.root.signature).not.toBe('rabbit-stopped');
    expect(problem.severity).toBe('major');
    expect(problem.chainText).not.toContain('RabbitMQ stopped');
    expect(problems(problem)).toContain('rabbit-started');
  });

  it('shows in the summary as recovered, with the time and the line', () => {
    const reply = summaryReply(data);
    expect(reply.text).toContain('Recovered (cleared in the logs, not a current problem):\n');
    expect(reply.text).toMatch(
      new RegExp(`\\n {2}RabbitMQ stopped on ${BROKER}: recovered \\d{4}-\\d\\d-\\d\\d 09:58:14 UTC — ${BROKER} rabbit@${BROKER}\\.log:364\\n`),
    );
    expect(reply.text).toMatch(new RegExp(`\\d\\d:\\d\\d:\\d\\d {2}RabbitMQ stopped on ${BROKER} recovered — ${BROKER} rabbit@${BROKER}\\.log:364(?:\\n|$)`));
    const root = /Root cause and chain:\n([\s\S]*?)\n\n/.exec(reply.text)?.[1] ?? '';
    expect(root).not.toContain('RabbitMQ stopped');
    expect(JSON.stringify(reply.blocks)).toContain(`:white_check_mark: RabbitMQ stopped on ${BROKER}: recovered`);
  });

  it('puts the recovery in the post-mortem, its timeline table, its Mermaid block and its picture', () => {
    const postmortem = { ...data, audit: [] };
    const md = renderPostmortem(postmortem);
    expect(md).toMatch(
      new RegExp(`Recovered before the end of the evidence, not current problems:\\n- RabbitMQ stopped on ${BROKER}: recovered .* 09:58:14 UTC`),
    );
    expect(md).toMatch(
      new RegExp(
        `\\| \\d{4}-\\d\\d-\\d\\d 09:58:14 \\| recovery \\| RabbitMQ stopped on ${BROKER} recovered: RabbitMQ started \\(\`${BROKER}:/var/log/rabbitmq/rabbit@${BROKER}\\.log:364\`\\) \\|`,
      ),
    );
    // The record that shows the recovery is told once, as the recovery, not again as a plain log line.
    // A recovery is no symptom: the first one is the broker stopping, not its earlier clean start.
    expect(md).toContain('| First symptom | 2022-02-04 09:55:33 |');
    expect(md).not.toMatch(new RegExp(`\\| log \\| RabbitMQ started on ${BROKER} \\(\`${BROKER}:/var/log/rabbitmq/rabbit@${BROKER}\\.log:364\``));
    expect(md).toMatch(new RegExp(`\\n {8}09\\.58 : [^\\n]*RabbitMQ stopped on ${BROKER} recovered - RabbitMQ started`));
    const chart = postmortemChart(postmortem);
    expect(chart.kinds.map((k) => k.label)).toContain('recovered');
    const svg = timelineSvg(chart);
    expect(svg).toContain(`RabbitMQ stopped on ${BROKER} recovered: RabbitMQ started`);
    expect(svg).toContain('>recovered</text>');
  });
});

/** The dhcp agent's real "Failed reporting state" timeout line, at another time of the same day. */
function timeoutAt(time: string): string {
  const line = readFileSync(join(CLEAN_RESTART, 'compute4/var/log/neutron/neutron-dhcp-agent.log.1'), 'utf8')
    .split('\n')
    .find((l) => l.includes('Failed reporting state!: oslo_messaging.exceptions.MessagingTimeout')) as string;
  return `${line.replace('2022-02-04 10:06:18.917', `2022-02-04 ${time}`)}\n`;
}

describe('RPC timeouts on one node while the broker was stopped, and on another after it was back', () => {
  it('shows the first as ended with the broker, recovered when it came back, and the second as the problem', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'stackmedic-ended-with-'));
    try {
      cpSync(join(CLEAN_RESTART, BROKER), join(dir, BROKER), { recursive: true });
      for (const [node, time] of [
        ['compute4', '09:56:40.001'],
        ['compute5', '10:06:18.917'],
      ] as const) {
        mkdirSync(join(dir, node, 'var/log/neutron'), { recursive: true });
        writeFileSync(join(dir, node, 'var/log/neutron/neutron-dhcp-agent.log'), timeoutAt(time));
      }
      const diagnosis = await diagnoseDirectory(dir, catalog);
      const [group] = groupProblems(evidenceOf(diagnosis.findings), catalog.signatures);
      if (!group) throw new Error('no problem');
      expect(group.root).toMatchObject({ signature: 'messaging-timeout', node: 'compute5' });
      const at = '2022-02-10T12:00:00.000Z';
      const text = summaryReply({ ...incidentOf(group, at), events: [], signatures: catalog.signatures, now: at }).text;
      expect(text).toContain(
        `  RPC calls time out (MessagingTimeout) on compute4: ended with RabbitMQ stopped on ${BROKER}, recovered 2022-02-04 09:58:14 UTC — ${BROKER} rabbit@${BROKER}.log:364\n`,
      );
      expect(text).toContain(`  RabbitMQ stopped on ${BROKER}: recovered 2022-02-04 09:58:14 UTC`);
      expect(/Root cause and chain:\n([\s\S]*?)\n\n/.exec(text)?.[1]).toBe('  * RPC calls time out (MessagingTimeout) on compute5 (first 2022-02-04 10:06:18)');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

function problems(p: ProblemGroup): string[] {
  return [...new Set(p.evidence.map((e) => e.signature))];
}
