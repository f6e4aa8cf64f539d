/** Every probe stackmedic runs, with its value type. */

import { cephStatus } from './ceph-status.js';
import { diskUsage } from './disk-usage.js';
import { galeraStatus } from './galera-status.js';
import { initSystem } from './init-system.js';
import { libvirtStatus } from './libvirt-status.js';
import { neutronAgents } from './neutron-agents.js';
import { novaServices } from './nova-services.js';
import { pacemakerStatus } from './pacemaker-status.js';
import { rabbitmqStatus } from './rabbitmq-status.js';
import { spaceHogs } from './space-hogs.js';
import type { Probe } from './types.js';
import { uptime } from './uptime.js';

export * from './ceph-status.js';
export * from './disk-usage.js';
export * from './galera-status.js';
export * from './init-system.js';
export * from './libvirt-status.js';
export * from './neutron-agents.js';
export * from './nova-services.js';
export * from './pacemaker-status.js';
export * from './rabbitmq-status.js';
export * from './space-hogs.js';
export * from './types.js';
export * from './uptime.js';

/** All probes, in the order a status report lists their areas. */
export const allProbes = [
  pacemakerStatus,
  rabbitmqStatus,
  galeraStatus,
  cephStatus,
  novaServices,
  neutronAgents,
  diskUsage,
  spaceHogs,
  libvirtStatus,
  uptime,
  initSystem,
] as const satisfies readonly Probe<unknown>[];

/** The probe with this id, if any. */
export function probeById(id: string): (typeof allProbes)[number] | undefined {
  return allProbes.find((p) => p.id === id);
}
