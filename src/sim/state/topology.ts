/**
 * What runs where: the service catalogue of a Fuel-style OpenStack cluster (the seed's kind),
 * pacemaker resources and the log file of each daemon.
 */

import { tripleoLogPath } from '../../deployment/tripleo.js';
import type { ClusterState, SimNode } from './types.js';

/** A pacemaker clone (or TripleO bundle) and the daemon it manages. */
export interface ResourceDef {
  /** The clone's id; a bundle's id on TripleO (`rabbitmq-bundle`). */
  readonly cloneId: string;
  /** The primitive (`rabbitmq`); for a bundle without one (HAProxy), the bundle id. */
  readonly id: string;
  readonly agent: string;
  /** Daemon behind it; the RabbitMQ resource is Started only while the app runs too. */
  readonly service: string;
  /** TripleO: the bundle's container image, and whether a resource runs inside (galera, rabbitmq). */
  readonly bundle?: {
    readonly image: string;
    readonly primitive: boolean;
    readonly promoted: boolean;
    /** One replica promoted, the others unpromoted (the OVN databases' active server and its backups). */
    readonly promotesOne?: boolean;
  };
}

/** Pacemaker clones on every controller, in start order. */
export const PACEMAKER_CLONES: readonly ResourceDef[] = [
  { cloneId: 'clone_p_mysqld', id: 'p_mysqld', agent: 'ocf:fuel:mysql-wss', service: 'mysql' },
  { cloneId: 'clone_p_rabbitmq-server', id: 'p_rabbitmq-server', agent: 'ocf:fuel:rabbitmq-server', service: 'rabbitmq-server' },
  { cloneId: 'clone_p_haproxy', id: 'p_haproxy', agent: 'ocf:fuel:ns_haproxy', service: 'haproxy' },
  { cloneId: 'clone_p_ceph-mon', id: 'p_ceph-mon', agent: 'systemd:ceph-mon', service: 'ceph-mon' },
  {
    cloneId: 'clone_p_neutron-plugin-openvswitch-agent',
    id: 'p_neutron-plugin-openvswitch-agent',
    agent: 'ocf:fuel:ocf-neutron-ovs-agent',
    service: 'neutron-openvswitch-agent',
  },
  { cloneId: 'clone_p_neutron-dhcp-agent', id: 'p_neutron-dhcp-agent', agent: 'ocf:fuel:ocf-neutron-dhcp-agent', service: 'neutron-dhcp-agent' },
  {
    cloneId: 'clone_p_neutron-metadata-agent',
    id: 'p_neutron-metadata-agent',
    agent: 'ocf:fuel:ocf-neutron-metadata-agent',
    service: 'neutron-metadata-agent',
  },
  { cloneId: 'clone_p_neutron-l3-agent', id: 'p_neutron-l3-agent', agent: 'ocf:fuel:ocf-neutron-l3-agent', service: 'neutron-l3-agent' },
  { cloneId: 'clone_p_heat-engine', id: 'p_heat-engine', agent: 'ocf:fuel:heat-engine', service: 'heat-engine' },
];

/**
 * TripleO's bundles for the daemons of the model, as tripleo-heat-templates defines them (images
 * as the pacemaker regression suite's TripleO CIBs name them); neutron agents, heat-engine and
 * ceph-mon run as plain containers there, not under pacemaker.
 */
export const TRIPLEO_BUNDLE_RESOURCES: readonly ResourceDef[] = [
  {
    cloneId: 'galera-bundle',
    id: 'galera',
    agent: 'ocf:heartbeat:galera',
    service: 'mysql',
    bundle: { image: 'cluster.common.tag/rhosp16-openstack-mariadb:pcmklatest', primitive: true, promoted: true },
  },
  {
    cloneId: 'rabbitmq-bundle',
    id: 'rabbitmq',
    agent: 'ocf:heartbeat:rabbitmq-cluster',
    service: 'rabbitmq-server',
    bundle: { image: 'cluster.common.tag/rhosp16-openstack-rabbitmq:pcmklatest', primitive: true, promoted: false },
  },
  {
    cloneId: 'haproxy-bundle',
    id: 'haproxy-bundle',
    agent: 'ocf:heartbeat:podman',
    service: 'haproxy',
    bundle: { image: 'cluster.common.tag/rhosp16-openstack-haproxy:pcmklatest', primitive: false, promoted: false },
  },
];

