import { cephStatus, diskUsage, libvirtStatus, neutronAgents, novaServices, pacemakerStatus, rabbitmqStatus } from '../probes/index.js';
import type { FactHit, ProbeFact, ProbeFactRegistry } from '../signatures/index.js';
import { DISK_CRITICAL_PERCENT, stoppedPlacements } from './assess.js';
import type { ClusterSnapshot } from './snapshot.js';

const shortNode = (rabbitNode: string): string => rabbitNode.replace(/^[^@]+@/, '');

/** Facts computed from typed probe results, by `<probe id>/<fact>` as signatures name them. */
const facts: Record<string, ProbeFact<ClusterSnapshot>> = {
  'disk-usage/mount-full': (s) =>
    s.values(diskUsage).flatMap(({ node, value }) =>
      value.mounts
        .filter((m) => m.usePercent >= DISK_CRITICAL_PERCENT)
        .map((m): FactHit => ({
          node,
          time: s.takenAt.toISOString(),
          fields: { mount: m.mountpoint, usePercent: String(m.usePercent), availBytes: String(m.availBytes) },
          text: `${m.mountpoint} ${m.usePercent}% used`,
        })),
    ),
  'rabbitmq-status/node-down': (s) =>
    s
      .values(rabbitmqStatus)
      .flatMap(({ node, value }): FactHit[] =>
        value.running ? [] : [{ node, time: s.takenAt.toISOString(), fields: {}, text: value.message.split('\n')[0] ?? '' }],
      ),
  'rabbitmq-status/alarm': (s) => {
    const seen = new Set<string>();
    return s.values(rabbitmqStatus).flatMap(({ value }) =>
      value.running
        ? value.alarms.flatMap((a): FactHit[] => {
            const key = `${a.node}/${a.kind}`;
            if (seen.has(key)) return [];
            seen.add(key);
            return [
              { node: shortNode(a.node), time: s.takenAt.toISOString(), fields: { kind: a.kind, rabbitNode: a.node }, text: `${a.kind} alarm on ${a.node}` },
            ];
          })
        : [],
    );
  },
  'libvirt-status/socket-missing': (s) =>
    s
      .values(libvirtStatus)
      .flatMap(({ node, value }): FactHit[] =>
        value.socketPresent ? [] : [{ node, time: s.takenAt.toISOString(), fields: { daemonRunning: String(value.daemonRunning) } }],
      ),
  'pacemaker-status/resources-stopped': (s) => {
    const view = s.clusterValue(pacemakerStatus);
    const hits: FactHit[] = s
      .values(pacemakerStatus)
      .flatMap(({ node, value }): FactHit[] => (value.running ? [] : [{ node, time: s.takenAt.toISOString(), fields: {}, text: 'pacemaker not running' }]));
    if (!view || !view.value.running) return hits;
    const stoppedOn = new Set(
      stoppedPlacements(view.value)
        .map((p) => p.node)
        .filter(Boolean),
    );
    for (const node of stoppedOn)
      if (!hits.some((h) => h.node === node)) hits.push({ node, time: s.takenAt.toISOString(), fields: {}, text: 'resources stopped' });
    return hits;
  },
  'nova-services/compute-down': (s) =>
    (s.clusterValue(novaServices)?.value.services ?? [])
      .filter((x) => x.binary === 'nova-compute' && x.state === 'down' && x.status === 'enabled')
      .map((x): FactHit => ({ node: x.host, time: s.takenAt.toISOString(), fields: { binary: x.binary } })),
  'neutron-agents/agents-down': (s) => {
    const hosts = new Map<string, string[]>();
    for (const a of s.clusterValue(neutronAgents)?.value.agents ?? []) {
      if (!a.alive && a.adminStateUp) hosts.set(a.host, [...(hosts.get(a.host) ?? []), a.agentType]);
    }
    return [...hosts].map(([node, types]): FactHit => ({ node, time: s.takenAt.toISOString(), fields: { agents: types.join(', ') } }));
  },
  'ceph-status/mons-out-of-quorum': (s) => {
    const v = s.clusterValue(cephStatus)?.value;
    return v && v.running ? v.outOfQuorum.map((mon): FactHit => ({ node: mon, time: s.takenAt.toISOString(), fields: { mon } })) : [];
  },
};

/** The registry handed to `evaluateProbeSignatures`. */
export const probeFacts: ProbeFactRegistry<ClusterSnapshot> = new Map(Object.entries(facts));
