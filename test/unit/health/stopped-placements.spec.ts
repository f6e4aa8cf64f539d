import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { stoppedPlacements } from '../../../src/health/assess.js';
import { parsePacemakerStatus, type PacemakerClusterState } from '../../../src/probes/index.js';

const fixture = (name: string): PacemakerClusterState => {
  const r = parsePacemakerStatus({ stdout: readFileSync(join(import.meta.dirname, '../../fixtures/probes/pacemaker', name), 'utf8'), stderr: '', exitCode: 0 });
  if (r.kind !== 'ok' || !r.value.running) throw new Error(`fixture ${name} did not parse`);
  return r.value;
};

describe('where stopped pacemaker resources belong (real crm_mon from crm_simulate)', () => {
  it.each([['crm_mon_node-10-offline.xml'], ['crm_mon_node-10-offline.txt'], ['crm_mon_node-10-standby.xml'], ['crm_mon_node-10-standby.txt']])(
    '%s: the stopped clone instances are placed on node-10',
    (name) => {
      const placed = stoppedPlacements(fixture(name));
      expect(placed.length).toBeGreaterThan(0);
      expect(new Set(placed.map((p) => p.node))).toEqual(new Set(['node-10']));
      expect(placed.map((p) => p.name)).toContain('rabbitmq-clone');
    },
  );

  it('finds nothing stopped on a healthy cluster', () => {
    expect(stoppedPlacements(fixture('crm_mon_healthy.xml'))).toEqual([]);
  });
});
