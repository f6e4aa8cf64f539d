import { describe, expect, it } from 'vitest';
import { executeRunbook } from '../../../src/runbooks/engine.js';
import type { Runbook, RunbookContext, StepReport } from '../../../src/runbooks/types.js';
import { parseInventory } from '../../../src/inventory/load.js';

const inventory = parseInventory('known_hosts: /dev/null\nnodes:\n  - { name: node-10, address: 127.0.0.1, roles: [controller] }\n', '/tmp/i.yml');

describe('executeRunbook onStep', () => {
  it('hands each step over as soon as it ends, before the next one starts', async () => {
    const delivered: StepReport[] = [];
    const seenBySecond: number[] = [];
    const ctx: RunbookContext = {
      inventory,
      executor: { exec: () => Promise.reject(new Error('no remote commands here')), fanOut: () => Promise.reject(new Error('none')) },
      progress: () => undefined,
      catalog: () => Promise.reject(new Error('no catalog here')),
      sleep: async () => undefined,
      now: () => 0,
    };
    const runbook: Runbook = {
      id: 'two-checks',
      title: 'Two checks',
      nodes: ['node-10'],
      steps: [
        { kind: 'check', description: 'first', run: async () => ({ ok: true, detail: 'one' }) },
        {
          kind: 'check',
          description: 'second',
          run: async () => {
            seenBySecond.push(delivered.length);
            return { ok: false, detail: 'stop here' };
          },
        },
      ],
    };
    const report = await executeRunbook(runbook, ctx, { onStep: (s) => void delivered.push(s) });
    expect(seenBySecond).toEqual([1]);
    expect(delivered.map((s) => [s.description, s.status])).toEqual([
      ['first', 'ok'],
      ['second', 'refused'],
    ]);
    expect(report.status).toBe('refused');
  });
});
