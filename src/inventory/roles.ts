/**
 * Node roles from the group names deployment tools use. Probes and runbooks ask for `controller`
 * and `compute`; the other roles say what a node is without any probe asking for them yet.
 */
import { ConfigError } from '../errors.js';
import { isValidNodeName } from './names.js';

/** The roles stackmedic derives from deployment tools' group names, in display order. */
export const KNOWN_ROLES = ['controller', 'compute', 'network', 'storage', 'ceph-mon', 'ceph-osd', 'ceph-mgr', 'monitoring'] as const;

/** One of `KNOWN_ROLES`. */
export type KnownRole = (typeof KNOWN_ROLES)[number];

/**
 * Group names (lower case, `-` read as `_`) and the roles they mean. Service groups are listed
 * where they pin a node down: a host in kolla's `rabbitmq` or TripleO's `pacemaker` runs the
 * control plane whatever its top-level group is called.
 */
const BY_GROUP: Readonly<Record<string, readonly KnownRole[]>> = {
  // kolla-ansible and kayobe top-level groups, and kolla's service groups.
  control: ['controller'],
  controllers: ['controller'],
  network: ['network'],
  compute: ['compute'],
  storage: ['storage'],
  monitoring: ['monitoring'],
  rabbitmq: ['controller'],
  mariadb: ['controller'],
  nova_compute: ['compute'],
  nova_libvirt: ['compute'],
  // TripleO roles (any case) and service groups; `Controller*`/`Compute*` custom roles match below.
  standalone: ['controller', 'compute'],
  cellcontroller: ['controller'],
  computehci: ['compute', 'ceph-osd'],
  cephstorage: ['ceph-osd'],
  networker: ['network'],
  blockstorage: ['storage'],
  objectstorage: ['storage'],
  mysql: ['controller'],
  galera: ['controller'],
  pacemaker: ['controller'],
  ceph_mon: ['ceph-mon'],
  ceph_osd: ['ceph-osd'],
  ceph_mgr: ['ceph-mgr'],
  // OpenStack-Ansible host groups (older releases spell them `shared-infra_hosts`).
  shared_infra_hosts: ['controller'],
  infra_hosts: ['controller'],
  os_infra_hosts: ['controller'],
  compute_hosts: ['compute'],
  kvm_compute_hosts: ['compute'],
  qemu_compute_hosts: ['compute'],
  network_hosts: ['network'],
  network_gateway_hosts: ['network'],
  storage_hosts: ['storage'],
  ceph_mon_hosts: ['ceph-mon'],
  ceph_osd_hosts: ['ceph-osd'],
  // ceph-ansible.
  mons: ['ceph-mon'],
  osds: ['ceph-osd'],
  mgrs: ['ceph-mgr'],
  ceph_monitoring: ['monitoring'],
  // Fuel/MOS node roles: `controller`, `compute` match below, `ceph-osd` above.
};

/** The roles a group name means, or undefined when it means none stackmedic knows. */
export function rolesOfGroup(group: string): readonly KnownRole[] | undefined {
  const key = group.toLowerCase().replace(/-/g, '_');
  const exact = BY_GROUP[key];
  if (exact) return exact;
  // TripleO custom roles (ControllerOpenstack, ComputeSriov, ...) and kayobe's compute-vgpu; not
  // OpenStack-Ansible's compute_infra_* groups, which hold the nova API containers.
  if (key.startsWith('controller')) return ['controller'];
  if (key.startsWith('compute') && !/infra|container/.test(key)) return ['compute'];
  return undefined;
}

/**
 * Reads an explicit role list: a YAML list, `controller,compute`, `[controller, compute]` or
 * `['controller']` as INI files write it. An empty value means "no roles" on purpose.
 */
export function parseRoleList(value: string, file: string, field: string): string[] {
  const words = value
    .replace(/[[\]"']/g, ' ')
    .split(/[\s,]+/)
    .filter((w) => w !== '');
  for (const w of words) {
    if (!isValidNodeName(w)) throw new ConfigError(file, field, `role names of letters, digits, ".", "_" or "-" (got "${w}")`);
  }
  return words;
}

/** Orders roles: known ones in `KNOWN_ROLES` order, then the others as they came, without repeats. */
export function orderRoles(roles: Iterable<string>): string[] {
  const all = [...new Set(roles)];
  const known = KNOWN_ROLES.filter((r) => all.includes(r));
  return [...known, ...all.filter((r) => !(KNOWN_ROLES as readonly string[]).includes(r))];
}

/** Where a host's explicit roles come from, as the Ansible loader sees them. */
export interface RoleSources {
  /** The host's groups, parents included. */
  readonly groups: readonly string[];
  /** `stackmedic_roles` set on the host itself. */
  readonly hostRoles?: readonly string[] | undefined;
  /** `stackmedic_roles` set on a group (its own vars), by group name. */
  readonly groupRoles: ReadonlyMap<string, readonly string[]>;
  /** Extra names to map, e.g. TripleO's `tripleo_role_name`. */
  readonly extraNames?: readonly string[];
}

/**
 * The roles of an Ansible host: its own `stackmedic_roles` if it has them; otherwise each group
 * contributes its `stackmedic_roles` if set, else what its name means. `undefined` when nothing
 * mapped and nothing was explicit (the caller falls back to the group names).
 */
export function rolesOfAnsibleHost(sources: RoleSources): string[] | undefined {
  if (sources.hostRoles) return orderRoles(sources.hostRoles);
  const roles: string[] = [];
  let explicit = false;
  for (const g of sources.groups) {
    const own = sources.groupRoles.get(g);
    if (own) {
      explicit = true;
      roles.push(...own);
    } else roles.push(...(rolesOfGroup(g) ?? []));
  }
  for (const name of sources.extraNames ?? []) roles.push(...(rolesOfGroup(name) ?? []));
  if (roles.length === 0 && !explicit) return undefined;
  return orderRoles(roles);
}

/**
 * The roles of a stackmedic YAML node: each name it lists goes through the file's `roles:` map
 * first, then the built-in group names; a name neither knows stays as written.
 */
export function rolesOfNativeNode(names: readonly string[], map: Readonly<Record<string, readonly string[]>>): string[] {
  return orderRoles(names.flatMap((n) => map[n] ?? rolesOfGroup(n) ?? [n]));
}
