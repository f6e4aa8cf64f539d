/**
 * Package managers: `dpkg-query -W` on the Ubuntu nodes (classic packages, kolla-ansible hosts) and
 * `rpm -qa` on TripleO's RHEL hosts, each in the format stackmedic's package-versions probe asks for.
 * What is installed follows the deployment: classic nodes carry the OpenStack packages; kolla and
 * TripleO hosts carry the container engine and the host-level services only (the OpenStack
 * services are in the images).
 */
import { engineOf } from './containers.js';
import type { SimNode } from '../state/types.js';
import { fail, result, type ProgramContext, type ProgramDef } from '../shell/types.js';

/** [package, version] pairs, per role, for each kind of node. */
type Installed = Readonly<Record<'any' | 'controller' | 'compute', readonly (readonly [string, string])[]>>;

// The seed's Ubuntu 14.04 nodes (Fuel-era Mitaka packages).
const TRUSTY: Installed = {
  any: [
    ['openssh-server', '1:6.6p1-2ubuntu2.13'],
    ['openvswitch-switch', '2.5.2-1~u14.04+mos1'],
  ],
  controller: [
    ['keystone', '2:9.3.0-1~u14.04+mos23'],
    ['nova-api', '2:13.1.4-1~u14.04+mos17'],
    ['neutron-server', '2:8.4.0-1~u14.04+mos42'],
    ['neutron-l3-agent', '2:8.4.0-1~u14.04+mos42'],
    ['cinder-volume', '2:8.1.1-1~u14.04+mos22'],
    ['rabbitmq-server', '3.6.6-1~u14.04+mos6'],
    ['mariadb-server', '10.0.25-1~u14.04+mos1'],
    ['pacemaker', '1.1.14-2~u14.04+mos1'],
    ['corosync', '2.3.3-1ubuntu3'],
  ],
  compute: [
    ['nova-compute', '2:13.1.4-1~u14.04+mos17'],
    ['neutron-openvswitch-agent', '2:8.4.0-1~u14.04+mos42'],
    ['libvirt-daemon-system', '1.3.1-1ubuntu10~u14.04+mos1'],
    ['qemu-system-x86', '1:2.5+dfsg-5ubuntu10~u14.04+mos1'],
  ],
};

// Ubuntu 20.04 with the Ussuri packages (keystone 17.0.0 is one LP#1896125 names).
const FOCAL: Installed = {
  any: [
    ['openssh-server', '1:8.2p1-4ubuntu0.11'],
    ['openvswitch-switch', '2.13.8-0ubuntu1.3'],
  ],
  controller: [
    ['keystone', '2:17.0.0-0ubuntu0.20.04.1'],
    ['nova-api', '2:21.2.4-0ubuntu2.7'],
    ['neutron-server', '2:16.4.2-0ubuntu6.4'],
    ['neutron-l3-agent', '2:16.4.2-0ubuntu6.4'],
    ['cinder-volume', '2:16.4.2-0ubuntu2.4'],
    ['rabbitmq-server', '3.8.2-0ubuntu1.5'],
    ['mariadb-server', '1:10.3.39-0ubuntu0.20.04.2'],
    ['pacemaker', '2.0.3-3ubuntu4.3'],
    ['corosync', '3.0.3-2ubuntu2.3'],
  ],
  compute: [
    ['nova-compute', '2:21.2.4-0ubuntu2.7'],
    ['neutron-openvswitch-agent', '2:16.4.2-0ubuntu6.4'],
    ['libvirt-daemon-system', '6.0.0-0ubuntu8.16'],
    ['qemu-system-x86', '1:4.2-3ubuntu6.27'],
  ],
};

// A kolla-ansible host (Ubuntu 22.04): docker and what kolla's bootstrap-servers installs.
const KOLLA_HOST: Installed = {
  any: [
    ['openssh-server', '1:8.9p1-3ubuntu0.6'],
    ['docker-ce', '5:24.0.7-1~ubuntu.22.04~jammy'],
    ['python3-docker', '5.0.3-1'],
  ],
  controller: [],
  compute: [],
};

// A TripleO host (RHEL 9): podman, pacemaker and corosync on the host; name, epoch:version-release, arch, summary.
const TRIPLEO_HOST: readonly (readonly [string, string, string, string])[] = [
  ['openssh-server', '0:8.7p1-34.el9', 'x86_64', 'An open source SSH server daemon'],
  ['podman', '2:4.4.1-21.el9_2', 'x86_64', 'Manage Pods, Containers and Container Images'],
  ['pacemaker', '0:2.1.5-9.el9_2', 'x86_64', 'Scalable High-Availability cluster resource manager'],
  ['corosync', '0:3.1.7-1.el9', 'x86_64', 'The Corosync Cluster Engine and Application Programming Interfaces'],
  ['openvswitch3.1', '0:3.1.0-65.el9fdp', 'x86_64', 'Open vSwitch'],
  ['gpg-pubkey', '0:fd431d51-4ae0493b', '(none)', 'Red Hat, Inc. (release key 2) <security@redhat.com> public key'],
];

// kolla's podman variant (`kolla_container_engine: podman`): podman and its Python binding instead of docker's.
const KOLLA_PODMAN_HOST: Installed = {
  any: [
    ['openssh-server', '1:8.9p1-3ubuntu0.6'],
    ['podman', '3.4.4+ds1-1ubuntu1.22.04.2'],
    ['python3-podman', '3.2.1-1'],
  ],
  controller: [],
  compute: [],
};

function debianInstalled(node: SimNode): (readonly [string, string])[] {
  const kolla = engineOf(node) === 'podman' ? KOLLA_PODMAN_HOST : KOLLA_HOST;
  const set = node.deployment === 'kolla-ansible' ? kolla : node.init === 'sysv' ? TRUSTY : FOCAL;
  return [...set.any, ...(node.roles.includes('controller') ? set.controller : []), ...(node.roles.includes('compute') ? set.compute : [])];
}

function dpkgQuery(ctx: ProgramContext) {
  if (!ctx.args.includes('-W')) return fail('dpkg-query: need an action option\n\nType dpkg-query --help for help about querying packages.', 2);
  // A package removed with its configuration kept (`rc`) is listed too, as dpkg-query does.
  const lines = [...debianInstalled(ctx.node).map(([name, version]) => `${name} ${version} ii `), 'ceph-common 15.2.17-0ubuntu0.20.04.6 rc '];
  return result(`${lines.join('\n')}\n`);
}

function rpm(ctx: ProgramContext) {
  if (!ctx.args.includes('-qa')) return fail('rpm: no arguments given for query', 1);
  return result(TRIPLEO_HOST.map(([name, evr, arch, summary]) => `${name} ${evr} ${arch} ${summary}\n`).join(''));
}

/** dpkg-query on Ubuntu nodes, rpm on TripleO's RHEL hosts. */
export const packagePrograms: Record<string, ProgramDef> = {
  'dpkg-query': { deployments: ['classic', 'kolla-ansible'], run: dpkgQuery },
  rpm: { deployments: ['tripleo'], run: rpm },
};
