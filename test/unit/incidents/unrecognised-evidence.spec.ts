import { execFileSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { classifyFetchedErrors, errorFetchCommand } from '../../../src/incidents/error-fetch.js';
import { evidenceOf, groupProblems, planIncidents, renderPostmortem, summaryReply, type IncidentSnapshot } from '../../../src/incidents/index.js';
import { latestLogErrors, unrecognisedEvidence, type LogErrors } from '../../../src/incidents/unrecognised-evidence.js';
import { diagnoseDirectory, parseLogFetchOutput, UnrecognisedCollector, type Catalog, type FetchedLogs } from '../../../src/signatures/index.js';
import { builtinCatalog, SEED_LOGS } from './fixtures.js';
import { incidentOf } from './incident-of.js';

/**
 * The unrecognised errors an incident keeps: grouped from fetched error lines within the window,
 * stored as one evidence row that takes no part in chains or in matching problems to incidents,
 * and told plainly when everything was recognised or nothing was there.
 */

const NOVA = '/var/log/nova/nova-compute.log';
/** A real traceback the catalog claims (nova-node-device-race), lines 3-18 of the fixture (see its SOURCE.md). */
const CLAIMED = readFileSync(join(import.meta.dirname, '../../fixtures/logs/unrecognised/compute2/var/log/nova/nova-compute.log'), 'utf8')
  .split('\n')
  .slice(2, 18)
  .join('\n');

let catalog: Catalog;

beforeAll(async () => {
  catalog = await builtinCatalog();
});

function classify(fetched: FetchedLogs, earliestMs = -Infinity): LogErrors {
  const collector = new UnrecognisedCollector();
  classifyFetchedErrors(fetched, 'node-18', catalog.signatures, ['compute'], collector, { zone: 'UTC', earliestMs });
  const report = collector.report();
  return {
    fetched: true,
    nodes: ['node-18'],
    groups: report.groups,
    moreGroups: 0,
    other: report.other,
    classification: report.classification,
    truncated: false,
  };
}

async function seedSummary(errors: LogErrors): Promise<{ text: string; md: string }> {
  const diagnosis = await diagnoseDirectory(SEED_LOGS, catalog);
  const [problem] = groupProblems(evidenceOf(diagnosis.findings), catalog.signatures);
  if (!problem) throw new Error('no seed problem');
  const at = '2017-02-15T06:30:00.000Z';
  const { incident, evidence } = incidentOf({ ...problem, evidence: [...problem.evidence, unrecognisedEvidence(errors, at)] }, at);
  const data = { incident, evidence, events: [], signatures: catalog.signatures, now: at };
  return { text: summaryReply(data).text, md: renderPostmortem({ ...data, audit: [] }) };
}

describe('unrecognised errors of an incident', () => {
  it('counts a traceback a signature claims as one recognised record, and says so plainly', async () => {
    const errors = classify({ runs: [{ file: NOVA, firstLine: 3, text: `${CLAIMED}\n` }], truncated: false });
    expect(errors.classification).toEqual({ errors: 1, classified: 1, rate: 1 });
    expect(errors.groups).toEqual([]);
    const { text, md } = await seedSummary(errors);
    expect(text).toContain('\nUnrecognised errors: the one error record in the fetched logs recognised\n');
    expect(md).toContain('Unrecognised errors: the one error record in the fetched logs recognised.\n');
    expect(text).toContain('  * Root disk full (ENOSPC) on node-10');
  });

  it('leaves out records stamped before the window', () => {
    const errors = classify({ runs: [{ file: NOVA, firstLine: 3, text: `${CLAIMED}\n` }], truncated: false }, Date.parse('2022-02-11T00:00:00Z'));
    expect(errors.classification).toEqual({ errors: 0, classified: 0, rate: null });
  });

  it('says no error record was there, not 100 %, when the fetched logs held none', async () => {
    const { text } = await seedSummary(classify({ runs: [], truncated: false }));
    expect(text).toContain('\nUnrecognised errors: no error record in the fetched logs\n');
    expect(text).not.toMatch(/100 %/);
  });

  it('keeps one row per distinct content, and reads back the newest', () => {
    const a = classify({ runs: [{ file: NOVA, firstLine: 3, text: `${CLAIMED}\n` }], truncated: false });
    const b = classify({ runs: [], truncated: false });
    expect(unrecognisedEvidence(a, '2017-02-15T06:30:00.000Z').key).toBe(unrecognisedEvidence(a, '2017-02-15T06:35:00.000Z').key);
    expect(unrecognisedEvidence(a, '2017-02-15T06:30:00.000Z').key).not.toBe(unrecognisedEvidence(b, '2017-02-15T06:30:00.000Z').key);
    const rows = [
      { ...unrecognisedEvidence(b, '2017-02-15T06:35:00.000Z'), id: 2, incidentId: 1, firstSeenAt: '2017-02-15T06:35:00.000Z' },
      { ...unrecognisedEvidence(a, '2017-02-15T06:30:00.000Z'), id: 1, incidentId: 1, firstSeenAt: '2017-02-15T06:30:00.000Z' },
    ];
    expect(latestLogErrors(rows)?.classification.errors).toBe(0);
  });

  it('does not tie a new problem to an open incident because both carry the row', async () => {
    const diagnosis = await diagnoseDirectory(SEED_LOGS, catalog);
    const [seed] = groupProblems(evidenceOf(diagnosis.findings), catalog.signatures);
    if (!seed) throw new Error('no seed problem');
    const row = unrecognisedEvidence(classify({ runs: [], truncated: false }), '2017-02-15T06:30:00.000Z');
    const open: IncidentSnapshot = {
      incident: incidentOf(seed, '2017-02-15T06:30:00.000Z').incident,
      evidenceKeys: new Set([row.key]),
      signatureNodes: new Set([`${row.signature}|${row.node}`]),
      nodes: new Set([row.node]),
    };
    const other = groupProblems(
      evidenceOf([{ signature: 'galera-non-primary', node: 'node-12', time: '2017-02-15T06:29:00.000Z', fields: {}, text: 'non-primary' }]),
      catalog.signatures,
    );
    expect(other).toHaveLength(1);
    const decisions = planIncidents(
      [open],
      [],
      { at: new Date('2017-02-15T06:30:00Z'), problems: other.map((p) => ({ ...p, evidence: [...p.evidence, row] })), unreachable: [] },
      {
        resolveAfterMs: 600_000,
        reopenWithinMs: 3_600_000,
      },
    );
    expect(decisions.map((d) => d.kind)).toEqual(expect.arrayContaining(['open', 'green']));
  });

  it('fetches error lines from the files the node’s signatures read, capped', () => {
    const command = errorFetchCommand(catalog.signatures, ['compute'], { maxBytes: 4096 });
    const script = JSON.stringify(command);
    // The `.1` rotations first, then the live files: the cap at the end keeps the newest lines.
    expect(script.indexOf(' /var/log/nova/*.log.1 ')).toBeGreaterThan(0);
    expect(script.indexOf(' /var/log/nova/*.log ')).toBeGreaterThan(script.indexOf(' /var/log/nova/*.log.1 '));
    expect(script).toContain('tail -c 4096');
    expect(script).toContain("-e ' ERROR '");
    expect(errorFetchCommand(catalog.signatures, ['nothing-has-this-role'])).toBeNull();
  });

  it('reads the error lines of a unit journal too, and counts them as the same lines in a file', async () => {
    // Real RabbitMQ lines (hotsos, see test/fixtures/logs/SOURCES.md) as journalctl -o short-iso
    // prints a unit's stdout: its own prefix in front of each line.
    const raw = readFileSync(join(import.meta.dirname, '../../fixtures/logs/real/rabbitmq/hotsos_cluster_logchecks.log'), 'utf8')
      .replace(/\n$/, '')
      .split('\n');
    const scratch = mkdtempSync(join(tmpdir(), 'stackmedic-error-journal-'));
    try {
      mkdirSync(join(scratch, 'bin'));
      mkdirSync(join(scratch, 'logs/node-10/var/log/rabbitmq'), { recursive: true });
      writeFileSync(join(scratch, 'logs/node-10/var/log/rabbitmq/rabbit@node-10.log'), `${raw.join('\n')}\n`);
      writeFileSync(join(scratch, 'journal.txt'), raw.map((l) => `2022-05-18T06:55:37+0000 node-10 rabbitmq-server[1234]: ${l}`).join('\n') + '\n');
      writeFileSync(
        join(scratch, 'bin/journalctl'),
        `#!/bin/sh\ncase "$*" in *'--since=-6h -u rabbitmq-server') cat '${join(scratch, 'journal.txt')}';; esac\n`,
      );
      chmodSync(join(scratch, 'bin/journalctl'), 0o755);
      const command = errorFetchCommand(catalog.signatures, ['controller'], { journalHours: 6 });
      if (!command) throw new Error('no error fetch for a controller');
      const stdout = execFileSync('sh', ['-c', command.script.toString()], {
        encoding: 'utf8',
        env: { ...process.env, PATH: `${join(scratch, 'bin')}:${process.env.PATH ?? ''}` },
      });
      // This machine's own logs may answer the file greps; only the journal's lines are the test's.
      const fetched = parseLogFetchOutput(stdout);
      const journal = { ...fetched, runs: fetched.runs.filter((r) => r.file === 'journal:rabbitmq-server') };
      expect(journal.runs.length).toBeGreaterThan(0);
      const collector = new UnrecognisedCollector();
      classifyFetchedErrors(journal, 'node-10', catalog.signatures, ['controller'], collector, { zone: 'UTC', earliestMs: -Infinity });
      const fromJournal = collector.report();
      const fromFile = (await diagnoseDirectory(join(scratch, 'logs'), catalog)).unrecognised;
      expect(fromFile.classification.errors).toBeGreaterThan(0);
      expect(fromJournal.classification).toEqual(fromFile.classification);
      expect(fromJournal.groups.map((g) => g.count)).toEqual(fromFile.groups.map((g) => g.count));
    } finally {
      rmSync(scratch, { recursive: true, force: true });
    }
  });
});
