/**
 * The stores on the SqlStore interface (audit, incidents, outbox, run messages, node locks), as
 * one set of cases run on both back-ends: on SQLite by stores.spec.ts, on a real PostgreSQL by
 * test/integration/postgres-stores.spec.ts. `open` gives a fresh, migrated, empty store each time.
 */
import { expect, it } from 'vitest';
import { NodeLocks } from '../../../src/app/locks.js';
import { acrossReplicas, INCIDENT_PASS_LOCK } from '../../../src/app/pass-mutex.js';
import { AuditLog } from '../../../src/audit/audit-log.js';
import { IncidentStore, type IncidentPicture } from '../../../src/incidents/store.js';
import type { Evidence } from '../../../src/incidents/types.js';
import { RunMessageStore } from '../../../src/lifecycle/run-messages.js';
import { OutboxStore } from '../../../src/outbox/store.js';
import type { Actor } from '../../../src/router/types.js';
import type { SqlStore } from '../../../src/store/sql-store.js';

const PICTURE: IncidentPicture = {
  severity: 'critical',
  title: 'Disk full (df) on node-10',
  root: { signature: 'disk-full-now', node: 'node-10' },
  chain: null,
  chainText: 'Disk full (df) on node-10',
  impact: [],
  nextSteps: ['/cluster free-disk node-10'],
};

function evidence(signature: string, node: string): Evidence {
  return {
    key: `probe|${signature}|${node}`,
    kind: 'probe',
    signature,
    node,
    time: '2017-02-15T06:30:00.000Z',
    fields: { used: '100%' },
    text: `${node} / 100% full`,
  };
}

const alice: Actor = { id: 'UALICE', name: 'alice', via: 'slack', channel: 'COPS' };

