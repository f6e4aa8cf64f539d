/**
 * The OpenStack credentials file stackmedic sources before `openstack` CLI probes when neither the
 * inventory (`openrc:`, `stackmedic_openrc`) nor `STACKMEDIC_OPENRC` names one.
 */
import { KOLLA_ADMIN_OPENRC } from '../deployment/kolla.js';
import type { Deployment } from '../deployment/types.js';

/**
 * kolla-ansible's admin-openrc.sh when the inventory declares the cluster kolla-ansible (the whole
 * cluster, whatever a node of another kind says for itself, or else every node one by one), and
 * nothing otherwise. A deployment only detected on the nodes never moves the credentials: the
 * inventory is read before any node answers, and an operator who did not say kolla keeps the
 * openrc stackmedic always used.
 */
export function declaredOpenrc(cluster: Deployment | undefined, nodes: readonly (Deployment | undefined)[]): string | undefined {
  const kolla = cluster === 'kolla-ansible' || (cluster === undefined && nodes.length > 0 && nodes.every((d) => d === 'kolla-ansible'));
  return kolla ? KOLLA_ADMIN_OPENRC : undefined;
}
