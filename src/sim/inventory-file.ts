/** The files a simulated cluster hands to stackmedic: inventory YAML, known_hosts, client key. */
import { stringify } from 'yaml';
import { KOLLA_ADMIN_OPENRC } from '../deployment/kolla.js';
import { chooseOpenstackCli, undercloudNode } from '../inventory/openstack-cli-host.js';
import type { Inventory } from '../inventory/types.js';

/** One served node, as the inventory lists it. */
export interface ServedNode {
  readonly name: string;
  readonly port: number;
  readonly roles: readonly string[];
  /** `ssh-ed25519 AAAA...` */
  readonly hostKeyLine: string;
}

/**
 * Where the admin credentials are: the seed's /root/openrc, or kolla-ansible's admin-openrc.sh.
 * TripleO's nodes have none: the overcloudrc is on the undercloud, which its role names.
 */
function openrcOf(o: { kolla?: boolean | undefined; tripleo?: boolean | undefined }): string | undefined {
  return o.kolla ? KOLLA_ADMIN_OPENRC : o.tripleo ? undefined : '/root/openrc';
}

/** The deployment a simulated cluster declares in its inventory. */
function declared(o: { kolla?: boolean | undefined; tripleo?: boolean | undefined }): 'kolla-ansible' | 'tripleo' | undefined {
  return o.kolla ? 'kolla-ansible' : o.tripleo ? 'tripleo' : undefined;
}

/** known_hosts text: one `[127.0.0.1]:PORT ssh-ed25519 AAAA...` line per node. */
export function knownHostsText(nodes: readonly ServedNode[]): string {
  return nodes.map((n) => `[127.0.0.1]:${n.port} ${n.hostKeyLine}\n`).join('');
}

/** The native inventory YAML (the contract with src/inventory's loader). */
export function inventoryYaml(o: {
  cluster: string;
  knownHostsPath: string;
  clientKeyPath: string;
  nodes: readonly ServedNode[];
  kolla?: boolean;
  tripleo?: boolean;
}): string {
  const deployment = declared(o);
  return stringify({
    cluster: o.cluster,
    known_hosts: o.knownHostsPath,
    ...(openrcOf(o) ? { openrc: openrcOf(o) } : {}),
    ...(deployment === 'kolla-ansible' ? { deployment: 'kolla' } : deployment ? { deployment } : {}),
    defaults: { user: 'root', private_key: o.clientKeyPath },
    nodes: o.nodes.map((n) => ({ name: n.name, address: '127.0.0.1', port: n.port, roles: [...n.roles] })),
  });
}

/** The same inventory as the typed value the loader would produce. */
export function inventoryValue(o: {
  cluster: string;
  knownHostsPath: string;
  clientKeyPath: string;
  inventoryPath: string;
  nodes: readonly ServedNode[];
  kolla?: boolean;
  tripleo?: boolean;
}): Inventory {
  const deployment = declared(o);
  const openstackCli = chooseOpenstackCli({
    undercloud: undercloudNode(o.nodes),
    nodes: o.nodes.map((n) => n.name),
    file: o.inventoryPath,
    field: 'openstack_cli',
    rcField: 'openstack_cli.openrc',
  });
  return {
    cluster: o.cluster,
    knownHostsPath: o.knownHostsPath,
    openrcPath: openrcOf(o),
    ...(deployment ? { deployment } : {}),
    nodes: o.nodes.map((n) => ({
      name: n.name,
      address: '127.0.0.1',
      port: n.port,
      user: 'root',
      privateKeyPath: o.clientKeyPath,
      roles: [...n.roles],
      become: false,
    })),
    jumpHosts: [],
    source: o.inventoryPath,
    ...(openstackCli ? { openstackCli } : {}),
  };
}
