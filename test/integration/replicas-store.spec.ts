/**
 * Two replicas (two apps, each with its own PostgreSQL connection pool) on one real PostgreSQL, in
 * front of the simulated seed outage: runbook locks hold across them, a confirmation pressed on
 * both runs once, and losing the database (pg_ctl stop, then start) keeps reads answering, refuses
 * changes, and loses no audit record nor writes one twice.
 */
import { describe, expect, it } from 'vitest';
import type { StackmedicApp } from '../../src/app/create-app.js';
import { STORE_DOWN_NOTE } from '../../src/router/router.js';
import type { PermissionRole, Reply } from '../../src/router/types.js';
import { startSimCluster } from '../../src/sim/index.js';
import { ConfirmationStore } from '../../src/slack/confirm-store.js';
import { replicaApps } from '../support/replica-apps.js';
import { requestConfirmation } from '../unit/store/confirm-store-suite.js';

const rig = replicaApps();
const replica = (name: string): Promise<StackmedicApp> => rig.replica(name);

async function run(app: StackmedicApp, text: string, actor: string, role: PermissionRole = 'operator'): Promise<Reply> {
  const r = await app.router.dispatch({ text, actor: { id: `U-${actor}`, name: actor, via: 'console' }, role, confirmed: true });
  if (r.kind !== 'reply') throw new Error(`expected a reply to ${text}, got ${r.kind}`);
  return r.reply;
}

