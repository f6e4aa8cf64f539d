import { describe, expect, it } from 'vitest';
import { openDatabase } from '../../../src/store/database.js';
import { ConfirmationStore } from '../../../src/slack/confirm-store.js';

const plan = { summary: 'Restart libvirtd on node-18', actions: [{ node: 'node-18', description: 'restart libvirtd', command: 'systemctl restart libvirtd' }] };

function setup(): { store: ConfirmationStore; advance: (ms: number) => void } {
  let now = Date.parse('2026-01-01T10:00:00Z');
  const store = new ConfirmationStore(openDatabase(':memory:'), () => new Date(now));
  return { store, advance: (ms) => (now += ms) };
}

function request(store: ConfirmationStore) {
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

describe('ConfirmationStore', () => {
  it('stores the plan and gives it back', () => {
    const { store } = setup();
    const c = request(store);
    expect(store.get(c.id)).toMatchObject({ auditId: 7, plan, state: 'pending', expiresAt: new Date('2026-01-01T10:10:00Z') });
  });

  it('lets exactly one press decide', () => {
    const { store } = setup();
    const c = request(store);
    expect(store.decide(c.id, 'confirmed', 'U2').ok).toBe(true);
    expect(store.decide(c.id, 'cancelled', 'U3')).toMatchObject({ ok: false, reason: 'decided', confirmation: { state: 'confirmed', decidedBy: 'U2' } });
  });

  it('refuses a press after expiry and marks it expired', () => {
    const { store, advance } = setup();
    const c = request(store);
    advance(600_001);
    expect(store.decide(c.id, 'confirmed', 'U2')).toMatchObject({ ok: false, reason: 'expired' });
    expect(store.get(c.id)?.state).toBe('expired');
  });

  it('sweeps due confirmations once', () => {
    const { store, advance } = setup();
    const a = request(store);
    advance(300_000);
    request(store);
    advance(300_001);
    expect(store.expireDue().map((c) => c.id)).toEqual([a.id]);
    expect(store.expireDue()).toEqual([]);
  });

  it('knows nothing of an unknown id', () => {
    const { store } = setup();
    expect(store.decide('nope', 'confirmed', 'U2')).toEqual({ ok: false, reason: 'unknown' });
  });
});
