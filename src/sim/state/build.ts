/** Builds a healthy cluster of any size; scenarios then break it. */
import type { SimClock } from '../clock.js';
import { LIBVIRT_SOCKET } from './derive.js';
import { CLUSTER_STACK, COMPUTE_SERVICES, CONTROLLER_PLAIN_SERVICES, logPathOf, PACEMAKER_CLONES } from './topology.js';
import type { ClusterState, InitSystem, ServiceState, SimNode, SimRole } from './types.js';
import { LogFile, VirtualFs } from './vfs.js';

/** The seed's controllers' management addresses (node-10 was 192.168.0.6). */
const SEED_CONTROLLER_IPS = ['192.168.0.6', '192.168.0.3', '192.168.0.5'];

const GIB = 1024 ** 3;

/** Inputs of `buildCluster`. */
export interface BuildOptions {
  readonly name: string;
  readonly controllers: number;
  readonly computes: number;
  readonly clock: SimClock;
  readonly initOf: (name: string, roles: readonly SimRole[]) => InitSystem;
  /** Lines a log holds when the simulation starts; called lazily, on first read. */
  readonly seedLog: (node: SimNode, path: string) => readonly string[];
}

/** Node names: node-10.. for controllers, node-18.. for computes (after the controllers when they overlap). */
export function nodeNames(controllers: number, computes: number): { controllers: string[]; computes: string[] } {
  const ctl = Array.from({ length: controllers }, (_, i) => `node-${10 + i}`);
  const first = Math.max(18, 10 + controllers);
  return { controllers: ctl, computes: Array.from({ length: computes }, (_, i) => `node-${first + i}`) };
}

function controllerIp(i: number): string {
  return SEED_CONTROLLER_IPS[i] ?? `192.168.0.${7 + i}`;
}

function computeIp(i: number): string {
  return `192.168.${1 + Math.floor(i / 250)}.${(i % 250) + 2}`;
}

const OPENRC = `#!/bin/sh
export OS_NO_CACHE='true'
export OS_TENANT_NAME='admin'
export OS_PROJECT_NAME='admin'
export OS_USERNAME='admin'
export OS_PASSWORD='admin'
export OS_AUTH_URL='http://192.168.0.2:5000/'
export OS_DEFAULT_DOMAIN='Default'
export OS_AUTH_STRATEGY='keystone'
export OS_REGION_NAME='RegionOne'
export CINDER_ENDPOINT_TYPE='internalURL'
export GLANCE_ENDPOINT_TYPE='internalURL'
export KEYSTONE_ENDPOINT_TYPE='internalURL'
export NOVA_ENDPOINT_TYPE='internalURL'
export NEUTRON_ENDPOINT_TYPE='internalURL'
export OS_ENDPOINT_TYPE='internalURL'
export MURANO_REPO_URL='http://storage.apps.openstack.org/'
`;

