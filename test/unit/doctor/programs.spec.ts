import { describe, expect, it } from 'vitest';
import { programsOf } from '../../../src/doctor/programs.js';
import { allProbes } from '../../../src/probes/index.js';

describe('programsOf', () => {
  it.each([
    ['crm_mon --output-as=xml 2>/dev/null || crm_mon -1 -X 2>/dev/null || crm_mon -1 -r', ['crm_mon']],
    ['timeout 20 ceph -s -f json', ['timeout', 'ceph']],
    ["df -P -B1; echo '@@du'; timeout 10 du -s -B1 /var/log 2>/dev/null; true", ['df', 'timeout', 'du']],
    [`mysql -N -B -e "SHOW GLOBAL STATUS WHERE Variable_name IN ('wsrep_ready')"`, ['mysql']],
    [
      'if test -S /var/run/libvirt/libvirt-sock; then echo socket=present; else echo socket=missing; fi; if pgrep -x libvirtd >/dev/null; then echo a; fi',
      ['pgrep'],
    ],
    ['if command -v systemctl >/dev/null 2>&1 && test -d /run/systemd/system; then echo systemd; else echo sysv; fi', []],
    ["find /var/log -xdev -type f -size +100M -printf '%s\\t%T@\\t%p\\n' 2>/dev/null | sort -rn | head -n 20", ['find', 'sort', 'head']],
    ['for f in a b; do gzip -dc "$f" | grep -F x; done', ['gzip', 'grep']],
    ['LC_ALL=C sudo -n -u nova -- nova-manage db version >&2', ['sudo', 'nova-manage']],
    ["echo 'a; rm -rf /' && cat /proc/uptime; hostname", ['cat', 'hostname']],
  ])('reads %j', (script, programs) => {
    expect(programsOf(script)).toEqual(programs);
  });

  it('finds the tool of every probe that runs one', () => {
    const byProbe = Object.fromEntries(allProbes.map((p) => [p.id, programsOf(p.command.script.text)]));
    expect(byProbe['pacemaker-status']).toContain('crm_mon');
    expect(byProbe['rabbitmq-status']).toContain('rabbitmqctl');
    expect(byProbe['galera-status']).toContain('mysql');
    expect(byProbe['ceph-status']).toContain('ceph');
    expect(byProbe['nova-services']).toContain('openstack');
    expect(byProbe['neutron-agents']).toContain('openstack');
    expect(byProbe['disk-usage']).toContain('df');
    expect(byProbe['libvirt-status']).toContain('pgrep');
  });
});
