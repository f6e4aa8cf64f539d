import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { AuditLog } from '../../../src/audit/audit-log.js';
import { groupProblems, IncidentStore, postmortemChart, renderPostmortem, summaryReply, type IncidentData } from '../../../src/incidents/index.js';
import { timelineSvg } from '../../../src/render/timeline-svg.js';
import type { Actor } from '../../../src/router/types.js';
import type { Catalog } from '../../../src/signatures/index.js';
import { openDatabase } from '../../../src/store/database.js';
import { SqliteStore } from '../../../src/store/sqlite-store.js';
import { builtinCatalog, seedEvidence } from './fixtures.js';

/**
 * Golden files of the rendered incident templates, on the seed's evidence and a scripted audit
 * trail under a fixed clock. Set UPDATE_GOLDEN=1 to rewrite them after an intended change.
 */
const GOLDEN = join(import.meta.dirname, '../../fixtures/golden/incidents');

function golden(name: string, actual: string): void {
  const path = join(GOLDEN, name);
  if (process.env.UPDATE_GOLDEN === '1' || !existsSync(path)) {
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, actual);
  }
  expect(actual).toBe(readFileSync(path, 'utf8'));
}

let now = '2017-02-15T06:30:00.000Z';
let catalog: Catalog;
let store: IncidentStore;
let audit: AuditLog;
let id: number;
const alice: Actor = { id: 'UALICE', name: 'alice', via: 'slack', channel: 'COPS' };

async function data(): Promise<IncidentData> {
  const incident = await store.get(id);
  if (!incident) throw new Error('no incident');
  return { incident, evidence: await store.evidence(id), events: await store.events(id), signatures: catalog.signatures, now, resolveAfterMinutes: 10 };
}

async function act(
  at: string,
  command: string,
  outcome: 'ok' | 'refused',
  remote: { node: string; command: string; exitCode: number }[],
  steps: { description: string; command?: string; outcome: 'ok' | 'refused' }[] = [],
): Promise<void> {
  now = at;
  const inv = await audit.begin({ actor: alice, command, kind: 'command' });
  for (const r of remote) await audit.remote(inv, { node: r.node, command: r.command, ok: true, exitCode: r.exitCode, failure: null, durationMs: 40 });
  for (const [i, s] of steps.entries()) {
    await audit.record({
      actor: alice,
      command: `${command} · step ${i + 1}: ${s.description}`,
      kind: 'runbook',
      outcome: s.outcome,
      ...(s.command ? { detail: `$ ${s.command}` } : {}),
    });
  }
  await audit.end(inv, outcome, outcome === 'ok' ? `${command}: done, verified.` : 'Refused: 0 B free on node-10');
}

beforeAll(async () => {
  catalog = await builtinCatalog();
  const db = new SqliteStore(openDatabase(':memory:'));
  store = new IncidentStore(db);
  audit = new AuditLog(db, () => new Date(now));
  const [problem] = groupProblems(await seedEvidence(catalog), catalog.signatures);
  if (!problem) throw new Error('the seed evidence makes no problem');
  id = await store.open(
    {
      severity: problem.severity,
      title: problem.title,
      root: problem.root,
      chain: problem.chain,
      chainText: problem.chainText,
      impact: [
        { area: 'disk', severity: 'critical', nodes: ['node-10'], summary: 'node-10 / 100% full, 0 B free (77.9 GB in /var/lib/cinder/conversion)' },
        { area: 'rabbitmq', severity: 'critical', nodes: ['node-10'], summary: 'RabbitMQ not running on node-10' },
        { area: 'nova', severity: 'critical', nodes: ['node-18', 'node-19', 'node-20'], summary: 'nova-compute DOWN on node-18, node-19, node-20' },
      ],
      nextSteps: ['/cluster free-disk node-10', '/rabbit heal node-10', '/compute fix-libvirt node-18'],
    },
    problem.evidence,
    now,
  );
});

