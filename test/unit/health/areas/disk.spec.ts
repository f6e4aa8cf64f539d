import { describe, expect, it } from 'vitest';
import { diskUsage } from '../../../../src/probes/disk-usage.js';
import { areaReport, factHits, snapshotOf } from './fixture-snapshot.js';

const df = (...files: [node: string, file: string][]) => snapshotOf([[diskUsage, files.map(([node, stdout]) => ({ node, stdout }))]]);

describe('Disk area (assessSnapshot on real df -P / du output)', () => {
  it('is ok below the warning threshold, naming the fullest mount', () => {
    const r = areaReport(
      df(['node-10', 'probes/node/disk_usage_debian12_with_hogs.stdout'], ['node-18', 'probes/node/disk_usage_debian12_no_openstack_dirs.stdout']),
      'disk',
    );
    expect(r.status).toBe('ok');
    expect(r.note).toMatch(/^fullest mount at \d+%$/);
  });

  it('names a full cinder mount with what fills it, as critical, and fires mount-full there', () => {
    const s = df(['node-10', 'health/disk_usage_debian12_cinder_mount_full.stdout'], ['node-11', 'probes/node/disk_usage_debian12_with_hogs.stdout']);
    const r = areaReport(s, 'disk');
    expect(r.problems).toEqual([
      {
        area: 'disk',
        severity: 'critical',
        nodes: ['node-10'],
        summary: 'node-10 /var/lib/cinder 100% full, 0 B free (55.6 MB in /var/lib/cinder/conversion)',
      },
    ]);
    expect(factHits(s, 'disk-usage/mount-full').map((h) => [h.node, h.fields])).toEqual([
      ['node-10', { mount: '/var/lib/cinder', usePercent: '100', availBytes: '0' }],
    ]);
  });

  it('warns at 94% without calling the disk full', () => {
    const s = df(['node-10', 'health/disk_usage_debian12_cinder_mount_94pct.stdout']);
    expect(areaReport(s, 'disk').problems.map((p) => [p.severity, p.summary])).toEqual([
      ['warning', 'node-10 /var/lib/cinder 94% full, 3.4 MB free (49.3 MB in /var/lib/cinder/conversion)'],
    ]);
    expect(factHits(s, 'disk-usage/mount-full')).toEqual([]);
  });
});
