/** Every probe stackmedic runs, with its value type. */

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

// The list of probes is derived from the health areas (each area names its own), so that it is
// written once; the areas import probes from their files, not from here, so this is no cycle.
export { allProbes, probeById } from '../health/registry.js';
