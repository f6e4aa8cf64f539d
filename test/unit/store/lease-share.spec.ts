import { describe, expect, it } from 'vitest';
import { shouldGiveUp, shouldTake, type ShareView } from '../../../src/store/lease.js';

const view = (fair: number, mine: string[], otherBelow: boolean): ShareView => ({ fair, mine, otherBelow });

describe('spreading leases over the live replicas', () => {
  it.each([
    ['below its share, others below too', view(2, ['scheduler:a'], true), true],
    ['at its share while another live replica is below its own', view(2, ['scheduler:a', 'scheduler:b'], true), false],
    ['at its share, every other replica at its share (or none left)', view(2, ['scheduler:a', 'scheduler:b'], false), true],
    ['alone (its share is every lease)', view(4, ['scheduler:a', 'scheduler:b', 'scheduler:c'], false), true],
  ])('takes a free lease when %s: %s', (_, v, take) => {
    expect(shouldTake(v)).toBe(take);
  });

  it('gives up only the leases past its first share by name, and only to a replica below its share', () => {
    // Holds a, b, c, d; its share is 2: it keeps a and b.
    const others = (name: string): string[] => ['scheduler:a', 'scheduler:b', 'scheduler:c', 'scheduler:d'].filter((n) => n !== name);
    expect(['scheduler:a', 'scheduler:b', 'scheduler:c', 'scheduler:d'].map((n) => shouldGiveUp(view(2, others(n), true), n))).toEqual([
      false,
      false,
      true,
      true,
    ]);
    // Nobody to take them: it keeps all four.
    expect(shouldGiveUp(view(2, others('scheduler:d'), false), 'scheduler:d')).toBe(false);
    // At its share: nothing to give up.
    expect(shouldGiveUp(view(2, ['scheduler:a'], true), 'scheduler:b')).toBe(false);
  });
});