/** Registers the cases; each calls `open` for its own empty store. */
export function storeCases(open: () => Promise<SqlStore>): void {
  it('incidents: open with evidence, attach each piece once, mirror each audit invocation once, resolve once, reopen', async () => {
    const store = new IncidentStore(await open());
    const first = [evidence('disk-full-now', 'node-10')];
    const id = await store.open(PICTURE, first, '2017-02-15T06:30:00.000Z');
    expect(await store.addEvidence(id, first, '2017-02-15T06:31:00.000Z')).toEqual([]);
    const more = [evidence('rabbit-node-down', 'node-10')];
    expect(await store.addEvidence(id, [...first, ...more], '2017-02-15T06:32:00.000Z')).toEqual(more);
    const action = { at: '2017-02-15T06:33:00.000Z', kind: 'action' as const, text: 'alice ran /cluster free-disk node-10: ok', auditId: 7 };
    expect(await store.addEvent(id, action)).toBeGreaterThan(0);
    expect(await store.addEvent(id, action)).toBeNull();
    expect(await store.mirroredAuditIds(id)).toEqual(new Set([7]));
    expect((await store.evidence(id)).map((e) => e.signature)).toEqual(['disk-full-now', 'rabbit-node-down']);
    expect(await store.resolve(id, '2017-02-15T07:00:00.000Z', 'alice', 'by hand')).toBe(true);
    expect(await store.resolve(id, '2017-02-15T07:01:00.000Z', 'bob', 'again')).toBe(false);
    expect(await store.lastResolvedAt()).toBe('2017-02-15T07:00:00.000Z');
    await store.reopen(id, '2017-02-15T07:10:00.000Z', 'back');
    expect(await store.get(id)).toMatchObject({ status: 'open', resolvedAt: null, reopenCount: 1 });
    expect((await store.events(id)).map((e) => e.kind)).toEqual(['opened', 'action', 'resolved', 'reopened']);
    await store.saveSlackRef({ incidentId: id, channel: 'C1', ts: '1.0001', lastEventId: 2, summaryHash: 'h' });
    expect(await store.slackRef(id)).toEqual({ incidentId: id, channel: 'C1', ts: '1.0001', lastEventId: 2, summaryHash: 'h' });
    expect((await store.needingSync()).map((i) => i.id)).toEqual([id]);
  });

  it('audit: begin, remote, end and list come back in order with their remote commands; a restart marks what was left pending', async () => {
    const sql = await open();
    const audit = new AuditLog(sql, () => new Date('2017-02-15T06:40:00.000Z'), 'replica-a');
    const id = await audit.begin({ actor: alice, command: '/rabbit heal node-10', kind: 'command', node: 'node-10' });
    await audit.remote(id, { node: 'node-10', command: 'rabbitmqctl status', ok: true, exitCode: 0, failure: null, durationMs: 12 });
    const left = await audit.begin({ actor: alice, command: '/compute fix-libvirt node-18', kind: 'command' });
    await audit.end(id, 'ok', 'healed');
    const [newest, oldest] = await audit.list(2);
    expect(newest).toMatchObject({ id: left, outcome: 'pending' });
    expect(oldest).toMatchObject({ id, outcome: 'ok', detail: 'healed', remote: [{ node: 'node-10', command: 'rabbitmqctl status', ok: true, exitCode: 0 }] });
    // replica-a never said it was alive: its pending row belongs to no live replica.
    expect(await new AuditLog(sql).markInterrupted()).toBe(1);
    expect((await audit.list(1))[0]).toMatchObject({ id: left, outcome: 'interrupted' });
  });

  it('audit: a replica starting leaves the pending work of a replica that is alive alone', async () => {
    const sql = await open();
    await sql.run(`INSERT INTO stackmedic_replica (name, started_at, expires_at_ms) VALUES ('replica-a', 'now', ${sql.nowMs} + 60000)`);
    const audit = new AuditLog(sql, () => new Date(), 'replica-a');
    const id = await audit.begin({ actor: alice, command: '/rabbit heal node-10', kind: 'command' });
    expect(await new AuditLog(sql, () => new Date(), 'replica-b').markInterrupted()).toBe(0);
    expect((await audit.list(1))[0]).toMatchObject({ id, outcome: 'pending' });
  });

  it('outbox: of two workers claiming a due entry one gets it; delivered once', async () => {
    const sql = await open();
    const now = new Date('2017-02-15T06:00:00.000Z');
    const a = new OutboxStore(sql, () => now);
    const b = new OutboxStore(sql, () => now);
    const id = await a.add({
      channel: 'C1',
      user: 'U1',
      ephemeral: false,
      reply: { ok: true, title: 'done', text: '' },
      footer: 'f',
      error: 'slack down',
      nextAttemptAt: now,
      expiresAt: new Date(now.getTime() + 3_600_000),
    });
    expect((await b.due(now)).map((e) => e.id)).toEqual([id]);
    const later = new Date(now.getTime() + 60_000);
    const claims = await Promise.all([a.claim(id, later, now), b.claim(id, later, now)]);
    expect(claims.filter(Boolean)).toHaveLength(1);
    expect(await a.due(now)).toEqual([]);
    expect(await a.delivered(id)).toBe(true);
    expect(await b.delivered(id)).toBe(false);
    expect(await a.undelivered()).toEqual([]);
  });

  it('run messages: a message shown running is open until settled or announced', async () => {
    const runs = new RunMessageStore(await open(), () => new Date('2017-02-15T06:00:00.000Z'));
    await runs.showing('C1', '1.1', { text: 'step 1/3', blocks: [] });
    await runs.showing('C1', '1.2', { text: 'step 2/3', blocks: [] });
    await runs.settled('C1', '1.1');
    expect((await runs.open()).map((m) => [m.ts, m.content.text])).toEqual([['1.2', 'step 2/3']]);
    await runs.announced('C1', '1.2');
    expect(await runs.open()).toEqual([]);
  });

  it('node locks: all or none, the holder named (replica, actor, run), free again when released or lapsed', async () => {
    const sql = await open();
    const onA = new NodeLocks(sql, { cluster: 'east', replica: 'replica-a', ttlSeconds: 1 });
    const onB = new NodeLocks(sql, { cluster: 'east', replica: 'replica-b', ttlSeconds: 30 });
    const west = new NodeLocks(sql, { cluster: 'west', replica: 'replica-b', ttlSeconds: 30 });
    const since = new Date('2017-02-15T06:00:00.000Z');
    const held = await onA.tryAcquire(['node-10', 'node-11'], { actor: 'alice', command: '/rabbit heal node-10', since, runId: '#7' });
    expect(held.ok).toBe(true);
    const refused = await onB.tryAcquire(['node-12', 'node-11'], { actor: 'bob', command: '/pacemaker restart node-11', since });
    // The replica is named where there are several (PostgreSQL); one process owns a SQLite file.
    const replica = sql.dialect === 'postgres' ? { replica: 'replica-a' } : {};
    expect(refused).toEqual({ ok: false, node: 'node-11', holder: { actor: 'alice', command: '/rabbit heal node-10', since, runId: '#7', ...replica } });
    // None of the second set was taken: node-12 is free.
    expect(await onB.holderOf('node-12')).toBeUndefined();
    // The same node name on another cluster is another node.
    expect((await west.tryAcquire(['node-10'], { actor: 'carol', command: '/rabbit heal node-10', since })).ok).toBe(true);
    expect([...(await onB.held()).keys()].sort()).toEqual(['node-10', 'node-11']);
    if (held.ok) await held.release();
    expect(await onB.holderOf('node-10')).toBeUndefined();
    // A holder that stops renewing (its replica died) loses the lock within its lifetime.
    const dead = await onA.tryAcquire(['node-13'], { actor: 'alice', command: '/compute fix-libvirt node-13', since });
    expect(dead.ok).toBe(true);
    expect((await onB.tryAcquire(['node-13'], { actor: 'bob', command: '/compute fix-libvirt node-13', since })).ok).toBe(false);
    if (dead.ok) await sql.run(`UPDATE runbook_lock SET expires_at_ms = ${sql.nowMs} - 1 WHERE name LIKE '%node-13'`);
    expect((await onB.tryAcquire(['node-13'], { actor: 'bob', command: '/compute fix-libvirt node-13', since })).ok).toBe(true);
  });

  it('node locks: of many replicas taking the same node at once exactly one gets it', async () => {
    const sql = await open();
    const since = new Date();
    const tries = await Promise.all(
      Array.from({ length: 8 }, (_, i) =>
        new NodeLocks(sql, { cluster: 'east', replica: `r${i}`, ttlSeconds: 30 }).tryAcquire(['node-10'], {
          actor: `u${i}`,
          command: '/rabbit heal node-10',
          since,
        }),
      ),
    );
    expect(tries.filter((t) => t.ok)).toHaveLength(1);
    for (const t of tries) if (t.ok) await t.release();
  });

  it('incident passes: of two replicas passing at once one waits for the other; neither meets a node lock', async () => {
    const sql = await open();
    const replicas = ['replica-a', 'replica-b'].map((replica) => new NodeLocks(sql, { cluster: 'east', replica, ttlSeconds: 30 }));
    let running = 0;
    let most = 0;
    const order: string[] = [];
    const pass = (name: string) => async (): Promise<string> => {
      running++;
      most = Math.max(most, running);
      order.push(`${name} start`);
      await new Promise((r) => setTimeout(r, 150));
      order.push(`${name} end`);
      running--;
      return name;
    };
    const results = await Promise.all(replicas.map((locks, i) => acrossReplicas(locks, 'incident pass', pass(`p${i}`), { pollMs: 20 })));
    expect(results).toEqual(['p0', 'p1']);
    expect(most).toBe(1);
    expect(order.filter((e) => e.endsWith('end'))).toHaveLength(2);
    // Released: the lock is free again, and a runbook on any node is not refused by it.
    expect(await replicas[0]?.holderOf(INCIDENT_PASS_LOCK)).toBeUndefined();
    const heal = await replicas[1]?.tryAcquire(['node-10'], { actor: 'bob', command: '/rabbit heal node-10', since: new Date() });
    expect(heal?.ok).toBe(true);
    // A pass that cannot get the lock within its wait says who holds it and does not run.
    const held = await replicas[0]?.tryAcquire([INCIDENT_PASS_LOCK], { actor: 'stackmedic', command: 'incident pass', since: new Date() });
    let t = 0;
    let ran = false;
    await expect(
      acrossReplicas(replicas[1] as NodeLocks, 'incident pass', async () => (ran = true), {
        waitMs: 1000,
        pollMs: 500,
        sleep: async () => void (t += 500),
        now: () => t,
      }),
    ).rejects.toThrow(/another incident pass \(incident pass.*\) held the cluster for over 1 s; this one did not run/);
    expect(ran).toBe(false);
    if (held?.ok) await held.release();
  });
}
