/** How a cluster's OpenStack services are deployed, which decides how stackmedic reaches them. */

/**
 * `classic`: packages run by systemd or SysV, clustered services under pacemaker or not (the seed's
 * cluster); `kolla-ansible`: every service in its own docker or podman container, no pacemaker;
 * `tripleo`: podman containers, the clustered ones (RabbitMQ, Galera, HAProxy, OVN's databases) as
 * pacemaker bundles, the rest run by systemd units `tripleo_<container>.service`.
 */
export type Deployment = 'classic' | 'kolla-ansible' | 'tripleo';

/** Every deployment stackmedic knows, in display order. */
export const DEPLOYMENTS: readonly Deployment[] = ['classic', 'kolla-ansible', 'tripleo'];

/** The names operators write in an inventory (`deployment: kolla`, `stackmedic_deployment=tripleo`). */
export function parseDeployment(value: string): Deployment | undefined {
  const v = value.trim().toLowerCase();
  if (v === 'classic' || v === 'packages') return 'classic';
  if (v === 'kolla' || v === 'kolla-ansible' || v === 'kolla_ansible' || v === 'kayobe') return 'kolla-ansible';
  // Red Hat OpenStack Platform's director is TripleO under another name.
  if (v === 'tripleo' || v === 'director' || v === 'osp-director') return 'tripleo';
  return undefined;
}

/** The container engine running a node's containers. */
export type ContainerEngine = 'docker' | 'podman';