describe('incident templates (golden files)', () => {
  it('renders the open incident summary for the console and for Slack', async () => {
    const reply = summaryReply(await data());
    golden('summary-open.txt', `${reply.title}\n${reply.text}\n`);
    golden('summary-open.slack.json', `${JSON.stringify(reply.blocks, null, 2)}\n`);
    expect(reply.blocks?.filter((b) => b.type === 'actions')).toHaveLength(3);
  });

  it('renders the resolved summary and the post-mortem with the audit trail merged into the timeline', async () => {
    await act('2017-02-15T06:36:00.000Z', '/rabbit heal node-10', 'refused', [{ node: 'node-10', command: 'df -P -B1 /', exitCode: 0 }]);
    await act(
      '2017-02-15T06:38:00.000Z',
      '/cluster free-disk node-10',
      'ok',
      [
        { node: 'node-10', command: 'df -P -B1 /', exitCode: 0 },
        { node: 'node-10', command: 'fuser /var/lib/cinder/conversion/tmpG3Ukq5', exitCode: 1 },
        { node: 'node-10', command: 'rm -f -- /var/lib/cinder/conversion/tmpG3Ukq5', exitCode: 0 },
      ],
      [
        { description: 'cinder conversion leftovers that no process holds open', outcome: 'ok' },
        {
          description: 'remove /var/lib/cinder/conversion/tmpG3Ukq5 (83.7 GB) on node-10',
          command: 'rm -f -- /var/lib/cinder/conversion/tmpG3Ukq5',
          outcome: 'ok',
        },
      ],
    );
    await act('2017-02-15T06:41:00.000Z', '/compute fix-libvirt node-18', 'ok', [{ node: 'node-18', command: 'service libvirtd start', exitCode: 0 }]);
    now = '2017-02-15T06:44:00.000Z';
    await store.markGreen(id, now, now);
    await store.addEvent(id, { at: now, kind: 'green', text: 'Checks are green; the incident resolves at 2017-02-15 06:54:00 UTC if they stay green.' });
    golden('summary-green.txt', `${summaryReply(await data()).text}\n`);
    now = '2017-02-15T06:54:00.000Z';
    await store.resolve(id, now, 'stackmedic', 'Checks green since 2017-02-15 06:44:00 UTC (10 min).');
    const resolved = summaryReply(await data());
    golden('summary-resolved.txt', `${resolved.title}\n${resolved.text}\n`);
    expect(resolved.blocks?.filter((b) => b.type === 'actions')).toEqual([]);

    now = '2017-02-16T09:00:00.000Z';
    const postmortem = { ...(await data()), audit: await audit.between(new Date('2017-02-14T00:00:00Z'), new Date('2017-02-15T06:54:00Z')) };
    const md = renderPostmortem(postmortem);
    golden('postmortem.md', md);
    // The timeline's picture: a Mermaid block in the Markdown, and the SVG that becomes Slack's PNG.
    expect(md).toContain(
      '## Timeline (UTC)\n\n```mermaid\ntimeline\n    title Incident #1: Root disk full (ENOSPC) on node-10\n    section 2017-02-14\n        05.49 : Root disk full (ENOSPC) on node-10 : RabbitMQ disk alarm on node-10, 2 records\n',
    );
    expect(md).toContain('        06.36 : alice ran /rabbit heal node-10 (slack) - refused (Refused - 0 B free on node-10)\n');
    expect(md).toMatch(
      / {8}06\.54 : Resolved - Checks green since 2017-02-15 06:44:00 UTC \(10 min\)\.\n(?: {8}.*\n)*```\n\n\| Time \| Source \| What happened \|/,
    );
    golden('postmortem-timeline.svg', timelineSvg(postmortemChart(postmortem)));
    expect(md).toContain('| 2017-02-14 05:49:45 | log | Root disk full (ENOSPC) on node-10');
    expect(md).toContain('| 2017-02-14 10:35:53 | log |');
    expect(md).toContain(
      'alice ran `/cluster free-disk node-10` (slack): ok<br>↳ step 1: cinder conversion leftovers that no process holds open: ok<br>↳ step 2: remove /var/lib/cinder/conversion/tmpG3Ukq5 (83.7 GB) on node-10: ok `rm -f -- /var/lib/cinder/conversion/tmpG3Ukq5`',
    );
    expect(md).toContain('1 action was refused by safety checks before touching the cluster.');
  });
});
