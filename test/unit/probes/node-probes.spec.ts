import { describe, expect, it } from 'vitest';
import { diskUsage } from '../../../src/probes/disk-usage.js';
import { initSystem } from '../../../src/probes/init-system.js';
import { libvirtStatus } from '../../../src/probes/libvirt-status.js';
import { displayPath, spaceHogCategory, spaceHogs } from '../../../src/probes/space-hogs.js';
import { uptime } from '../../../src/probes/uptime.js';
import { fixture, okValue, stdoutOf } from './fixtures.js';

const out = (stdout: string, exitCode = 0) => ({ stdout, stderr: '', exitCode });

describe('disk-usage', () => {
  it('runs df then a bounded du, and never fails on a missing directory', () => {
    expect(diskUsage.command.script.text).toBe(
      "df -P -B1; echo '@@du'; timeout 10 du -s -B1 /var/lib/cinder/conversion /var/lib/docker/volumes/cinder/_data/conversion /var/lib/containers/storage/volumes/cinder/_data/conversion /var/lib/glance/image-cache /var/log 2>/dev/null; true",
    );
    // Every node stackmedic knows a role of has a disk: network, storage and monitoring hosts too.
    expect(diskUsage.roles).toEqual(['controller', 'compute', 'network', 'storage', 'ceph-mon', 'ceph-osd', 'ceph-mgr', 'monitoring']);
  });

  it('keeps / and drops devtmpfs, tmpfs and /sys mounts', () => {
    const v = okValue(diskUsage.parse(stdoutOf('node/disk_usage_debian12_with_hogs.stdout')));
    expect(v.mounts).toEqual([
      {
        filesystem: '/dev/vda',
        sizeBytes: 270553174016,
        usedBytes: 25464254464,
        availBytes: 83480039424,
        usePercent: 24,
        mountpoint: '/',
      },
    ]);
    expect(v.hogs).toEqual([
      { path: '/var/lib/cinder/conversion', bytes: 4096 },
      { path: '/var/lib/glance/image-cache', bytes: 167776256 },
      { path: '/var/log', bytes: 126640128 },
    ]);
  });

  it('measures only the directories that exist', () => {
    const v = okValue(diskUsage.parse(stdoutOf('node/disk_usage_debian12_no_openstack_dirs.stdout')));
    expect(v.hogs).toEqual([{ path: '/var/log', bytes: 811008 }]);
  });

  it('reads a full root disk, a mount point with spaces, and du cut short by its timeout', () => {
    const stdout = [
      'Filesystem                  1-blocks        Used   Available Capacity Mounted on',
      'udev                      8232370176           0  8232370176       0% /dev',
      '/dev/mapper/os-root      52710469632 52710469632           0     100% /',
      'overlay                  52710469632 52710469632           0     100% /var/lib/docker/overlay2/abc/merged',
      '/dev/sdb1               1099511627776 10995116277 1088516511499       2% /var/lib/glance/my images',
      '@@du',
      '83690057216\t/var/lib/cinder/conversion',
    ].join('\n');
    const v = okValue(diskUsage.parse(out(stdout)));
    expect(v.mounts.map((m) => [m.mountpoint, m.usePercent])).toEqual([
      ['/', 100],
      ['/var/lib/glance/my images', 2],
    ]);
    expect(v.hogs).toEqual([{ path: '/var/lib/cinder/conversion', bytes: 83690057216 }]);
  });

  it.each([
    ['empty output', ''],
    ['garbage', 'df: invalid option -- B\nTry df --help\n'],
    ['a damaged df line', 'Filesystem 1-blocks Used Available Capacity Mounted on\n/dev/vda 12 x 3 4% /\n'],
  ])('gives unknown with the raw text kept for %s', (_name, stdout) => {
    const r = diskUsage.parse(out(stdout));
    expect(r).toMatchObject({ kind: 'unknown', raw: stdout });
  });
});

