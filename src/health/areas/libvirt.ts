import { libvirtStatus } from '../../probes/libvirt-status.js';
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
      const what = [!value.socketPresent ? 'socket /var/run/libvirt/libvirt-sock missing' : '', !value.daemonRunning ? 'libvirtd not running' : ''].filter(
        Boolean,
      );
      return what.length ? [{ severity: 'critical' as const, nodes: [node], summary: `${node}: ${what.join(', ')}` }] : [];
    });
    return { problems, okNote: values.length ? `libvirtd running on ${values.length} computes` : '' };
  },
  facts: {
    'libvirt-status/socket-missing': (s) =>
      s
        .values(libvirtStatus)
        .filter(({ value }) => !value.socketPresent)
        .map(({ node, value }) => ({ node, time: s.takenAt.toISOString(), fields: { daemonRunning: String(value.daemonRunning) } })),
  },
});