async function until(what: string, test: () => Promise<boolean>, ms = 20_000): Promise<void> {
  const end = Date.now() + ms;
  while (!(await test())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

describe('two replicas on one real PostgreSQL', () => {
  it('a heal holding node-18 on replica A makes the heal on replica B refuse, naming the holder; B runs it once A is done', async () => {
    const a = await replica('replica-a');
    const b = await replica('replica-b');
    // What A's runbook command takes before its first step (the same call, the same rows).
    const held = await a.services.locks.tryAcquire(['node-18'], { actor: 'alice', command: '/compute fix-libvirt node-18', since: new Date(), runId: '#41' });
    expect(held.ok).toBe(true);
    const second = await run(b, '/compute fix-libvirt node-18', 'bob');
    expect(second.ok).toBe(false);
    expect(second.title).toMatch(
      /^node-18 is busy: \/compute fix-libvirt node-18 by alice on replica replica-a \(audit #41\) since \d\d:\d\d:\d\d UTC\. Wait for it to finish\.$/,
    );
    // Refused before its first step: no step of bob's runbook is in the audit.
    expect((await a.services.audit.list(50)).filter((e) => e.kind === 'runbook' && e.actorName === 'bob')).toEqual([]);
    if (held.ok) await held.release();
    const third = await run(b, '/compute fix-libvirt node-18', 'bob');
    expect(third.title).not.toMatch(/is busy/);
    expect(await a.store.all(`SELECT name FROM runbook_lock`)).toEqual([]);
    // One log for both replicas: the refusal and the later run are in it, each once.
    const runs = (await a.services.audit.list(50)).filter((e) => e.command === '/compute fix-libvirt node-18' && e.kind === 'command');
    expect(runs).toHaveLength(2);
    expect(runs[1]).toMatchObject({ actorName: 'bob', outcome: 'refused' });
  }, 90_000);

  it('two replicas restarting pacemaker on two different members at the same moment: at most one runs (the guard reads the locks after taking its own)', async () => {
    const healthy = await startSimCluster({ scenario: 'healthy' });
    try {
      const onHealthy = (name: string): Promise<StackmedicApp> => rig.replica(name, healthy.inventory);
      const a = await onHealthy('replica-c');
      const b = await onHealthy('replica-d');
      const [onA, onB] = await Promise.all([run(a, '/pacemaker restart node-11', 'alice', 'admin'), run(b, '/pacemaker restart node-12', 'bob', 'admin')]);
      const ran = [onA, onB].filter((r) => /done, verified/.test(r.title));
      expect(ran.length, `${onA.title}\n${onB.title}`).toBeLessThanOrEqual(1);
      // Each refusal names the other member as being worked on, by its holder on the other replica.
      for (const [r, other, replicaName] of [
        [onA, 'node-12', 'replica-d'],
        [onB, 'node-11', 'replica-c'],
      ] as const) {
        if (/done, verified/.test(r.title)) continue;
        expect(r.title).toMatch(
          new RegExp(`could lose quorum.*${other}: pacemaker being worked on \\(/pacemaker restart ${other} by \\w+ on replica ${replicaName}\\)`),
        );
      }
      expect(await a.store.all(`SELECT name FROM runbook_lock WHERE name LIKE 'node:%'`)).toEqual([]);
    } finally {
      await healthy.stop();
    }
  }, 120_000);

  it('a confirmation asked on replica A and pressed on both replicas at once is decided once', async () => {
    const a = await replica('replica-a2');
    const b = await replica('replica-b2');
    const asked = new ConfirmationStore(a.store, () => new Date());
    const c = await requestConfirmation(asked);
    const presses = await Promise.all(
      [new ConfirmationStore(a.store, () => new Date()), new ConfirmationStore(b.store, () => new Date())].map((s, i) => s.decide(c.id, 'confirmed', `U${i}`)),
    );
    expect(presses.filter((p) => p.ok)).toHaveLength(1);
    expect(presses.find((p) => !p.ok)).toMatchObject({ ok: false, reason: 'decided' });
    const again = await new ConfirmationStore(b.store, () => new Date()).decide(c.id, 'confirmed', 'U9');
    expect(again).toMatchObject({ ok: false, reason: 'decided' });
  });

  it('with the database stopped, reads answer with a note and changes are refused; stopped mid-command, no audit record is lost or doubled', async () => {
    const a = await replica('replica-c');
    await rig.server.halt();
    try {
      const ping = await run(a, '/cluster ping', 'carol', 'viewer');
      expect(ping.text).toContain(STORE_DOWN_NOTE);
      expect(ping.text.split('\n').filter((l) => l.startsWith('Note: the audit and incidents are unavailable'))).toHaveLength(1);
      const heal = await run(a, '/compute fix-libvirt node-18', 'carol');
      expect(heal.ok).toBe(false);
      expect(heal.title).toMatch(/^Not run: the store is unavailable .*does not run without its audit record and lock\.$/);
    } finally {
      await rig.server.resume();
    }
    // Nothing of the refused heal reached the node.
    const before = rig.sim.commandLog.length;
    let kept = 0;
    a.services.audit.onUnwritten = () => kept++;
    const status = run(a, '/cluster status', 'carol', 'viewer');
    // Stopped while the status command runs its probes: their records wait, then go in once.
    await until('the first remote command', async () => rig.sim.commandLog.length > before, 10_000);
    await rig.server.halt();
    await new Promise((r) => setTimeout(r, 1500));
    await rig.server.resume();
    await status;
    await until('the kept records written', async () => a.services.audit.unwrittenCount === 0 || (await a.services.audit.flush()), 20_000);
    // Some records really had to wait for the database.
    expect(kept).toBeGreaterThan(0);
    const [entry] = (await a.services.audit.list(5)).filter((e) => e.command === '/cluster status');
    expect(entry?.outcome).not.toBe('pending');
    const ran = rig.sim.commandLog.slice(before);
    // Every command the nodes ran is in the audit once; a command that failed before reaching a
    // node (a timeout under load) is audited too, as a failure, and is not in the node's log.
    const reached = entry?.remote.filter((r) => r.ok) ?? [];
    expect(reached.map((r) => `${r.node} ${r.command}`).sort(), JSON.stringify(entry?.remote.filter((r) => !r.ok))).toEqual(
      ran.map((r) => `${r.node} ${r.command}`).sort(),
    );
  }, 90_000);
});
