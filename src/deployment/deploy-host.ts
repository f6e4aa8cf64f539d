/**
 * The deployment host: the machine the deployment tool runs from (kolla-ansible's `localhost` in
 * its `deployment` group, `ansible_connection=local`). It is in the inventory, stackmedic can reach
 * it, but it is not a cluster node: no area checks it, and that is no gap in coverage.
 */
import { KNOWN_ROLES } from '../inventory/roles.js';
import type { NodeSpec } from '../inventory/types.js';
import { isUndercloudGroup } from './openstack-cli.js';

/** Groups every Ansible host is in, which say nothing about it. */
const IMPLICIT_GROUPS = new Set(['all', 'ungrouped']);

/**
 * Why `node` is the deployment host rather than a cluster node, or undefined when it is (or may
 * be) a cluster node: a node with any role stackmedic knows is always a cluster node; without one,
 * a host in the `deployment` group (kolla puts it there; groups built on it, like kolla's
 * `bifrost`, add nothing), TripleO's undercloud (its `Undercloud` group, or the `undercloud` role
 * in stackmedic's YAML; the overcloud's openstack CLI may run there, but no area checks the
 * undercloud itself), the host `openstack_cli:` names (`cliHost`), or one reached with
 * `ansible_connection=local`, is not.
 */
export function deployHostReason(node: Pick<NodeSpec, 'roles' | 'groups' | 'connection'> & { readonly name?: string }, cliHost?: string): string | undefined {
  const known: readonly string[] = KNOWN_ROLES;
  if (node.roles.some((r) => known.includes(r))) return undefined;
  const groups = (node.groups ?? []).filter((g) => !IMPLICIT_GROUPS.has(g));
  if (groups.some((g) => g.toLowerCase() === 'deployment')) return 'in the deployment group, no cluster role';
  if ([...groups, ...node.roles].some(isUndercloudGroup)) return "TripleO's undercloud, no cluster role";
  if (cliHost !== undefined && node.name === cliHost) return 'the openstack CLI host, no cluster role';
  if (node.connection === 'local') return 'ansible_connection=local, no cluster role';
  return undefined;
}
