/**
 * Facts about kolla-ansible nodes, from kolla-ansible's own roles (ansible/roles/<service>/defaults/main.yml):
 * the container each service runs in, the named volumes that hold their state, and the paths the
 * deployment writes.
 */
import type { ContainerEngine } from './types.js';

/** The containers of the services stackmedic probes and repairs (kolla's `container_name`s). */
export const KOLLA_CONTAINERS = {
  rabbitmq: 'rabbitmq',
  mariadb: 'mariadb',
  novaCompute: 'nova_compute',
  novaLibvirt: 'nova_libvirt',
  cinderVolume: 'cinder_volume',
} as const;

/** The OpenStack admin credentials kolla-ansible writes on the deployment host and controllers. */
export const KOLLA_ADMIN_OPENRC = '/etc/kolla/admin-openrc.sh';

/** Where each service logs on the host: the `kolla_logs` volume, at `/var/log/kolla/<service>/`. */
export const KOLLA_LOG_ROOT = '/var/log/kolla';

/** Where an engine keeps a named volume's data on the host. */
export function volumeDataDir(engine: ContainerEngine, volume: string): string {
  return engine === 'docker' ? `/var/lib/docker/volumes/${volume}/_data` : `/var/lib/containers/storage/volumes/${volume}/_data`;
}

/**
 * cinder's image conversion dir as the host sees it: cinder_volume mounts the named volume
 * `cinder` at /var/lib/cinder, so its default `image_conversion_dir` (/var/lib/cinder/conversion)
 * lives in that volume on the host's filesystem (unless `cinder_enable_conversion_tmpfs` is set).
 */
export function kollaConversionDir(engine: ContainerEngine): string {
  return `${volumeDataDir(engine, 'cinder')}/conversion`;
}

/** The systemd unit kolla-ansible writes per container where it manages them through systemd. */
export function kollaContainerUnit(container: string): string {
  return `kolla-${container}-container.service`;
}
