import { describe, expect, it } from 'vitest';
import { formatUndelivered } from '../../../commands/cluster/audit.js';
import { nextDelayMs } from '../../../src/outbox/backoff.js';
import { Outbox } from '../../../src/outbox/outbox.js';
import { OutboxStore, type OutboxEntry } from '../../../src/outbox/store.js';
import { OutboxWorker } from '../../../src/outbox/worker.js';
import { openDatabase } from '../../../src/store/database.js';
import { SqliteStore } from '../../../src/store/sqlite-store.js';

function clockAt(iso: string): { now: () => Date; advance: (ms: number) => void } {
  let t = Date.parse(iso);
  return { now: () => new Date(t), advance: (ms) => (t += ms) };
}

const REPLY = { ok: true, title: 'All 6 nodes answer.', text: 'node-10 0.4 ms' };

describe('outbox backoff', () => {
  it('doubles from 5 s up to 5 minutes, never shorter than Slack asked for', async () => {
    expect([1, 2, 3, 4, 10].map((n) => nextDelayMs(n))).toEqual([5_000, 10_000, 20_000, 40_000, 300_000]);
    expect(nextDelayMs(1, undefined, 3_600_000)).toBe(3_600_000);
  });
});

describe('the outbox', () => {
  it("keeps an answer redacted, due after the first backoff step or Slack's Retry-After", async () => {
    const clock = clockAt('2026-12-01T10:00:00Z');
    const store = new OutboxStore(new SqliteStore(openDatabase(':memory:')), clock.now);
    const outbox = new Outbox({ store, clock: clock.now });
    const a = await outbox.keep({
      channel: 'COPS',
      user: 'U1',
      ephemeral: false,
      reply: { ok: false, title: 'failed', text: 'rabbit_password = s3cr3t-Value-123' },
      footer: 'f',
      error: 'e',
    });
    const b = await outbox.keep({ channel: 'COPS', user: 'U1', ephemeral: false, reply: REPLY, footer: 'f', error: 'ratelimited', retryAfterMs: 3_600_000 });
    expect((await store.get(a))?.reply.text).not.toContain('s3cr3t-Value-123');
    expect((await store.get(a))?.nextAttemptAt.toISOString()).toBe('2026-12-01T10:00:05.000Z');
    expect((await store.get(b))?.nextAttemptAt.toISOString()).toBe('2026-12-01T11:00:00.000Z');
    expect((await store.get(b))?.expiresAt.toISOString()).toBe('2026-12-02T10:00:00.000Z');
  });

  it('retries with backoff until delivered, then expires what stays undeliverable', async () => {
    const clock = clockAt('2026-12-01T10:00:00Z');
    const store = new OutboxStore(new SqliteStore(openDatabase(':memory:')), clock.now);
    const outbox = new Outbox({ store, clock: clock.now, ttlMs: 60_000 });
    const tries: number[] = [];
    let slackUp = false;
    const worker = new OutboxWorker({
      store,
      clock: clock.now,
      log: () => undefined,
      deliver: async (e: OutboxEntry) => {
        tries.push(e.id);
        if (!slackUp || e.reply.title === 'never') throw Object.assign(new Error('channel_not_found'), { retryAfterMs: 0 });
      },
    });
    const good = await outbox.keep({ channel: 'C', user: 'U', ephemeral: false, reply: REPLY, footer: '', error: 'x' });
    const bad = await outbox.keep({ channel: 'C', user: 'U', ephemeral: false, reply: { ...REPLY, title: 'never' }, footer: '', error: 'x' });
    await worker.runPass();
    expect(tries).toEqual([]);
    clock.advance(5_000);
    await worker.runPass();
    expect(tries).toEqual([good, bad]);
    expect(await store.get(good)).toMatchObject({ state: 'pending', attempts: 2, lastError: 'channel_not_found' });
    // Second failure: 10 s to wait, not 5.
    clock.advance(5_000);
    await worker.runPass();
    expect(tries).toHaveLength(2);
    slackUp = true;
    clock.advance(5_000);
    await worker.runPass();
    expect(await store.get(good)).toMatchObject({ state: 'delivered', attempts: 3 });
    expect((await store.get(bad))?.state).toBe('pending');
    expect((await store.undelivered()).map((e) => e.id)).toEqual([bad]);
    clock.advance(60_000);
    await worker.runPass();
    expect((await store.get(bad))?.state).toBe('expired');
    expect((await store.undelivered()).map((e) => [e.id, e.state])).toEqual([[bad, 'expired']]);
  });
});

describe('/cluster audit lines for undelivered answers', () => {
  it('say where the answer was going, how often it was tried, and what is next or that it expired', async () => {
    const clock = clockAt('2026-12-01T10:00:00Z');
    const store = new OutboxStore(new SqliteStore(openDatabase(':memory:')), clock.now);
    const outbox = new Outbox({ store, clock: clock.now, ttlMs: 60_000 });
    const id = await outbox.keep({ channel: 'COPS', user: 'U1', ephemeral: true, auditId: 12, reply: REPLY, footer: '', error: 'channel_not_found' });
    expect(formatUndelivered((await store.get(id)) as OutboxEntry)).toBe(
      `  outbox #${id} [pending] "All 6 nodes answer." for audit #12 to U1 only, COPS, kept 2026-12-01 10:00:00, 1 try, next try 2026-12-01 10:00:05; last error: channel_not_found`,
    );
    clock.advance(61_000);
    await store.expireDue();
    expect(formatUndelivered((await store.get(id)) as OutboxEntry)).toMatch(
      /\[expired\] .* 1 try, expired 2026-12-01 10:01:01; last error: channel_not_found$/,
    );
  });
});
