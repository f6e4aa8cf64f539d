import { describe, expect, it } from 'vitest';
import { IncidentScheduler } from '../../../src/incidents/index.js';

function deferred(): { promise: Promise<void>; resolve: () => void } {
  let resolve: () => void = () => undefined;
  const promise = new Promise<void>((r) => {
    resolve = r;
  });
  return { promise, resolve };
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
    const scheduler = new IncidentScheduler(
      async () => {
        running++;
        maxRunning = Math.max(maxRunning, running);
        await new Promise((r) => setTimeout(r, 2300));
        running--;
      },
      { schedule: '* * * * * *', log: (l) => logs.push(l) },
    );
    scheduler.start();
    await new Promise((r) => setTimeout(r, 4200));
    await scheduler.stop();
    expect(maxRunning).toBe(1);
    expect(scheduler.counts.ran).toBeGreaterThanOrEqual(1);
    expect(scheduler.counts.skipped).toBeGreaterThanOrEqual(1);
    expect(scheduler.counts.failed).toBe(0);
    expect(running).toBe(0);
  }, 15_000);

  it('refuses a schedule that is not a cron expression', () => {
    const scheduler = new IncidentScheduler(async () => undefined, { schedule: 'every minute please', log: () => undefined });
    expect(() => scheduler.start()).toThrow();
  });
});
