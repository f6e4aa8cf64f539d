import { describe, expect, it } from 'vitest';
import { AuditLog } from '../../../src/audit/audit-log.js';
import { Lifecycle } from '../../../src/lifecycle/lifecycle.js';
import { openDatabase } from '../../../src/store/database.js';
import { SqliteStore } from '../../../src/store/sqlite-store.js';

const actor = { id: 'U1', name: 'alice', via: 'slack' as const };

describe('Lifecycle', () => {
  it('stops on the abort signal, counts tracked work, and abandons on a second stop request', async () => {
    const abort = new AbortController();
    const life = new Lifecycle({ abort: abort.signal, signals: [] });
    let finish: () => void = () => undefined;
    void life.track(new Promise<void>((r) => (finish = r)));
    expect(life.inFlight).toBe(1);
    abort.abort();
    expect(await life.stopped).toBe('abort');
    expect(life.stopping.aborted).toBe(true);
    expect(life.abandon.aborted).toBe(false);
    expect(life.remaining()).toBeLessThanOrEqual(10_000);
    finish();
    await life.until(() => life.inFlight === 0, 0);
    expect(life.inFlight).toBe(0);
    life.requestStop('SIGINT');
    expect(life.abandon.aborted).toBe(true);
    life.dispose();
  });

  it('bounds a step by what is left of the deadline', async () => {
    // The lifecycle's own clock says 300 ms are left of a 60 s deadline: a hung step leaving 100 ms
    // gets 200 ms, not the minute (a loaded machine may fire the timer late, never a minute late).
    let now = 0;
    const life = new Lifecycle({ deadlineMs: 60_000, signals: [], now: () => now });
    life.requestStop('test');
    now = 59_700;
    const started = performance.now();
    expect(await life.bounded('a hung step', () => new Promise(() => undefined), 100)).toBe(false);
    const took = performance.now() - started;
    expect(took).toBeGreaterThanOrEqual(180);
    expect(took).toBeLessThan(20_000);
    expect(await life.bounded('a quick step', async () => undefined, 0)).toBe(true);
    now = 60_000;
    expect(await life.bounded('a step with no time left', async () => undefined, 0)).toBe(false);
    life.dispose();
  });
});

describe('AuditLog at shutdown', () => {
  it('marks only what this process still runs as interrupted, and a late end cannot rewrite it', async () => {
    const audit = new AuditLog(new SqliteStore(openDatabase(':memory:')));
    const done = await audit.begin({ actor, command: '/cluster ping', kind: 'command' });
    await audit.end(done, 'ok');
    const running = await audit.begin({ actor, command: '/rabbit heal node-10', kind: 'command' });
    const awaiting = await audit.begin({ actor, command: '/pacemaker restart node-11', kind: 'command' });
    await audit.end(awaiting, 'pending', 'awaiting confirmation');
    expect(audit.runningCount).toBe(1);
    expect(await audit.interruptRunning('stackmedic was stopped (SIGTERM) before this finished')).toEqual([running]);
    await audit.end(running, 'ok', 'finished after the store was sealed');
    expect(await audit.interruptAwaiting('stopped while waiting')).toEqual([awaiting]);
    const outcomes = (await audit.list()).map((e) => [e.command, e.outcome, e.detail]);
    expect(outcomes).toEqual([
      ['/pacemaker restart node-11', 'interrupted', 'stopped while waiting'],
      ['/rabbit heal node-10', 'interrupted', 'stackmedic was stopped (SIGTERM) before this finished'],
      ['/cluster ping', 'ok', null],
    ]);
  });
});
