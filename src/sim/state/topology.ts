/**
 * What runs where: the service catalogue of a Fuel-style OpenStack cluster (the seed's kind),
 * pacemaker resources and the log file of each daemon.
 */

/** A pacemaker clone and the daemon it manages. */
export interface ResourceDef {
  readonly cloneId: string;
  readonly id: string;
  readonly agent: string;
  /** Daemon behind it; the RabbitMQ resource is Started only while the app runs too. */
  readonly service: string;
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

/** Finds a resource by clone id or primitive id (what `crm resource restart X` accepts). */
export function findResource(id: string): ResourceDef | undefined {
  return PACEMAKER_CLONES.find((r) => r.cloneId === id || r.id === id || `master_${r.id}` === id);
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
