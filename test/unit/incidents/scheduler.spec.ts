import { describe, expect, it } from 'vitest';
import { IncidentScheduler } from '../../../src/incidents/index.js';

function deferred(): { promise: Promise<void>; resolve: () => void } {
  let resolve: () => void = () => undefined;
  const promise = new Promise<void>((r) => {
    resolve = r;
  });
  return { promise, resolve };
}

/** Polls `condition` every 20 ms; fails after `timeoutMs`. */
async function until(condition: () => boolean, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`not within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('IncidentScheduler', () => {
  it('skips a tick while a check is running, and says so', async () => {
    const gate = deferred();
    let runs = 0;
    const logs: string[] = [];
    const scheduler = new IncidentScheduler(
      async () => {
        runs++;
        await gate.promise;
      },
      { schedule: '* * * * * *', log: (l) => logs.push(l) },
    );
    const first = scheduler.tick();
    expect(scheduler.busy).toBe(true);
    expect(await scheduler.tick()).toBe('skipped');
    expect(logs).toEqual([expect.stringMatching(/^stackmedic: health check still running \(started \d+ s ago\); skipping this tick$/)]);
    gate.resolve();
    expect(await first).toBe('ran');
    expect(runs).toBe(1);
    expect(await scheduler.tick()).toBe('ran');
    expect(scheduler.counts).toEqual({ ran: 2, skipped: 1, failed: 0 });
  });

  it('logs a failed check and carries on', async () => {
    const logs: string[] = [];
    let n = 0;
    const scheduler = new IncidentScheduler(
      async () => {
        if (++n === 1) throw new Error('while fetching logs from node-10: connection lost');
      },
      { schedule: '* * * * * *', log: (l) => logs.push(l) },
    );
    expect(await scheduler.tick()).toBe('failed');
    expect(logs[0]).toMatch(/^stackmedic: health check failed: Error: while fetching logs from node-10: connection lost/);
    expect(await scheduler.tick()).toBe('ran');
    expect(scheduler.busy).toBe(false);
  });

  it('on a real 1-second CronJob, never runs two checks at once', async () => {
    let running = 0;
    let maxRunning = 0;
    const logs: string[] = [];
    // The first check is held until the CronJob has ticked during it (no sleep has to outlast a
    // tick on a loaded machine); the later ones run at once.
    const held = deferred();
    const scheduler = new IncidentScheduler(
      async () => {
        running++;
        maxRunning = Math.max(maxRunning, running);
        await held.promise;
        running--;
      },
      { schedule: '* * * * * *', log: (l) => logs.push(l) },
    );
    scheduler.start();
    try {
      await until(() => scheduler.counts.skipped >= 1, 20_000);
      expect(running).toBe(1);
      held.resolve();
      await until(() => scheduler.counts.ran >= 2, 20_000);
    } finally {
      held.resolve();
      await scheduler.stop();
    }
    expect(maxRunning).toBe(1);
    expect(scheduler.counts.failed).toBe(0);
    expect(logs.filter((l) => /health check still running/.test(l))).toHaveLength(scheduler.counts.skipped);
    expect(running).toBe(0);
  }, 60_000);

  it('refuses a schedule that is not a cron expression', () => {
    const scheduler = new IncidentScheduler(async () => undefined, { schedule: 'every minute please', log: () => undefined });
    expect(() => scheduler.start()).toThrow();
  });
});
