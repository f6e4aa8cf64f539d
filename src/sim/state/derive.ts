/**
 * Facts derived from the stored state, never stored twice: whether AMQP works, which nova services
 * and neutron agents are up, Galera and Ceph quorum, free disk.
 */
import { stableUuid } from '../logs/format.js';
import { PACEMAKER_VIPS, pacemakerResources, type ResourceDef } from './topology.js';
import type { ClusterState, SimNode } from './types.js';

/** The libvirt socket nova-compute connects to. */
export const LIBVIRT_SOCKET = '/var/run/libvirt/libvirt-sock';

/** Where virtqemud (libvirt's modular QEMU daemon) listens. */
export const VIRTQEMUD_SOCKET = '/var/run/libvirt/virtqemud-sock';

/** The socket nova-compute connects to on `node`: virtqemud's where the node runs libvirt's modular daemons. */
export function libvirtSocketOf(node: SimNode): string {
  return node.processNames?.get('libvirtd') === 'virtqemud' ? VIRTQEMUD_SOCKET : LIBVIRT_SOCKET;
}

/** True when the daemon runs on the node. */
export function isRunning(node: SimNode, service: string): boolean {
  return node.services.get(service)?.running ?? false;
}

/** The Erlang VM answers rabbitmqctl. */
export function rabbitVmUp(node: SimNode): boolean {
  return isRunning(node, 'rabbitmq-server');
}

/** The rabbit application runs (what clients and pacemaker care about). */
export function rabbitRunning(node: SimNode): boolean {
  return rabbitVmUp(node) && node.rabbit.appRunning;
}

/** Bytes of the root file system in use, capped at its size as `df` shows. */
export function diskUsed(node: SimNode): number {
  return Math.min(node.disk.size, node.disk.baseUsed + node.fs.usedBytes());
}

/** Free bytes on the root file system. */
export function diskFree(node: SimNode): number {
  return node.disk.size - diskUsed(node);
}

/** Members `node` can actually talk to: running, clustered and on its side of any partition. */
export function rabbitRunningPeers(cluster: ClusterState, node: SimNode): SimNode[] {
  const cut = cluster.rabbitPartition;
  return node.rabbit.members
    .map((m) => cluster.nodes.get(m))
    .filter((m): m is SimNode => m !== undefined && rabbitRunning(m))
    .filter((m) => m === node || cut.has(m.name) === cut.has(node.name));
}

/**
 * RabbitMQ is healthy for clients when every controller runs the app, believes in the same
 * membership, has no resource alarm and no partition. (The seed showed clients stay broken until
 * every controller's broker is back; the model keeps that simple rule.)
 */
export function amqpHealthy(cluster: ClusterState): boolean {
  if (cluster.rabbitPartition.size > 0) return false;
  const ctl = cluster.controllers;
  return ctl.every((n) => rabbitRunning(n) && n.rabbit.alarms.size === 0 && ctl.every((o) => n.rabbit.members.includes(o.name)));
}

/** One row of `openstack compute service list`. */
export interface NovaServiceRow {
  readonly id: number;
  readonly binary: string;
  readonly host: string;
  readonly zone: string;
  readonly status: 'enabled' | 'disabled';
  readonly state: 'up' | 'down';
  readonly updatedAt: number;
}

/** nova-compute can reach libvirt right now. */
export function novaLibvirtOk(node: SimNode): boolean {
  return node.novaLibvirtConnected && isRunning(node, 'libvirtd') && node.fs.exists(libvirtSocketOf(node));
}

function heartbeat(cluster: ClusterState, up: boolean, node: SimNode, service: string): number {
  const now = cluster.clock.now();
  if (up) return now - (now % 10_000);
  const since = node.services.get(service)?.since ?? now;
  return Math.max(since, cluster.amqpDownSince ?? since);
}

/** nova services as the API reports them. */
export function novaServiceRows(cluster: ClusterState): NovaServiceRow[] {
  const amqp = amqpHealthy(cluster);
  const rows: NovaServiceRow[] = [];
  let id = 1;
  for (const n of cluster.controllers) {
    for (const binary of ['nova-consoleauth', 'nova-scheduler', 'nova-conductor']) {
      const up = amqp && isRunning(n, binary);
      rows.push({
        id: id++,
        binary,
        host: n.name,
        zone: 'internal',
        status: 'enabled',
        state: up ? 'up' : 'down',
        updatedAt: heartbeat(cluster, up, n, binary),
      });
    }
  }
  for (const n of cluster.computes) {
    const up = amqp && isRunning(n, 'nova-compute') && novaLibvirtOk(n);
    rows.push({
      id: id++,
      binary: 'nova-compute',
      host: n.name,
      zone: 'nova',
      status: 'enabled',
      state: up ? 'up' : 'down',
      updatedAt: heartbeat(cluster, up, n, 'nova-compute'),
    });
  }
  return rows;
}

