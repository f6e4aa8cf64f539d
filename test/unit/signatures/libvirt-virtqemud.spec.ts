import { describe, expect, it } from 'vitest';
import { builtinCatalog, logFixture, matchAll } from './support.js';

const sockets = async (fixture: string) =>
  (await matchAll(logFixture(`libvirt-virtqemud/${fixture}`), '/var/log/nova/nova-compute.log'))
    .filter((f) => f.signature === 'nova-compute-libvirt-socket')
    .map((f) => f.fields);

describe('modular libvirt: the virtqemud socket', () => {
  it("reads libvirt's real refused and missing virtqemud-sock lines as nova-compute's libvirt socket failure", async () => {
    expect(await sockets('virt_manager_298_virtqemud_refused.log')).toEqual([
      { socket: '/var/run/libvirt/virtqemud-sock', reason: 'Connection refused' },
      { socket: '/var/run/libvirt/virtqemud-sock', reason: 'Connection refused' },
    ]);
    expect(await sockets('kubevirt_9681_virtqemud_missing.log')).toEqual([{ socket: '/var/run/libvirt/virtqemud-sock', reason: 'No such file or directory' }]);
  });

  it('names both sockets and both daemons in the libvirt-socket-gone advice', async () => {
    const gone = (await builtinCatalog()).signatures.find((s) => s.id === 'libvirt-socket-gone');
    for (const word of ['/var/run/libvirt/libvirt-sock', '/var/run/libvirt/virtqemud-sock', 'libvirtd', 'virtqemud']) expect(gone?.remediation).toContain(word);
  });
});
