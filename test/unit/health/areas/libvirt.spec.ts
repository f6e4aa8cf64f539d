import { describe, expect, it } from 'vitest';
import { libvirtStatus } from '../../../../src/probes/libvirt-status.js';
import { areaReport, factHits, snapshotOf } from './fixture-snapshot.js';

describe('libvirt area (assessSnapshot on the libvirt probe)', () => {
  it('is ok when the socket is there and libvirtd runs on every compute', () => {
    const answers = ['node-18', 'node-19', 'node-20'].map((node) => ({ node, printed: 'socket=present\nlibvirtd=running\n' }));
    const r = areaReport(snapshotOf([[libvirtStatus, answers]]), 'libvirt');
    expect(r.status).toBe('ok');
    expect(r.note).toBe('libvirtd running on 3 computes');
  });

  it('names a compute without libvirtd (a real Debian 12 host) and fires socket-missing there', () => {
    const s = snapshotOf([
      [
        libvirtStatus,
        [
          { node: 'node-18', stdout: 'probes/node/libvirt_status_not_running.stdout' },
          { node: 'node-19', printed: 'socket=present\nlibvirtd=running\n' },
        ],
      ],
    ]);
    expect(areaReport(s, 'libvirt').problems).toEqual([
      { area: 'libvirt', severity: 'critical', nodes: ['node-18'], summary: 'node-18: socket /var/run/libvirt/libvirt-sock missing, libvirtd not running' },
    ]);
    expect(factHits(s, 'libvirt-status/socket-missing').map((h) => [h.node, h.fields])).toEqual([['node-18', { daemonRunning: 'false' }]]);
  });

  it('after a libvirtd restart that left no socket (the seed), names the socket only', () => {
    const s = snapshotOf([[libvirtStatus, [{ node: 'node-18', printed: 'socket=missing\nlibvirtd=running\n' }]]]);
    expect(areaReport(s, 'libvirt').problems.map((p) => p.summary)).toEqual(['node-18: socket /var/run/libvirt/libvirt-sock missing']);
    expect(factHits(s, 'libvirt-status/socket-missing').map((h) => h.fields)).toEqual([{ daemonRunning: 'true' }]);
  });
});
