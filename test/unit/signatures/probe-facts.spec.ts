import { describe, expect, it } from 'vitest';
import { buildCausalChain } from '../../../src/signatures/chain.js';
import { evaluateProbeSignatures } from '../../../src/signatures/probe-facts.js';
import type { ProbeFact } from '../../../src/signatures/schema.js';
import { builtinCatalog } from './support.js';

interface Snapshot {
  readonly stopped: readonly string[];
}

describe('probe signatures', () => {
  it('turn registered fact hits into findings that join the causal chain', async () => {
    const { signatures } = await builtinCatalog();
    const stoppedResources: ProbeFact<Snapshot> = (s) =>
      s.stopped.map((node) => ({ node, time: '2017-02-14T06:00:00.000Z', fields: { resources: 'rabbitmq,galera' } }));
    const { findings, missingFacts } = evaluateProbeSignatures(signatures, new Map([['pacemaker-status/resources-stopped', stoppedResources]]), {
      stopped: ['node-10'],
    });
    expect(findings).toEqual([
      { signature: 'pacemaker-resources-stopped', node: 'node-10', time: '2017-02-14T06:00:00.000Z', fields: { resources: 'rabbitmq,galera' } },
    ]);
    expect(missingFacts).toContain('nova-services/compute-down');
    const chain = buildCausalChain([...findings, { signature: 'root-disk-full', node: 'node-10', time: '2017-02-14T05:49:45.000Z' }], signatures);
    expect(chain?.root.signature).toBe('root-disk-full');
    expect(chain?.links.map((l) => l.signature)).toEqual(['pacemaker-resources-stopped']);
  });
});