/**
 * TripleO's OVN databases under ML2/OVN up to OSP 16 (tripleo-heat-templates'
 * deployment/ovn/ovn-dbs-pacemaker-puppet.yaml, puppet-tripleo's ovn_dbs_bundle.pp): one bundle
 * running both ovsdb-servers, the `ovndb_servers` resource promoted on the active server and
 * unpromoted on the backups that replicate from it (image as pacemaker's regression suite's
 * TripleO CIB names it).
 */
export const TRIPLEO_OVN_DBS_BUNDLE: ResourceDef = {
  cloneId: 'ovn-dbs-bundle',
  id: 'ovndb_servers',
  agent: 'ocf:ovn:ovndb-servers',
  service: 'ovn-dbs',
  bundle: { image: 'cluster.common.tag/rhosp16-openstack-ovn-northd:pcmklatest', primitive: true, promoted: false, promotesOne: true },
};

/** The bundles of a TripleO cluster: the ovn-dbs-bundle where the controllers run the OVN databases (ML2/OVN). */
export function tripleoBundleResources(c: Pick<ClusterState, 'controllers'>): readonly ResourceDef[] {
  const ovn = c.controllers.some((n) => n.services.has(TRIPLEO_OVN_DBS_BUNDLE.service));
  return ovn ? [...TRIPLEO_BUNDLE_RESOURCES, TRIPLEO_OVN_DBS_BUNDLE] : TRIPLEO_BUNDLE_RESOURCES;
}

/** Whether the cluster is a TripleO one (its controllers run pacemaker bundles). */
export function isTripleoCluster(c: Pick<ClusterState, 'controllers'>): boolean {
  return c.controllers.some((n) => n.deployment === 'tripleo');
}

/** The resources pacemaker manages on this cluster: Fuel's clones, or TripleO's bundles. */
export function pacemakerResources(c: Pick<ClusterState, 'controllers'>): readonly ResourceDef[] {
  return isTripleoCluster(c) ? tripleoBundleResources(c) : PACEMAKER_CLONES;
}

/** What everything else waits for: Galera and RabbitMQ (Fuel's ids, or TripleO's primitives). */
export function foundationResources(c: Pick<ClusterState, 'controllers'>): readonly string[] {
  return isTripleoCluster(c) ? ['galera', 'rabbitmq'] : FOUNDATION_RESOURCES;
}

/** The container pacemaker runs a bundle replica in on `node` (`rabbitmq-bundle-podman-0`): replicas follow the controllers' order. */
export function bundleContainerOf(c: Pick<ClusterState, 'controllers'>, r: ResourceDef, node: SimNode): string {
  return `${r.cloneId}-podman-${Math.max(0, c.controllers.indexOf(node))}`;
}

/** The guest node pacemaker runs a bundle replica's resource on (`rabbitmq-bundle-0`). */
export function bundleGuestOf(c: Pick<ClusterState, 'controllers'>, r: ResourceDef, node: SimNode): string {
  return `${r.cloneId}-${Math.max(0, c.controllers.indexOf(node))}`;
}

/**
 * Clones everything else is ordered after (Fuel's order constraints): when one of them cannot start
 * on a node, nothing after it starts there, which is how the seed ended with every resource stopped.
 */
export const FOUNDATION_RESOURCES: readonly string[] = ['p_mysqld', 'p_rabbitmq-server'];

/** The single-instance resources: management and public VIPs, run by the first online controller. */
export const PACEMAKER_VIPS: readonly { readonly id: string; readonly agent: string; readonly ip: string }[] = [
  { id: 'vip__management', agent: 'ocf:heartbeat:IPaddr2', ip: '192.168.0.2' },
  { id: 'vip__public', agent: 'ocf:heartbeat:IPaddr2', ip: '172.16.0.2' },
];

