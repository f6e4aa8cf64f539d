import { describe, expect, it } from 'vitest';
import { installHint, lookupCommand, needsOpenrc, parseLookup, toolNeeds } from '../../../src/doctor/tools.js';
import { renderRemoteCommand } from '../../../src/ssh/shell.js';

describe('doctor: tools each role needs', () => {
  it("derives a controller's tools from the probes of its role, root-only ones marked", () => {
    const needs = toolNeeds(['controller']);
    const find = (p: string) => needs.find((n) => n.anyOf.includes(p));
    expect(find('crm_mon')).toMatchObject({ privileged: true, neededBy: ['pacemaker-status'] });
    expect(find('rabbitmqctl')?.privileged).toBe(true);
    expect(find('mysql')?.privileged).toBe(true);
    expect(find('ceph')).toMatchObject({ privileged: true, clusterScope: true });
    expect(find('openstack')).toMatchObject({ privileged: false, clusterScope: true, neededBy: ['nova-services', 'neutron-agents'] });
    expect(find('df')?.privileged).toBe(false);
    expect(find('fuser')).toMatchObject({ anyOf: ['fuser', 'lsof'], neededBy: ['/cluster free-disk'] });
    expect(find('pgrep')).toBeUndefined();
    expect(needsOpenrc(['controller'])).toEqual(['nova-services', 'neutron-agents']);
  });

  it("gives a compute libvirt's pgrep and no controller tool", () => {
    const programs = toolNeeds(['compute']).flatMap((n) => n.anyOf);
    expect(programs).toContain('pgrep');
    expect(programs).toContain('df');
    expect(programs).not.toContain('crm_mon');
    expect(programs).not.toContain('openstack');
    expect(needsOpenrc(['compute'])).toEqual([]);
    expect(toolNeeds(['haproxy'])).toEqual([]);
  });

  it('looks programs up in one command, through sudo for root-only ones on non-root nodes', () => {
    const needs = toolNeeds(['controller']).filter((n) => n.privileged);
    const text = renderRemoteCommand(lookupCommand(needs, true), { become: true });
    expect(text).toMatch(/^sudo -n -- sh -c '/);
    expect(text).toContain('if command -v crm_mon >/dev/null 2>&1; then echo have:crm_mon; else echo missing:crm_mon; fi');
    const plain = renderRemoteCommand(lookupCommand([], false, '/root/open rc'), { become: false });
    expect(plain).toBe("if test -r '/root/open rc'; then echo openrc:readable; else echo openrc:missing; fi");
  });

  it("reads the lookup, and refuses output that is not the lookup's", () => {
    expect(parseLookup('have:crm_mon\nmissing:mysql\nopenrc:readable\n', ['crm_mon', 'mysql'])).toEqual({
      programs: new Map([
        ['crm_mon', true],
        ['mysql', false],
      ]),
      openrc: true,
    });
    expect(parseLookup('sudo: a password is required\n', ['crm_mon'])).toBeUndefined();
  });

  it('names the package that usually brings a program', () => {
    expect(
      installHint([
        { anyOf: ['mysql'], neededBy: [], privileged: true, clusterScope: false },
        { anyOf: ['fuser', 'lsof'], neededBy: [], privileged: true, clusterScope: false },
      ]),
    ).toBe('install mariadb-client (mysql), psmisc (fuser) or lsof');
  });
});
