import { osloLine } from '../logs/format.js';
import { healthyHistory } from '../logs/history.js';
import { LIBVIRT_SOCKET } from '../state/derive.js';
import type { Scenario } from './types.js';

const DIED_AT = Date.UTC(2017, 1, 15, 5, 12, 8);

/** libvirtd dead on every compute: no socket, nova-compute running but reported down. */
export const libvirtSocketMissing: Scenario = {
  name: 'libvirt-socket-missing',
  description: 'libvirtd dead on the computes: no /var/run/libvirt/libvirt-sock, nova-compute down',
  startsAt: Date.UTC(2017, 1, 15, 6, 30, 0),
  initOf: () => 'systemd',
  seedLog: (node, path) => {
    const base = healthyHistory(node, path, '192.168.0.6');
    if (path === '/var/log/nova/nova-compute.log') {
      return [
        ...base,
        osloLine(DIED_AT, 3121, 'INFO', 'nova.service', 'Starting compute node (version 13.1.2)'),
        osloLine(
          DIED_AT + 412,
          3121,
          'ERROR',
          'nova.virt.libvirt.host',
          "Connection to libvirt failed: Failed to connect socket to '/var/run/libvirt/libvirt-sock': No such file or directory",
        ),
      ];
    }
    return base;
  },
  apply: (c) => {
    for (const n of c.computes) {
      const s = n.services.get('libvirtd');
      if (s) Object.assign(s, { running: false, pid: 0, since: DIED_AT - 5_000 });
      n.fs.remove(LIBVIRT_SOCKET);
      n.novaLibvirtConnected = false;
    }
  },
};
