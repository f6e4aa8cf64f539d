import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp, type StackmedicApp } from '../../../src/app/create-app.js';
import { readEnvOptions } from '../../../src/config/env.js';
import { groupProblems, type IncidentStore } from '../../../src/incidents/index.js';
import { loadInventory } from '../../../src/inventory/load.js';
import type { PermissionRole, Reply } from '../../../src/router/types.js';
import { builtinCatalog, seedEvidence, tempDatabasePath } from './fixtures.js';

let now = '2017-02-15T06:30:00.000Z';
let app: StackmedicApp;
let store: IncidentStore;

async function run(text: string, role: PermissionRole = 'viewer', name = 'dave'): Promise<{ reply: Reply; ephemeral: boolean }> {
  const result = await app.router.dispatch({ text, actor: { id: `U-${name}`, name, via: 'console' }, role });
  if (result.kind !== 'reply') throw new Error(`expected a reply, got ${result.kind}`);
  return { reply: result.reply, ephemeral: result.ephemeral };
}

beforeAll(async () => {
  const inventory = loadInventory(join(import.meta.dirname, '../../fixtures/inventory/basic.yml'));
  app = createApp({ inventory, env: readEnvOptions({ STACKMEDIC_DB: tempDatabasePath() }), clock: () => new Date(now) });
  const catalog = await builtinCatalog();
  const [problem] = groupProblems(await seedEvidence(catalog), catalog.signatures);
  if (!problem) throw new Error('no problem in the seed evidence');
  store = app.services.incidents;
  await store.open(
    {
      severity: problem.severity,
      title: problem.title,
      root: problem.root,
      chain: problem.chain,
      chainText: problem.chainText,
      impact: [],
      nextSteps: ['/cluster free-disk node-10'],
    },
    problem.evidence,
    now,
  );
});

afterAll(async () => {
  await app?.close();
});

describe('/incident', () => {
  it('works in every process (console too) and says when there is none', async () => {
    const inventory = loadInventory(join(import.meta.dirname, '../../fixtures/inventory/basic.yml'));
    const bare = createApp({ inventory, env: readEnvOptions({ STACKMEDIC_DB: tempDatabasePath() }) });
    try {
      const result = await bare.router.dispatch({ text: '/incident list', actor: { id: 'U1', name: 'u', via: 'console' }, role: 'viewer' });
      expect(result.kind === 'reply' && result.reply.title).toBe('No open incidents.');
    } finally {
      await bare.close();
    }
  });

  it('lists the open incidents', async () => {
    const { reply } = await run('/incident list');
    expect(reply.title).toBe('1 open incident');
    expect(reply.text).toMatch(
      /^ID\s+STATUS\s+SEVERITY\s+OPENED \(UTC\)\s+STATE\s+TITLE\n#1\s+open\s+critical\s+2017-02-15 06:30\s+ongoing\s+Root disk full \(ENOSPC\) on node-10$/,
    );
  });

  it('shows an incident summary, and refuses an unknown or malformed id', async () => {
    const { reply } = await run('/incident show 1');
    expect(reply.title).toBe('Incident #1 (critical): Root disk full (ENOSPC) on node-10');
    expect(reply.text).toContain('Recommended runbooks:\n  /cluster free-disk node-10');
    expect((await run('/incident show 7')).reply.title).toBe('no incident #7 (see /incident list)');
    const bad = await run('/incident show one');
    expect(bad.ephemeral).toBe(true);
    expect(bad.reply.title).toBe('ID must be a whole number');
  });

  it('lets only operators resolve, records who did, and refuses a second resolve', async () => {
    const denied = await run('/incident resolve 1', 'viewer');
    expect(denied.reply.title).toBe('Not allowed: /incident resolve needs the operator role; you are a viewer.');
    now = '2017-02-15T07:05:00.000Z';
    const { reply } = await run('/incident resolve 1', 'operator', 'erin');
    expect(reply.title).toBe('Incident #1 resolved by erin: Root disk full (ENOSPC) on node-10');
    expect(await store.get(1)).toMatchObject({ status: 'resolved', resolvedBy: 'erin', resolvedAt: '2017-02-15T07:05:00.000Z' });
    expect((await run('/incident resolve 1', 'operator', 'erin')).reply.title).toBe('incident #1 was already resolved 2017-02-15 07:05 UTC by erin');
    expect((await run('/incident list')).reply.title).toBe('No open incidents.');
    expect((await run('/incident list --all')).reply.title).toBe('0 open incidents (1 listed)');
  });

  it('writes the post-mortem as Markdown text and as a file, with the hand resolution and its author', async () => {
    const { reply } = await run('/incident postmortem 1');
    expect(reply.title).toBe('Post-mortem of incident #1: Root disk full (ENOSPC) on node-10');
    // The Markdown, then its timeline as a PNG (decoded and measured in timeline-picture.spec.ts).
    expect(reply.files?.[0]).toEqual({ filename: 'postmortem-incident-1.md', title: reply.title, content: reply.text });
    expect(reply.files?.[1]).toMatchObject({ filename: 'postmortem-incident-1-timeline.png', title: 'Timeline of incident #1' });
    expect(reply.files?.[1]?.content).toMatch(/^```mermaid\ntimeline\n {4}title Incident #1: Root disk full \(ENOSPC\) on node-10\n/);
    expect(
      Buffer.from(reply.files?.[1]?.base64 ?? '', 'base64')
        .subarray(0, 8)
        .toString('hex'),
    ).toBe('89504e470d0a1a0a');
    expect(reply.files).toHaveLength(2);
    expect(reply.text).toContain('| Resolved | 2017-02-15 07:05:00 (by erin) |');
    expect(reply.text).toContain('Resolved by erin with /incident resolve.');
    expect(reply.text).toContain('erin ran `/incident resolve 1` (console): ok');
    expect(reply.text).not.toContain('/incident list');
  });
});
