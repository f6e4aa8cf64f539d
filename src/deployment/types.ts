/** How a cluster's OpenStack services are deployed, which decides how stackmedic reaches them. */

/**
 * `classic`: packages run by systemd or SysV, clustered services under pacemaker or not (the seed's
 * cluster); `kolla-ansible`: every service in its own docker or podman container, no pacemaker.
 */
export type Deployment = 'classic' | 'kolla-ansible';

/** Every deployment stackmedic knows, in display order. */
export const DEPLOYMENTS: readonly Deployment[] = ['classic', 'kolla-ansible'];

/** The names operators write in an inventory (`deployment: kolla`, `stackmedic_deployment=kolla-ansible`). */
export function parseDeployment(value: string): Deployment | undefined {
  const v = value.trim().toLowerCase();
  if (v === 'classic' || v === 'packages') return 'classic';
  if (v === 'kolla' || v === 'kolla-ansible' || v === 'kolla_ansible' || v === 'kayobe') return 'kolla-ansible';
  return undefined;
}

/** The container engine running a kolla node's containers. */
export type ContainerEngine = 'docker' | 'podman';
