/**
 * The ConfirmationStore cases, written once against the SqlStore interface: the unit spec runs
 * them on SQLite, test/integration/postgres-confirm-store.spec.ts on a real PostgreSQL.
 */
import { expect, it } from 'vitest';
import { ConfirmationStore } from '../../../src/slack/confirm-store.js';
import type { SqlStore } from '../../../src/store/sql-store.js';

const plan = { summary: 'Restart libvirtd on node-18', actions: [{ node: 'node-18', description: 'restart libvirtd', command: 'systemctl restart libvirtd' }] };

/** A store on a fresh database, its clock, and a way to move that clock. */
async function setup(open: () => Promise<SqlStore>): Promise<{ store: ConfirmationStore; advance: (ms: number) => void }> {
  let now = Date.parse('2026-01-01T10:00:00Z');
  const store = new ConfirmationStore(await open(), () => new Date(now));
  return { store, advance: (ms) => (now += ms) };
}

/** One dangerous command waiting for confirmation, ten minutes to live. */
export function requestConfirmation(store: ConfirmationStore) {
  return store.create({
    auditId: 7,
    command: '/compute fix-libvirt node-18',
    permission: 'operator',
    plan,
    channel: 'C0OPS',
    requestedBy: 'U1',
    requestedName: 'alice',
    ttlMs: 600_000,
  });
}

/** Registers the ConfirmationStore cases on the store `open` gives (a fresh, migrated one each time). */
export function confirmationStoreCases(open: () => Promise<SqlStore>): void {
  it('stores the plan and gives it back', async () => {
    const { store } = await setup(open);
    const c = await requestConfirmation(store);
    expect(await store.get(c.id)).toMatchObject({ auditId: 7, plan, state: 'pending', expiresAt: new Date('2026-01-01T10:10:00Z') });
  });

  it('lets exactly one press decide', async () => {
    const { store } = await setup(open);
    const c = await requestConfirmation(store);
    expect((await store.decide(c.id, 'confirmed', 'U2')).ok).toBe(true);
    expect(await store.decide(c.id, 'cancelled', 'U3')).toMatchObject({ ok: false, reason: 'decided', confirmation: { state: 'confirmed', decidedBy: 'U2' } });
  });

  it('refuses a press after expiry and marks it expired', async () => {
    const { store, advance } = await setup(open);
    const c = await requestConfirmation(store);
    advance(600_001);
    expect(await store.decide(c.id, 'confirmed', 'U2')).toMatchObject({ ok: false, reason: 'expired' });
    expect((await store.get(c.id))?.state).toBe('expired');
  });

  it('sweeps due confirmations once', async () => {
    const { store, advance } = await setup(open);
    const a = await requestConfirmation(store);
    advance(300_000);
    await requestConfirmation(store);
    advance(300_001);
    expect((await store.expireDue()).map((c) => c.id)).toEqual([a.id]);
    expect(await store.expireDue()).toEqual([]);
  });

  it('knows nothing of an unknown id', async () => {
    const { store } = await setup(open);
    expect(await store.decide('nope', 'confirmed', 'U2')).toEqual({ ok: false, reason: 'unknown' });
  });
}
