/**
 * OpenStack-Ansible: its user config is not an inventory, and its generated inventory lists LXC
 * containers as hosts next to the machines that run them.
 */
import { ConfigError } from '../errors.js';
import type { AnsibleHost } from './ansible.js';

/** Where OpenStack-Ansible writes the inventory it generates from openstack_user_config.yml. */
export const OSA_INVENTORY_PATH = '/etc/openstack_deploy/openstack_inventory.json';

const isObject = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);

/** Whether a parsed document is an openstack_user_config.yml (host groups map hosts to `ip:`). */
export function looksLikeOsaUserConfig(doc: unknown): boolean {
  if (!isObject(doc)) return false;
  if (['cidr_networks', 'used_ips', 'global_overrides'].some((k) => k in doc)) return true;
  return Object.entries(doc).some(
    ([k, v]) => /_hosts$/.test(k) && isObject(v) && Object.values(v).some((h) => isObject(h) && typeof h.ip === 'string' && !('hosts' in v)),
  );
}

/** The error for an openstack_user_config.yml given as the inventory. */
export function osaUserConfigError(path: string): ConfigError {
  return new ConfigError(
    path,
    '(top level)',
    `an inventory: this is OpenStack-Ansible's openstack_user_config.yml, from which OSA generates its inventory; pass that instead (${OSA_INVENTORY_PATH} on the deployment host)`,
  );
}

/** What folding containers into their hosts did. */
export interface FoldedContainers {
  readonly hosts: AnsibleHost[];
  /** Container count and the physical hosts they run on. */
  readonly containers: number;
  readonly physicalHosts: string[];
}

/**
 * Replaces OpenStack-Ansible's container hosts (`physical_host` names another host of the
 * inventory) by that host, which takes on their groups: RabbitMQ and Galera run in containers on
 * the infra hosts, and it is the hosts stackmedic connects to.
 */
export function foldContainers(hosts: readonly AnsibleHost[]): FoldedContainers {
  const byName = new Map(hosts.map((h) => [h.name, h]));
  const extraGroups = new Map<string, string[]>();
  let containers = 0;
  const kept: AnsibleHost[] = [];
  for (const h of hosts) {
    const physical = h.vars.physical_host;
    if (physical && physical !== h.name && byName.has(physical)) {
      containers += 1;
      extraGroups.set(physical, [...(extraGroups.get(physical) ?? []), ...h.groups]);
    } else kept.push(h);
  }
  return {
    hosts: kept.map((h) => {
      const extra = extraGroups.get(h.name);
      return extra ? { ...h, groups: [...new Set([...h.groups, ...extra])] } : h;
    }),
    containers,
    physicalHosts: [...extraGroups.keys()],
  };
}
