import { daemonOf, LIBVIRT_SOCKETS, libvirtStatus } from '../../probes/libvirt-status.js';
import { defineArea } from '../area.js';

/** libvirt: the daemon and its socket on every compute (nova-compute fails without them). */
export default defineArea({
  id: 'libvirt',
  title: 'libvirt',
  reportOrder: 80,
  causeOrder: 60,
  probes: [libvirtStatus],
  assess(s) {
    const values = s.values(libvirtStatus);
    const problems = values.flatMap(({ node, value }) => {
      // Named after the daemon the node runs: virtqemud and its socket with modular libvirt (OSP 17).
      const daemon = daemonOf(value);
      const what = [!value.socketPresent ? `socket ${LIBVIRT_SOCKETS[daemon]} missing` : '', !value.daemonRunning ? `${daemon} not running` : ''].filter(
        Boolean,
      );
      return what.length ? [{ severity: 'critical' as const, nodes: [node], summary: `${node}: ${what.join(', ')}` }] : [];
    });
    const daemons = [...new Set(values.map(({ value }) => daemonOf(value)))].join(' or ');
    return { problems, okNote: values.length ? `${daemons} running on ${values.length} computes` : '' };
  },
  facts: {
    'libvirt-status/socket-missing': (s) =>
      s
        .values(libvirtStatus)
        .filter(({ value }) => !value.socketPresent)
        .map(({ node, value }) => ({ node, time: s.takenAt.toISOString(), fields: { daemonRunning: String(value.daemonRunning) } })),
  },
});
