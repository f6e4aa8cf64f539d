import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parsePacemakerStatus } from '../../../src/probes/pacemaker-status.js';
import { reportedNameProblem, reportedNamesCheck } from '../../../src/runbooks/reported-names.js';
import type { RunbookContext } from '../../../src/runbooks/types.js';

const PACEMAKER = join(import.meta.dirname, '../../fixtures/probes/pacemaker');

/** Every resource id and failed-action resource in the real crm_mon fixtures. */
function realPacemakerIds(): string[] {
  const ids = new Set<string>();
  for (const f of readdirSync(PACEMAKER).filter((n) => /\.(xml|txt)$/.test(n))) {
    const r = parsePacemakerStatus({ stdout: readFileSync(join(PACEMAKER, f), 'utf8'), stderr: '', exitCode: 0 });
    if (r.kind !== 'ok' || !r.value.running) continue;
    for (const res of r.value.resources) ids.add(res.id);
    // An empty id is what a parser gives for a failure it could not attribute: never acted on either.
    for (const fa of r.value.failedActions) if (fa.resource !== '') ids.add(fa.resource);
  }
  return [...ids];
}

describe('names a node reported, before a runbook acts on them', () => {
  it('accepts every resource id in the real crm_mon outputs', () => {
    const ids = realPacemakerIds();
    expect(ids.length).toBeGreaterThan(20);
    expect(ids.filter((id) => reportedNameProblem('pacemaker-id', id) !== undefined)).toEqual([]);
  });

  it.each(['rabbit@node-10', 'rabbit@node-10.domain.tld', 'rabbit@controller-0', 'rabbit_2@host_1'])('accepts the RabbitMQ node name %s', (name) => {
    expect(reportedNameProblem('rabbit-node', name)).toBeUndefined();
  });

  it.each([
    ['an option', 'rabbit-node', '--help'],
    ['a path', 'rabbit-node', '../../etc/shadow'],
    ['a name with a path in its host', 'rabbit-node', 'rabbit@node/../../x'],
    ['a name without a host', 'rabbit-node', 'rabbit'],
    ['shell syntax', 'rabbit-node', 'rabbit@node-10;id'],
    ['an option as a resource', 'pacemaker-id', '--force'],
    ['a resource with a space', 'pacemaker-id', 'p_rabbit --node x'],
    ['a resource with a newline', 'pacemaker-id', 'p_rabbit\nx'],
  ] as const)('refuses %s', (_what, kind, value) => {
    expect(reportedNameProblem(kind, value)).toBeDefined();
  });

  it('turns bad names into a refusing check that names each one and where it came from', async () => {
    expect(reportedNamesCheck([{ kind: 'rabbit-node', value: 'rabbit@node-10', from: 'node-10' }])).toBeUndefined();
    const check = reportedNamesCheck([
      { kind: 'rabbit-node', value: 'rabbit@node-10', from: 'node-10' },
      { kind: 'pacemaker-id', value: '--force', from: 'crm_mon on node-10' },
    ]);
    const verdict = await check?.run({} as RunbookContext);
    expect(verdict).toMatchObject({ ok: false });
    expect(verdict?.ok === false && verdict.detail).toBe(
      'refusing to act on names no healthy tool prints: "--force" reported by crm_mon on node-10: it is not a pacemaker id',
    );
  });
});