/** Daemons on controllers that pacemaker does not manage. */
export const CONTROLLER_PLAIN_SERVICES = [
  'nova-api',
  'nova-scheduler',
  'nova-conductor',
  'nova-consoleauth',
  'cinder-scheduler',
  'cinder-volume',
  'neutron-server',
] as const;

/** Daemons on computes. */
export const COMPUTE_SERVICES = ['libvirtd', 'nova-compute', 'neutron-openvswitch-agent'] as const;

/** Pacemaker itself and its messaging layer, on controllers. */
export const CLUSTER_STACK = ['corosync', 'pacemaker'] as const;

/** Finds a resource by clone (or bundle) id or primitive id (what `crm resource restart X` and `pcs resource restart X` accept). */
export function findResource(id: string, c?: Pick<ClusterState, 'controllers'>): ResourceDef | undefined {
  return (c ? pacemakerResources(c) : PACEMAKER_CLONES).find((r) => r.cloneId === id || r.id === id || `master_${r.id}` === id);
}

/** Log file of a daemon on `node`. */
export function logPathOf(service: string, node: string): string | undefined {
  if (service === 'rabbitmq-server') return `/var/log/rabbitmq/rabbit@${node}.log`;
  if (service.startsWith('nova-')) return `/var/log/nova/${service}.log`;
  if (service.startsWith('cinder-')) return `/var/log/cinder/${service}.log`;
  if (service.startsWith('neutron-')) return `/var/log/neutron/${service}.log`;
  if (service === 'heat-engine') return '/var/log/heat/heat-engine.log';
  if (service === 'libvirtd') return '/var/log/libvirt/libvirtd.log';
  if (service === 'pacemaker' || service === 'corosync') return '/var/log/pacemaker/pacemaker.log';
  if (service === 'ceph-mon') return `/var/log/ceph/ceph-mon.${node}.log`;
  if (service === 'mysql') return '/var/log/mysql/error.log';
  if (service === 'haproxy') return '/var/log/haproxy.log';
  return undefined;
}

/**
 * Where a kolla-ansible node keeps the log a classic node has at `classic`: every service logs into
 * the `kolla_logs` volume, seen on the host as /var/log/kolla/<service>/ (MySQL's as mariadb's).
 * System logs (syslog, kern.log) stay where they are.
 */
export function kollaLogPath(classic: string): string {
  if (classic === '/var/log/haproxy.log') return '/var/log/kolla/haproxy/haproxy.log';
  const m = /^\/var\/log\/([^/]+)\/(.+)$/.exec(classic);
  if (!m || m[1] === 'kolla' || m[1] === 'apt') return classic;
  const dir = m[1] === 'mysql' ? 'mariadb' : (m[1] ?? '');
  return `/var/log/kolla/${dir}/${m[2] ?? ''}`;
}

/** Where a node of `deployment` keeps the log a classic node has at `classic`. */
export function deployedLogPath(deployment: SimNode['deployment'], classic: string): string {
  if (deployment === 'kolla-ansible') return kollaLogPath(classic);
  if (deployment === 'tripleo') return tripleoLogPath(classic);
  return classic;
}

/** OpenStack daemons that talk to RabbitMQ through oslo.messaging (they log AMQP errors). */
export function isAmqpClient(service: string): boolean {
  return /^(nova|cinder|neutron|heat)-/.test(service) && service !== 'nova-api';
}

/** Process name `pgrep -x` matches for a daemon. */
export function processNameOf(service: string): string {
  if (service === 'rabbitmq-server') return 'beam.smp';
  if (service === 'mysql') return 'mysqld';
  if (service === 'pacemaker') return 'pacemakerd';
  return service;
}

/** The node name part of a RabbitMQ node name (`rabbit@node-10` -> `node-10`). */
export function rabbitHost(nodeName: string): string {
  return nodeName.startsWith('rabbit@') ? nodeName.slice('rabbit@'.length) : nodeName;
}