describe('space-hogs', () => {
  it('lists the big files by category, largest first, with their mtime, device and inode', () => {
    const v = okValue(spaceHogs.parse(stdoutOf('node/space_hogs_debian12.stdout')));
    expect(v.files.map((f) => [f.category, f.bytes])).toEqual([
      ['cinder-conversion', 83690057216],
      ['glance-cache', 167772160],
      ['log', 125829120],
    ]);
    expect(v.files[0]).toMatchObject({ path: '/var/lib/cinder/conversion/tmpc99a47d5-3f75-448b-bb6d-1c67134e11a3', device: '65024', inode: '1483572' });
    expect(v.files[0]?.mtime.getTime()).toBe(1796115491297);
  });

  it('reads names with newlines and tabs as one file each: a forged record inside a name stays a name', () => {
    const v = okValue(spaceHogs.parse(stdoutOf('node/space_hogs_debian12_hostile_names.stdout')));
    expect(v.files).toHaveLength(2);
    expect(v.files.map((f) => f.bytes)).toEqual([209715200, 104857601]);
    expect(v.files[0]?.path).toBe('/var/lib/cinder/conversion/tmpa\n83690057216\t1487069661.0\tevil');
    // A name with a line break is not plainly inside the conversion dir: free-disk never acts on it.
    expect(v.files[0]?.category).toBe('other');
    expect(v.files[1]).toMatchObject({ path: '/var/lib/cinder/conversion/tab\tname', category: 'other' });
    expect(displayPath(v.files[0]?.path ?? '')).toBe('/var/lib/cinder/conversion/tmpa\\x0a83690057216\\x091487069661.0\\x09evil');
  });

  it.each([
    ['/var/lib/cinder/conversion/../../mysql/ibdata1', 'other'],
    ['/var/lib/cinder/conversion/./tmp1', 'other'],
    ['/var/lib/cinder/conversion//tmp1', 'other'],
    ['/var/lib/cinder/conversion', 'other'],
    ['/var/lib/cinder/conversionX/tmp1', 'other'],
    ['/var/lib/cinder/conversion/tmp1', 'cinder-conversion'],
    ['/var/log/../lib/mysql/ibdata1', 'other'],
  ] as const)('classifies %s as %s', (path, category) => {
    expect(spaceHogCategory(path)).toBe(category);
  });

  it('reads no output as no big files', () => {
    expect(okValue(spaceHogs.parse(stdoutOf('node/space_hogs_debian12_none.stdout')))).toEqual({ files: [] });
  });

  it('runs the agreed find, NUL-separated, as root', () => {
    expect(spaceHogs.command.script.text).toBe(
      "find /var/lib/cinder/conversion /var/lib/docker/volumes/cinder/_data/conversion /var/lib/containers/storage/volumes/cinder/_data/conversion /var/lib/glance/image-cache /var/log -xdev -type f -size +100M -printf '%s\\t%T@\\t%D\\t%i\\t%p\\0' 2>/dev/null | sort -z -rn | head -z -n 20",
    );
    expect(spaceHogs.command.privileged).toBe(true);
  });

  it.each([
    ['garbage', "find: unknown predicate `-printf'\n"],
    ['the old newline listing', '83690057216\t1795554346.1689371970\t/var/lib/cinder/conversion/tmp1\n'],
    ['a record cut short by a cap', '83690057216\t1796115491.29\t65024\t1483572\t/var/lib/cinder/conversion/tmp1\u0000104857601\t179611'],
  ])('gives unknown with the raw text kept for %s', (_name, stdout) => {
    expect(spaceHogs.parse(out(stdout))).toMatchObject({ kind: 'unknown', raw: stdout });
  });
});

describe('libvirt-status', () => {
  it.each([
    ['socket=missing\nlibvirtd=stopped\n', { socketPresent: false, daemonRunning: false }],
    ['socket=present\nlibvirtd=running\n', { socketPresent: true, daemonRunning: true }],
    ['socket=missing\nlibvirtd=running\n', { socketPresent: false, daemonRunning: true }],
  ])('reads %j', (stdout, expected) => {
    expect(okValue(libvirtStatus.parse(out(stdout)))).toEqual(expected);
  });

  it('reads the real output of a node without libvirt', () => {
    expect(okValue(libvirtStatus.parse(stdoutOf('node/libvirt_status_not_running.stdout')))).toEqual({
      socketPresent: false,
      daemonRunning: false,
    });
  });

  it.each(['', 'socket=present\n', 'bash: pgrep: command not found\n'])('gives unknown for %j', (stdout) => {
    expect(libvirtStatus.parse(out(stdout))).toMatchObject({ kind: 'unknown', raw: stdout });
  });
});

describe('uptime', () => {
  it('reads /proc/uptime and the hostname', () => {
    expect(okValue(uptime.parse(stdoutOf('node/uptime_debian12.stdout')))).toEqual({ uptimeSeconds: 1311.6, hostname: 'vm' });
    expect(okValue(uptime.parse(out('350735.47 234388.90\nnode-10.domain.tld\n')))).toEqual({
      uptimeSeconds: 350735.47,
      hostname: 'node-10.domain.tld',
    });
  });

  it.each(['', 'cat: /proc/uptime: No such file or directory\n', '12.5 3.1\n'])('gives unknown for %j', (stdout) => {
    expect(uptime.parse(out(stdout))).toMatchObject({ kind: 'unknown', raw: stdout });
  });
});

describe('init-system', () => {
  it('reads sysv from a container without systemd, and systemd', () => {
    expect(okValue(initSystem.parse(stdoutOf('node/init_system_debian12_container.stdout')))).toBe('sysv');
    expect(okValue(initSystem.parse(out('systemd\n')))).toBe('systemd');
  });

  it('gives unknown for anything else', () => {
    expect(initSystem.parse(out('upstart\n'))).toMatchObject({ kind: 'unknown', raw: 'upstart\n' });
  });

  it('is the exact agreed script', () => {
    expect(initSystem.command.script.text).toBe(
      'if command -v systemctl >/dev/null 2>&1 && test -d /run/systemd/system; then echo systemd; else echo sysv; fi',
    );
    expect(fixture('node/init_system_debian12_container.stdout')).toBe('sysv\n');
  });
});
