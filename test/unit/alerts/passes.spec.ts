import { describe, expect, it } from 'vitest';
import { PassQueue } from '../../../src/alerts/passes.js';

function gate(): { wait: Promise<void>; open: () => void } {
  let open = (): void => undefined;
  const wait = new Promise<void>((r) => (open = r));
  return { wait, open };
}

describe('PassQueue', () => {
  it('runs one pass at a time and shares the waiting one among everyone who asks meanwhile', async () => {
    const gates = [gate(), gate()];
    let running = 0;
    let most = 0;
    const q: PassQueue<number> = new PassQueue(async (): Promise<number> => {
      const n: number = q.passes;
      running++;
      most = Math.max(most, running);
      await gates[n - 1]?.wait;
      running--;
      return n;
    });
    const first = q.pass();
    // Asked before the first pass started, a request is covered by it; these come once it runs.
    while (running === 0) await new Promise((r) => setTimeout(r, 1));
    const asks = Array.from({ length: 200 }, () => q.pass());
    expect(q.busy).toBe(true);
    gates[0]?.open();
    expect(await first).toBe(1);
    gates[1]?.open();
    const results = await Promise.all(asks);
    expect(new Set(results)).toEqual(new Set([2]));
    expect(q.passes).toBe(2);
    expect(q.requests).toBe(201);
    expect(most).toBe(1);
    await q.idle();
    expect(q.busy).toBe(false);
  });

  it('runs a job alone, after the pass in progress', async () => {
    const g = gate();
    const order: string[] = [];
    const q = new PassQueue(async () => {
      order.push('pass starts');
      await g.wait;
      order.push('pass ends');
    });
    const p = q.pass();
    const job = q.exclusive(async () => {
      order.push('job');
      return 7;
    });
    g.open();
    await p;
    expect(await job).toBe(7);
    expect(order).toEqual(['pass starts', 'pass ends', 'job']);
  });

  it('keeps going after a pass that throws', async () => {
    let n = 0;
    const q = new PassQueue(async () => {
      n++;
      if (n === 1) throw new Error('ssh down');
      return n;
    });
    await expect(q.pass()).rejects.toThrow('ssh down');
    expect(await q.pass()).toBe(2);
  });
});
