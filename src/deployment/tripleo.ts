/**
 * Facts about TripleO (Red Hat OpenStack Platform director) nodes, from tripleo-heat-templates
 * (deployment/<service>/*-pacemaker-puppet.yaml, *-container-puppet.yaml) and tripleo-ansible
 * (container_systemd.py, container_startup_config.py); sources in test/fixtures/deployment/tripleo/.
 */
import type { ContainerEngine } from './types.js';

/** The pacemaker bundles TripleO creates for its clustered services. */
export const TRIPLEO_BUNDLES = {
  rabbitmq: 'rabbitmq-bundle',
  galera: 'galera-bundle',
  haproxy: 'haproxy-bundle',
  ovnDbs: 'ovn-dbs-bundle',
  redis: 'redis-bundle',
} as const;

/** A TripleO bundle id. */
export type TripleoBundle = (typeof TRIPLEO_BUNDLES)[keyof typeof TRIPLEO_BUNDLES];

/** The bundle that runs the service kolla's images call `container` (TripleO builds its images with kolla). */
export const TRIPLEO_BUNDLE_OF: Readonly<Record<string, TripleoBundle>> = {
  rabbitmq: TRIPLEO_BUNDLES.rabbitmq,
  mariadb: TRIPLEO_BUNDLES.galera,
  haproxy: TRIPLEO_BUNDLES.haproxy,
};

/** The plain containers (systemd-managed) of the services stackmedic probes and repairs. */
export const TRIPLEO_CONTAINERS = {
  novaCompute: 'nova_compute',
  /** One libvirtd per compute up to Train (OSP 16). */
  novaLibvirt: 'nova_libvirt',
  /** Wallaby (OSP 17) splits libvirt into modular daemons; virtqemud runs the guests. */
  novaVirtqemud: 'nova_virtqemud',
  ovnController: 'ovn_controller',
  cinderVolume: 'cinder_volume',
} as const;

/**
 * pacemaker names a bundle's containers `<bundle>-<engine>-<replica>` (`rabbitmq-bundle-podman-0`),
 * numbering replicas from 0 across the cluster, so the number on a given controller is not known
 * in advance.
 */
export function bundleContainer(bundle: string, replica: number, engine: ContainerEngine = 'podman'): string {
  return `${bundle}-${engine}-${replica}`;
}

/** How many replica numbers stackmedic tries on a node: RHEL High Availability supports 32 nodes. */
export const BUNDLE_REPLICAS_SEARCHED = 32;

/** The bundle container of `bundle` among a node's container names, if it runs a replica. */
export function bundleContainerIn(containers: readonly string[], bundle: string): string | undefined {
  const re = new RegExp(`^${bundle.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}-(?:podman|docker)-\\d+$`);
  return containers.find((c) => re.test(c));
}

/** The systemd unit tripleo-ansible writes for each plain container (`/etc/systemd/system/tripleo_<name>.service`). */
export function tripleoContainerUnit(container: string): string {
  return `tripleo_${container}.service`;
}

/** Where TripleO's containers log on the host: bind mounts of /var/log/containers/<service>/. */
export const TRIPLEO_LOG_ROOT = '/var/log/containers';

/** Written by tripleo-ansible on every node it deploys: the containers' startup configuration. */
export const TRIPLEO_CONFIG_DIR = '/var/lib/tripleo-config';

/**
 * cinder's conversion dir on a TripleO node: cinder_volume bind-mounts the host's /var/lib/cinder,
 * so its default image_conversion_dir is the classic path on the host's own filesystem.
 */
export const TRIPLEO_CONVERSION_DIR = '/var/lib/cinder/conversion';

/**
 * Where a TripleO node keeps the log a classic node has at `classic`: each service's log dir is
 * bind-mounted from /var/log/containers/<service>/ (MySQL's from mysql, libvirt's from libvirt).
 * Pacemaker runs on the host and keeps its own log; system logs stay where they are.
 */
export function tripleoLogPath(classic: string): string {
  if (classic === '/var/log/haproxy.log') return `${TRIPLEO_LOG_ROOT}/haproxy/haproxy.log`;
  const m = /^\/var\/log\/([^/]+)\/(.+)$/.exec(classic);
  if (!m || ['containers', 'pacemaker', 'cluster', 'apt'].includes(m[1] ?? '')) return classic;
  const dir = m[1] === 'mariadb' ? 'mysql' : (m[1] ?? '');
  return `${TRIPLEO_LOG_ROOT}/${dir}/${m[2] ?? ''}`;
}
