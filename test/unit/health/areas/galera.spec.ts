import { describe, expect, it } from 'vitest';
import { galeraStatus } from '../../../../src/probes/galera-status.js';
import { areaReport, snapshotOf } from './fixture-snapshot.js';

const wsrep = (file: string, exitCode = 0) => snapshotOf([[galeraStatus, [{ node: 'node-10', stdout: `probes/galera/${file}`, exitCode }]]]);

describe('Galera area (assessSnapshot on real MariaDB 10.11 / Galera 4 output)', () => {
  it('is ok on a Primary, Synced cluster, with its size', () => {
    const r = areaReport(wsrep('wsrep_primary_synced_2_nodes.tsv'), 'galera');
    expect(r.status).toBe('ok');
    expect(r.note).toBe('cluster size 2, all members Synced');
  });

  it('flags the survivor of a lost peer as out of the Primary component', () => {
    const r = areaReport(wsrep('wsrep_non_primary.tsv'), 'galera');
    expect(r.problems).toEqual([{ area: 'galera', severity: 'critical', nodes: ['node-10'], summary: 'node-10 is in a non-Primary component (not Primary)' }]);
  });

  it('says MySQL is not running when the client cannot connect', () => {
    const s = snapshotOf([[galeraStatus, [{ node: 'node-10', stderr: 'probes/galera/mysql_down.stderr', exitCode: 1 }]]]);
    const r = areaReport(s, 'galera');
    expect(r.problems.map((p) => p.summary)).toEqual(['MySQL/Galera not running on node-10']);
  });
});
