/**
 * TripleO's undercloud in the simulator: the director node operators log in to, where they
 * `source ~/overcloudrc` and run the overcloud's `openstack` CLI. tripleoclient writes that file as
 * `<stack>rc` in the stack user's home; the overcloud's nodes hold no credentials at all, so on a
 * simulated TripleO cluster only the undercloud can list nova services and neutron agents.
 * Sources: openstack/python-tripleoclient `tripleoclient/workflows/deployment.py`
 * (`create_overcloudrc`: `<stack>rc` in the deploying user's home, mode 0600; commit 6e802d23) and
 * openstack/tripleo-common `tripleo_common/utils/overcloudrc.py` (the variables; commit b84565f1).
 */
import { DEFAULT_OVERCLOUDRC } from '../../deployment/openstack-cli.js';
import type { ClusterState, SimNode } from '../state/types.js';
import { VirtualFs } from '../state/vfs.js';

/** The undercloud's inventory name, as tripleo-ansible-inventory writes it. */
export const UNDERCLOUD_NODE = 'undercloud';

/** The overcloud's credentials: tripleo-common's variables, without its unset loop and prompt, which the simulated shell does not run. */
const OVERCLOUDRC = `export OS_NO_CACHE=True
export OS_CLOUD=overcloud
export OS_USERNAME=admin
export OS_PASSWORD=admin
export OS_PROJECT_NAME=admin
export OS_USER_DOMAIN_NAME=Default
export OS_PROJECT_DOMAIN_NAME=Default
export OS_AUTH_URL=http://192.168.0.2:5000
export OS_AUTH_TYPE=password
export OS_IDENTITY_API_VERSION=3
export OS_REGION_NAME=regionOne
`;

/** The undercloud node: no overcloud service runs there, and no area checks it. */
function undercloudNode(c: ClusterState): SimNode {
  const bootedAt = c.clock.now() - 90 * 86_400_000;
  const fs = new VirtualFs(() => c.clock.now());
  for (const d of ['/root', '/tmp', '/etc', '/var/lib', '/var/run', '/home/stack']) fs.mkdirp(d);
  fs.mkdirp('/run/systemd/system');
  fs.put('/etc/hostname', { kind: 'file', size: UNDERCLOUD_NODE.length + 1, mtime: bootedAt, content: `${UNDERCLOUD_NODE}\n` });
  fs.put('/proc/uptime', {
    kind: 'proc',
    read: () => {
      const up = (c.clock.now() - bootedAt) / 1000;
      return `${up.toFixed(2)} ${(up * 1.9).toFixed(2)}\n`;
    },
  });
  fs.put(DEFAULT_OVERCLOUDRC, { kind: 'file', size: OVERCLOUDRC.length, mtime: bootedAt, content: OVERCLOUDRC });
  return {
    name: UNDERCLOUD_NODE,
    roles: ['undercloud'],
    ip: '192.168.24.1',
    init: 'systemd',
    deployment: 'tripleo',
    fs,
    disk: { device: '/dev/vda1', size: 100 * 1024 ** 3, baseUsed: 38 * 1024 ** 3 },
    services: new Map(),
    rabbit: { appRunning: false, members: [], alarms: new Set(), diskFreeLimit: 5_000_000 },
    novaLibvirtConnected: false,
    cinderOpenFiles: new Set(),
    pacemakerFailures: [],
    bootedAt,
  };
}

/**
 * Gives a TripleO cluster its undercloud and takes the credentials off the overcloud's nodes
 * (the classic cluster it was built from kept an openrc on every controller).
 */
export function addUndercloud(c: ClusterState): void {
  for (const n of c.nodes.values()) n.fs.remove('/root/openrc');
  c.nodes.set(UNDERCLOUD_NODE, undercloudNode(c));
}