function makeNode(
  c: { clock: SimClock; pid: () => number },
  name: string,
  roles: SimRole[],
  ip: string,
  init: InitSystem,
  seedLog: BuildOptions['seedLog'],
): SimNode {
  const now = c.clock.now();
  const fs = new VirtualFs(() => c.clock.now());
  const controller = roles.includes('controller');
  const services = new Map<string, ServiceState>();
  const bootedAt = now - 41 * 86_400_000 - 3 * 3_600_000;
  const svcNames = controller ? [...CLUSTER_STACK, ...PACEMAKER_CLONES.map((r) => r.service), ...CONTROLLER_PLAIN_SERVICES] : [...COMPUTE_SERVICES];
  for (const s of svcNames) services.set(s, { running: true, pid: c.pid(), since: bootedAt + 60_000 });
  const node: SimNode = {
    name,
    roles,
    ip,
    init,
    deployment: 'classic',
    fs,
    disk: controller
      ? { device: '/dev/mapper/os-root', size: 100 * GIB, baseUsed: 21 * GIB }
      : { device: '/dev/mapper/os-root', size: 200 * GIB, baseUsed: 34 * GIB },
    services,
    rabbit: { appRunning: controller, members: [], alarms: new Set(), diskFreeLimit: 5_000_000 },
    novaLibvirtConnected: !controller,
    cinderOpenFiles: new Set(),
    pacemakerFailures: [],
    bootedAt,
  };
  for (const d of ['/root', '/tmp', '/etc', '/var/lib', '/var/run', '/var/log/apt']) fs.mkdirp(d);
  // What systemd's sd_booted() and the init-system probe look for.
  if (init === 'systemd') fs.mkdirp('/run/systemd/system');
  fs.put('/etc/hostname', { kind: 'file', size: name.length + 1, mtime: bootedAt, content: `${name}\n` });
  fs.put('/proc/uptime', {
    kind: 'proc',
    read: () => {
      const up = (c.clock.now() - bootedAt) / 1000;
      return `${up.toFixed(2)} ${(up * 1.87).toFixed(2)}\n`;
    },
  });
  if (controller) {
    fs.mkdirp('/var/lib/cinder/conversion');
    fs.mkdirp('/var/lib/glance/image-cache');
    fs.mkdirp('/var/lib/rabbitmq/mnesia');
    fs.put('/root/openrc', { kind: 'file', size: OPENRC.length, mtime: bootedAt, content: OPENRC });
  } else {
    fs.mkdirp('/var/lib/nova/instances');
    fs.put(LIBVIRT_SOCKET, { kind: 'socket', mtime: bootedAt + 60_000 });
  }
  const logs = new Set<string>();
  for (const s of svcNames) {
    const p = logPathOf(s, name);
    if (p) logs.add(p);
  }
  if (controller) {
    logs.add(`/var/log/rabbitmq/rabbit@${name}-sasl.log`);
  }
  for (const p of logs) {
    fs.put(p, { kind: 'log', log: new LogFile(() => seedLog(node, p)), mtime: now - 5_000, gzip: false });
  }
  // Rotated logs, so that globs, zgrep and `du /var/log` have something real to chew on.
  const rotated = controller ? '/var/log/cinder/cinder-volume.log' : '/var/log/nova/nova-compute.log';
  fs.put(`${rotated}.1`, { kind: 'log', log: new LogFile(() => seedLog(node, `${rotated}.1`)), mtime: now - 86_400_000, gzip: false });
  fs.put(`${rotated}.2.gz`, { kind: 'log', log: new LogFile(() => seedLog(node, `${rotated}.2.gz`)), mtime: now - 2 * 86_400_000, gzip: true });
  fs.put('/var/log/syslog.3.gz', { kind: 'file', size: 48_213_771, mtime: now - 3 * 86_400_000 });
  return node;
}

/** A cluster with every service running and consistent; the starting point of every scenario. */
export function buildCluster(o: BuildOptions): ClusterState {
  const names = nodeNames(o.controllers, o.computes);
  const counters = { pid: 1200, call: 40 };
  const pid = (): number => (counters.pid += 7);
  const ctx = { clock: o.clock, pid };
  const controllers = names.controllers.map((n, i) => makeNode(ctx, n, ['controller'], controllerIp(i), o.initOf(n, ['controller']), o.seedLog));
  const computes = names.computes.map((n, i) => makeNode(ctx, n, ['compute'], computeIp(i), o.initOf(n, ['compute']), o.seedLog));
  const members = controllers.map((n) => n.name);
  for (const n of controllers) n.rabbit.members = [...members];
  const nodes = new Map<string, SimNode>();
  for (const n of [...controllers, ...computes]) nodes.set(n.name, n);
  return {
    name: o.name,
    clock: o.clock,
    nodes,
    controllers,
    computes,
    rabbitPartition: new Set(),
    amqpDownSince: undefined,
    pacemakerLastChange: { at: o.clock.now() - 86_400_000, client: 'cibadmin', origin: names.controllers[0] ?? '' },
    disabledResources: new Set(),
    counters,
  };
}
