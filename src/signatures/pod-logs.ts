/**
 * Container logs a sosreport saved from Kubernetes (`sos_commands/kubernetes/cluster-info/<ns>/
 * podlogs/<pod>/k8s_kubectl_--namespace_<ns>_logs_<pod>_-c_<container>`), as Canonical's Sunbeam
 * and other Kubernetes-hosted clouds leave them: each container is one service whose log, on a
 * host, would be at a known path. Signatures name host paths, so a pod log is read as the host log
 * it stands for; what is shown is still the file it came from.
 */

/** A service's own log directory under /var/log, by the first word of its container's name. */
const OPENSTACK_SERVICES = new Set([
  'nova',
  'cinder',
  'glance',
  'neutron',
  'placement',
  'heat',
  'octavia',
  'barbican',
  'designate',
  'magnum',
  'manila',
  'ceilometer',
  'aodh',
  'gnocchi',
  'ironic',
]);

/** Containers that are not a service's own log by their name's first word. */
const BY_CONTAINER: Readonly<Record<string, (pod: string) => string>> = {
  keystone: () => '/var/log/keystone/keystone.log',
  rabbitmq: (pod) => `/var/log/rabbitmq/rabbit@${pod}.log`,
  mysql: () => '/var/log/mysql/error.log',
  mariadb: () => '/var/log/mysql/error.log',
  galera: () => '/var/log/mysql/error.log',
  'ovn-northd': () => '/var/log/ovn/ovn-northd.log',
  'ovn-nb-db-server': () => '/var/log/ovn/ovsdb-server-nb.log',
  'ovn-sb-db-server': () => '/var/log/ovn/ovsdb-server-sb.log',
  'ovn-controller': () => '/var/log/ovn/ovn-controller.log',
  'ovsdb-server': () => '/var/log/openvswitch/ovsdb-server.log',
  'ovs-vswitchd': () => '/var/log/openvswitch/ovs-vswitchd.log',
};

/** `.../podlogs/<pod>/<...>_-c_<container>` (a previous instance's log ends `_--previous`). */
const POD_LOG = /\/podlogs\/(?<pod>[a-z0-9][a-z0-9.-]*)\/[^/]*_-c_(?<container>[a-z0-9][a-z0-9-]*)(?<previous>_--previous)?$/;

/** Where sos keeps pod logs in a sosreport. */
export const POD_LOG_ROOT = '/sos_commands/kubernetes';

/**
 * The host log a saved pod log stands for (`-c_nova-scheduler` → `/var/log/nova/nova-scheduler.log`),
 * or `null` for a container that is not an OpenStack service or its broker, database or OVN (a
 * charm, an ingress): those are not read, their errors are not the cloud's.
 */
export function podLogHostPath(sosPath: string): string | null {
  const m = POD_LOG.exec(sosPath);
  if (!m?.groups) return null;
  const { pod, container } = m.groups as { pod: string; container: string };
  const special = BY_CONTAINER[container];
  if (special) return special(pod);
  const service = container.split('-')[0] as string;
  return OPENSTACK_SERVICES.has(service) ? `/var/log/${service}/${container}.log` : null;
}