/** One row of `openstack network agent list`. */
export interface NeutronAgentRow {
  readonly id: string;
  readonly agentType: string;
  readonly host: string;
  readonly availabilityZone: string | null;
  readonly alive: boolean;
  readonly adminStateUp: boolean;
  readonly binary: string;
}

const AGENT_TYPES: Record<string, { type: string; zone: string | null }> = {
  'neutron-openvswitch-agent': { type: 'Open vSwitch agent', zone: null },
  'neutron-dhcp-agent': { type: 'DHCP agent', zone: 'nova' },
  'neutron-metadata-agent': { type: 'Metadata agent', zone: null },
  'neutron-l3-agent': { type: 'L3 agent', zone: 'nova' },
  // ML2/OVN's agents, as neutron's OVN driver reports them.
  'ovn-controller': { type: 'OVN Controller agent', zone: null },
  'neutron-ovn-metadata-agent': { type: 'OVN Metadata agent', zone: null },
};

/** neutron agents as the API reports them. */
export function neutronAgentRows(cluster: ClusterState): NeutronAgentRow[] {
  const amqp = amqpHealthy(cluster);
  const rows: NeutronAgentRow[] = [];
  for (const n of [...cluster.controllers, ...cluster.computes]) {
    for (const [binary, t] of Object.entries(AGENT_TYPES)) {
      if (!n.services.has(binary)) continue;
      rows.push({
        id: stableUuid(`${n.name}/${binary}`),
        agentType: t.type,
        host: n.name,
        availabilityZone: t.zone,
        alive: amqp && isRunning(n, binary),
        adminStateUp: true,
        binary,
      });
    }
  }
  return rows;
}

/** Galera as seen from one node's mysqld. */
export interface GaleraView {
  readonly clusterSize: number;
  readonly primary: boolean;
}

/** The Galera component a running node belongs to. */
export function galeraView(cluster: ClusterState): GaleraView {
  const up = cluster.controllers.filter((n) => isRunning(n, 'mysql')).length;
  return { clusterSize: up, primary: up * 2 > cluster.controllers.length };
}

/** Ceph monitors in quorum. */
export function cephQuorum(cluster: ClusterState): { readonly inQuorum: SimNode[]; readonly hasQuorum: boolean } {
  const inQuorum = cluster.controllers.filter((n) => isRunning(n, 'ceph-mon'));
  return { inQuorum, hasQuorum: inQuorum.length * 2 > cluster.controllers.length };
}

/** Controllers whose pacemaker is up, in name order; the first is the DC. */
export function pacemakerOnline(cluster: ClusterState): SimNode[] {
  return cluster.controllers.filter((n) => isRunning(n, 'pacemaker'));
}

/** Where a pacemaker resource stands on one node. */
export type ResourceRole = 'Started' | 'Stopped';

/** Role of clone `r` on `node`: a stopped pacemaker stops everything it manages. */
export function resourceRole(node: SimNode, r: ResourceDef): ResourceRole {
  if (!isRunning(node, 'pacemaker')) return 'Stopped';
  if (r.service === 'rabbitmq-server') return rabbitRunning(node) ? 'Started' : 'Stopped';
  return isRunning(node, r.service) ? 'Started' : 'Stopped';
}

/**
 * The controller whose replica pacemaker promotes for a bundle that promotes one (the OVN
 * databases' active server): the first controller, in order, whose replica runs the resource.
 */
export function promotedReplica(cluster: Pick<ClusterState, 'controllers'>, r: ResourceDef): SimNode | undefined {
  return cluster.controllers.find((n) => resourceRole(n, r) === 'Started');
}

/** Node each VIP runs on (the DC), if the cluster has one. */
export function vipPlacement(cluster: ClusterState): Map<string, SimNode | undefined> {
  // On kolla-ansible keepalived holds the VIPs, on the first controller whose haproxy runs.
  const kolla = cluster.controllers.some((n) => n.deployment === 'kolla-ansible');
  const dc = kolla ? cluster.controllers.find((n) => isRunning(n, 'haproxy')) : pacemakerOnline(cluster)[0];
  return new Map(PACEMAKER_VIPS.map((v) => [v.id, dc]));
}

/** Number of resource instances crm_mon reports as configured. */
export function resourceInstanceCount(cluster: ClusterState): number {
  // A bundle replica is its container, its guest connection and the resource inside, if any.
  const perNode = pacemakerResources(cluster).reduce((sum, r) => sum + (r.bundle ? (r.bundle.primitive ? 3 : 1) : 1), 0);
  return PACEMAKER_VIPS.length + perNode * cluster.controllers.length;
}
