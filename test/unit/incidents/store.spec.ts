import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { IncidentStore, type IncidentPicture } from '../../../src/incidents/index.js';
import { migrate, openDatabase } from '../../../src/store/database.js';
import { SqliteStore } from '../../../src/store/sqlite-store.js';
import { migrations } from '../../../src/store/migrations.js';
import { evidenceOf } from '../../../src/incidents/index.js';
import { probe } from './fixtures.js';

const PICTURE: IncidentPicture = {
  severity: 'critical',
  title: 'Disk full (df) on node-10',
  root: { signature: 'disk-full-now', node: 'node-10' },
  chain: { root: { signature: 'disk-full-now', node: 'node-10', time: '2017-02-15T06:30:00.000Z' }, links: [] },
  chainText: 'Disk full (df) on node-10',
  impact: [{ area: 'disk', severity: 'critical', nodes: ['node-10'], summary: 'node-10 / 100% full' }],
  nextSteps: ['/cluster free-disk node-10'],
};

const dirs: string[] = [];
afterEach(async () => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function tempDb(): string {
  const dir = mkdtempSync(join(tmpdir(), 'stackmedic-incident-store-'));
  dirs.push(dir);
  return join(dir, 'stackmedic.sqlite');
}

describe('IncidentStore', () => {
  it('survives closing and reopening the database file', async () => {
    const path = tempDb();
    const evidence = evidenceOf([probe('disk-full-now', 'node-10'), probe('rabbit-node-down', 'node-10')]);
    let db = new SqliteStore(openDatabase(path));
    const store = new IncidentStore(db);
    const id = await store.open(PICTURE, evidence, '2017-02-15T06:30:00.000Z');
    await store.saveSlackRef({ incidentId: id, channel: 'C1', ts: '1.000100', lastEventId: 1, summaryHash: 'abc' });
    await store.markGreen(id, '2017-02-15T06:40:00.000Z', '2017-02-15T06:40:00.000Z');
    const before = await store.get(id);
    db.close();

    db = new SqliteStore(openDatabase(path));
    const again = new IncidentStore(db);
    expect(await again.get(id)).toEqual(before);
    expect((await again.get(id))?.greenSince).toBe('2017-02-15T06:40:00.000Z');
    expect((await again.evidence(id)).map((e) => e.key)).toEqual(evidence.map((e) => e.key));
    expect((await again.events(id)).map((e) => e.kind)).toEqual(['opened']);
    expect(await again.slackRef(id)).toEqual({ incidentId: id, channel: 'C1', ts: '1.000100', lastEventId: 1, summaryHash: 'abc' });
    db.close();
  });

  it('is schema version 3, applied once, with versions numbered without gaps', async () => {
    const path = tempDb();
    const db = new SqliteStore(openDatabase(path));
    expect(migrations.map((m) => m.version)).toEqual(migrations.map((_, i) => i + 1));
    expect(migrations.find((m) => m.version === 3)?.description).toMatch(/incidents/);
    expect(db.db.pragma('user_version', { simple: true })).toBe(migrations.at(-1)?.version);
    migrate(db.db);
    expect(db.db.prepare(`SELECT COUNT(*) AS n FROM sqlite_master WHERE name = 'incident'`).get()).toEqual({ n: 1 });
    db.close();
  });

  it('attaches each piece of evidence once and mirrors each audit invocation once', async () => {
    const store = new IncidentStore(new SqliteStore(openDatabase(':memory:')));
    const evidence = evidenceOf([probe('disk-full-now', 'node-10')]);
    const id = await store.open(PICTURE, evidence, '2017-02-15T06:30:00.000Z');
    expect(await store.addEvidence(id, evidence, '2017-02-15T06:32:00.000Z')).toEqual([]);
    const more = evidenceOf([probe('rabbit-node-down', 'node-10')]);
    expect(await store.addEvidence(id, [...evidence, ...more], '2017-02-15T06:32:00.000Z')).toEqual(more);
    expect(
      await store.addEvent(id, { at: '2017-02-15T06:33:00.000Z', kind: 'action', text: 'alice ran /cluster free-disk node-10: ok', auditId: 7 }),
    ).not.toBeNull();
    expect(
      await store.addEvent(id, { at: '2017-02-15T06:33:00.000Z', kind: 'action', text: 'alice ran /cluster free-disk node-10: ok', auditId: 7 }),
    ).toBeNull();
    expect(await store.mirroredAuditIds(id)).toEqual(new Set([7]));
  });

  it('resolves once, reopens with a count, and knows the last resolution', async () => {
    const store = new IncidentStore(new SqliteStore(openDatabase(':memory:')));
    const id = await store.open(PICTURE, [], '2017-02-15T06:30:00.000Z');
    expect(await store.lastResolvedAt()).toBeNull();
    expect(await store.resolve(id, '2017-02-15T07:00:00.000Z', 'alice', 'by hand')).toBe(true);
    expect(await store.resolve(id, '2017-02-15T07:01:00.000Z', 'bob', 'again')).toBe(false);
    expect(await store.get(id)).toMatchObject({ status: 'resolved', resolvedBy: 'alice', resolution: 'by hand' });
    expect(await store.lastResolvedAt()).toBe('2017-02-15T07:00:00.000Z');
    expect((await store.resolvedSince('2017-02-15T06:59:00.000Z')).map((i) => i.id)).toEqual([id]);
    await store.reopen(id, '2017-02-15T07:10:00.000Z', 'back');
    expect(await store.get(id)).toMatchObject({ status: 'open', resolvedAt: null, reopenCount: 1 });
    expect((await store.events(id)).map((e) => e.kind)).toEqual(['opened', 'resolved', 'reopened']);
  });

  it('lists open incidents and those whose Slack thread is behind', async () => {
    const store = new IncidentStore(new SqliteStore(openDatabase(':memory:')));
    const a = await store.open(PICTURE, [], '2017-02-15T06:30:00.000Z');
    const b = await store.open({ ...PICTURE, title: 'other' }, [], '2017-02-15T06:31:00.000Z');
    await store.resolve(b, '2017-02-15T06:50:00.000Z', 'stackmedic', 'green');
    expect((await store.list({ status: 'open' })).map((i) => i.id)).toEqual([a]);
    expect((await store.list()).map((i) => i.id)).toEqual([b, a]);
    expect((await store.needingSync()).map((i) => i.id)).toEqual([a, b]);
    const lastB = (await store.events(b)).at(-1)?.id ?? 0;
    await store.saveSlackRef({ incidentId: b, channel: 'C1', ts: '2.0', lastEventId: lastB, summaryHash: 'h' });
    expect((await store.needingSync()).map((i) => i.id)).toEqual([a]);
  });
});
