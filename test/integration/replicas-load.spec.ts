/**
 * PostgreSQL stopped and restarted under load: two replicas on one real PostgreSQL take a stream of
 * commands (reads and runbooks in dry-run) while the database goes away and comes back. Every
 * command ends either audited exactly once (its row, ended, with its remote commands once each) or
 * answered with the clear "store unavailable" words (the note on a read, the refusal of a change)
 * and no row at all: none lost, none twice. Commands are kept in flight across the stop and the
 * restart by holding their remote commands in the simulator, not by timing.
 */
import { describe, expect, it } from 'vitest';
import type { StackmedicApp } from '../../src/app/create-app.js';
import { STORE_DOWN_NOTE, type DispatchResult } from '../../src/router/router.js';
import type { PermissionRole } from '../../src/router/types.js';
import { replicaApps } from '../support/replica-apps.js';

const rig = replicaApps();
const replica = (name: string): Promise<StackmedicApp> => rig.replica(name);

async function until(what: string, test: () => Promise<boolean>, ms = 60_000): Promise<void> {
  const end = Date.now() + ms;
  while (!(await test())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** One command of the stream: who sent it (a unique actor), where, and how it was answered. */
interface Sent {
  readonly actor: string;
  readonly text: string;
  readonly phase: string;
  readonly result: Promise<DispatchResult>;
}

const MIX: readonly { text: string; role: PermissionRole }[] = [
  { text: '/cluster ping', role: 'viewer' },
  { text: '/compute fix-libvirt node-18 --dry-run', role: 'operator' },
  { text: '/rabbit status', role: 'viewer' },
  { text: '/cluster free-disk node-10 --dry-run', role: 'operator' },
];

describe('PostgreSQL stopped and restarted under a stream of commands on two replicas', () => {
  it('audits every command once or answers it with the store-unavailable words; none lost, none twice', async () => {
    const replicas = [await replica('load-a'), await replica('load-b')];
    const sent: Sent[] = [];
    const send = (phase: string, n: number): Sent[] => {
      const batch = Array.from({ length: n }, (_, i) => {
        const k = sent.length + i;
        const { text, role } = MIX[k % MIX.length] as (typeof MIX)[number];
        const actor = `load-${k}`;
        const app = replicas[k % replicas.length] as StackmedicApp;
        return { actor, text, phase, result: app.router.dispatch({ text, actor: { id: `U-${actor}`, name: actor, via: 'console' }, role, confirmed: true }) };
      });
      sent.push(...batch);
      return batch;
    };
    const rowsOf = async (actorLike: string): Promise<number> =>
      Number((await replicas[0]!.store.get<{ n: number }>(`SELECT COUNT(*) AS n FROM audit_invocation WHERE actor_name LIKE ?`, [actorLike]))?.n);

    // Before the stop: commands whose pings are held on node-10, so they are in flight when it stops.
    const beforeStop = rig.sim.holdCommands('node-10', /\/proc\/uptime/);
    const first = send('before the stop', 8);
    await beforeStop.arrived;
    await until('every command of the first batch to have begun its audit record', async () => (await rowsOf('load-%')) >= first.length);
    await rig.server.halt();

    // While it is down: commands held on node-11 stay in flight across the restart.
    const acrossRestart = rig.sim.holdCommands('node-11', /\/proc\/uptime/);
    beforeStop.release();
    const during = send('while stopped', 8);
    await acrossRestart.arrived;
    await rig.server.resume();
    acrossRestart.release();
    // After the restart: the stream goes on.
    const after = send('after the restart', 8);
    const answers = await Promise.all(sent.map((s) => s.result));
    expect(first.length + during.length + after.length).toBe(answers.length);

    // What was kept in memory during the outage is written once the database is back.
    for (const app of replicas)
      await until('the kept records written', async () => app.services.audit.unwrittenCount === 0 || (await app.services.audit.flush()));

    const rows = await replicas[0]!.store.all<{ id: number; actor_name: string; command: string; outcome: string | null; replica: string | null }>(
      `SELECT id, actor_name, command, outcome, replica FROM audit_invocation WHERE actor_name LIKE 'load-%' ORDER BY id`,
    );
    const remotes = await replicas[0]!.store.all<{ invocation_id: number; node: string; command: string; at: string }>(
      `SELECT r.invocation_id, r.node, r.command, r.at FROM audit_remote r JOIN audit_invocation i ON i.id = r.invocation_id WHERE i.actor_name LIKE 'load-%'`,
    );
    let audited = 0;
    let unavailable = 0;
    for (const [i, s] of sent.entries()) {
      const r = answers[i] as DispatchResult;
      expect(r.kind, s.actor).toBe('reply');
      if (r.kind !== 'reply') continue;
      const mine = rows.filter((row) => row.actor_name === s.actor);
      const words = `${r.reply.title}\n${r.reply.text}`;
      const refused = /^Not run: the store is unavailable \(.*\), and \/\S+ \S+ does not run without its audit record and lock\.$/.test(r.reply.title);
      const noted = words.includes(STORE_DOWN_NOTE);
      if (refused || noted) {
        // Answered without the store: no audit id, no row, and one kind of words, once.
        unavailable++;
        expect(r.auditId, `${s.actor} ${s.text} (${s.phase})`).toBeUndefined();
        expect(mine, `${s.actor} ${s.text} (${s.phase})`).toEqual([]);
        expect(refused && noted, s.actor).toBe(false);
        expect(words.split(STORE_DOWN_NOTE).length - 1, s.actor).toBeLessThanOrEqual(1);
        continue;
      }
      audited++;
      expect(
        mine.map((row) => row.id),
        `${s.actor} ${s.text} (${s.phase}): ${r.reply.title}`,
      ).toEqual([r.auditId]);
      expect(mine[0]?.outcome, `${s.actor} ${s.text}`).not.toBe('pending');
      expect(mine[0]?.command).toBe(s.text);
      // Its remote commands are in once each (a record retried after the restart is not doubled).
      const own = remotes.filter((x) => x.invocation_id === r.auditId).map((x) => `${x.node} ${x.command} ${x.at}`);
      expect(new Set(own).size, `${s.actor}: ${own.join('; ')}`).toBe(own.length);
    }
    expect(audited + unavailable).toBe(sent.length);
    // No row belongs to a command nobody sent, and none to one answered without the store.
    expect(rows.length).toBe(audited);
    // The stop really came in the middle of the stream: the first batch is audited (it began before),
    // and the ones sent while it was down are answered with the store-unavailable words.
    for (const s of first)
      expect(
        rows.some((row) => row.actor_name === s.actor),
        s.actor,
      ).toBe(true);
    for (const [i, s] of during.entries()) expect(answers[first.length + i]?.kind === 'reply' && answers[first.length + i]?.auditId, s.actor).toBeFalsy();
    // The held pings of the first batch finished while the database was down: their node-10
    // command is in the audit once, written after the restart.
    const pings = first.filter((s) => s.text === '/cluster ping');
    for (const s of pings) {
      const id = rows.find((row) => row.actor_name === s.actor)?.id;
      expect(
        remotes.filter((x) => x.invocation_id === id && x.node === 'node-10' && x.command.includes('/proc/uptime')),
        s.actor,
      ).toHaveLength(1);
    }
  }, 240_000);
});
