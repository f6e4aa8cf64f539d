import { describe, expect, it } from 'vitest';
import { bundleCleanupScript, bundleRestartScript, containerScript, execInContainer, serviceContainer } from '../../../src/deployment/acts.js';
import { failureHost, guestHosts } from '../../../src/deployment/bundles.js';
import { inContainer } from '../../../src/deployment/container-script.js';
import { deploymentMrkdwn, deploymentOf } from '../../../src/deployment/describe.js';
import { nodeDeployment, parseNodeDeployment, type NodeDeployment } from '../../../src/deployment/probe.js';
import { bundleContainerIn, tripleoContainerUnit, tripleoLogPath } from '../../../src/deployment/tripleo.js';
import type { Inventory } from '../../../src/inventory/types.js';
import type { PacemakerClusterState } from '../../../src/probes/pacemaker-ops.js';
import { pacemakerStatus } from '../../../src/probes/pacemaker-status.js';
import { rabbitmqStatus } from '../../../src/probes/rabbitmq-status.js';
import type { Probe } from '../../../src/probes/types.js';
import { inferRoles } from '../../../src/signatures/diagnose.js';
import { TRACE_GLOBS } from '../../../src/signatures/fetch-command.js';
import { ShellScript } from '../../../src/ssh/shell.js';
import { createClusterState } from '../../../src/sim/create.js';
import { execOnNode } from '../../../src/sim/exec.js';
import type { ClusterState } from '../../../src/sim/state/types.js';
import { areaReport, fixtureText, snapshotOf } from '../health/areas/fixture-snapshot.js';

const FIX = 'deployment/tripleo';

/** The real crm_mon XML of a TripleO CIB, read by the pacemaker probe's own parser. */
function realView(name: string): PacemakerClusterState {
  const r = pacemakerStatus.parse({ stdout: fixtureText(`${FIX}/${name}`), stderr: '', exitCode: 0 });
  if (r.kind !== 'ok' || !r.value.running) throw new Error(`${name} did not parse`);
  return r.value;
}

/** Runs a probe's own command on a simulated node and parses it with the probe's own reader. */
async function probeOn<T>(c: ClusterState, node: string, probe: Probe<T>) {
  const n = c.nodes.get(node);
  if (!n) throw new Error(node);
  const r = await execOnNode(c, n, probe.command.script.text);
  return { run: r, parsed: probe.parse({ stdout: r.stdout, stderr: r.stderr, exitCode: r.code }) };
}

const TRIPLEO_NODE: NodeDeployment = {
  deployment: 'tripleo',
  engine: 'podman',
  containers: ['rabbitmq-bundle-podman-1', 'galera-bundle-podman-1', 'nova_api', 'haproxy-bundle-podman-1'],
  systemdUnits: true,
};

describe("TripleO's names and paths", () => {
  it("finds the node's bundle replica among real podman ps names, whatever its number", () => {
    const names = fixtureText(`${FIX}/podman_ps_controller0_osp16.txt`)
      .split('\n')
      .slice(1)
      .map((l) => l.split(/\s+/)[0] ?? '')
      .filter((n) => n !== '');
    expect(bundleContainerIn(names, 'rabbitmq-bundle')).toBe('rabbitmq-bundle-podman-0');
    expect(bundleContainerIn(names, 'galera-bundle')).toBe('galera-bundle-podman-0');
    expect(bundleContainerIn(names, 'ovn-dbs-bundle')).toBe('ovn-dbs-bundle-podman-0');
    // openstack-cinder-volume-podman-0 is a bundle too, but not one a broker or database runs in.
    expect(bundleContainerIn(names, 'rabbitmq')).toBeUndefined();
    expect(bundleContainerIn(['rabbitmq-bundle-docker-2'], 'rabbitmq-bundle')).toBe('rabbitmq-bundle-docker-2');
  });

  it.each([
    ['/var/log/rabbitmq/rabbit@node-10.log', '/var/log/containers/rabbitmq/rabbit@node-10.log'],
    ['/var/log/nova/nova-compute.log', '/var/log/containers/nova/nova-compute.log'],
    ['/var/log/mysql/error.log', '/var/log/containers/mysql/error.log'],
    ['/var/log/mariadb/mariadb.log', '/var/log/containers/mysql/mariadb.log'],
    ['/var/log/libvirt/libvirtd.log', '/var/log/containers/libvirt/libvirtd.log'],
    ['/var/log/haproxy.log', '/var/log/containers/haproxy/haproxy.log'],
    ['/var/log/pacemaker/pacemaker.log', '/var/log/pacemaker/pacemaker.log'],
    ['/var/log/syslog', '/var/log/syslog'],
  ])('keeps %s at %s', (classic, tripleo) => {
    expect(tripleoLogPath(classic)).toBe(tripleo);
  });

  it("acts through tripleo-ansible's units and pcs, and execs in the node's replica", () => {
    expect(tripleoContainerUnit('nova_compute')).toBe('tripleo_nova_compute.service');
    expect(containerScript(TRIPLEO_NODE, 'nova_libvirt', 'restart').text).toBe('systemctl restart tripleo_nova_libvirt.service');
    // docker-era TripleO (OSP 13) wrote no units: the engine restarts the container.
    expect(containerScript({ ...TRIPLEO_NODE, engine: 'docker', systemdUnits: false }, 'nova_compute', 'stop').text).toBe('docker stop nova_compute');
    expect(serviceContainer(TRIPLEO_NODE, 'rabbitmq')).toBe('rabbitmq-bundle-podman-1');
    expect(serviceContainer(TRIPLEO_NODE, 'nova_compute')).toBe('nova_compute');
    expect(execInContainer(TRIPLEO_NODE, 'rabbitmq', ShellScript.raw('rabbitmqctl start_app')).text).toBe(
      "podman exec rabbitmq-bundle-podman-1 sh -c 'rabbitmqctl start_app'",
    );
    expect(bundleRestartScript('rabbitmq-bundle', 'node-10').text).toBe('pcs resource restart rabbitmq-bundle node-10');
    // The node's pcs version picks the form (test/unit/deployment/pcs.spec.ts runs both).
    expect(bundleCleanupScript('galera-bundle', 'node-10').text).toBe(
      "if pcs --version 2>/dev/null | grep -q '^0\\.9\\.'; then pcs resource cleanup galera-bundle --node node-10; else pcs resource cleanup galera-bundle node=node-10; fi",
    );
  });
});

describe('detecting a TripleO node', () => {
  it("reads tripleo-ansible's mark, podman and the units; a bundle replica alone is enough", () => {
    const marked = parseNodeDeployment({ stdout: 'kolla=no\nengine=podman\ncontainer=nova_compute\ntripleo=yes\nunits=tripleo\n', stderr: '', exitCode: 0 });
    expect(marked).toEqual({
      kind: 'ok',
      value: { deployment: 'tripleo', engine: 'podman', containers: ['nova_compute'], systemdUnits: true },
    });
    const byBundle = parseNodeDeployment({ stdout: 'kolla=no\nengine=podman\ncontainer=galera-bundle-podman-2\n', stderr: '', exitCode: 0 });
    expect(byBundle.kind === 'ok' && byBundle.value.deployment).toBe('tripleo');
    // kolla-built images named nova_compute on a kolla node stay kolla.
    const kolla = parseNodeDeployment({ stdout: 'kolla=yes\nengine=docker\ncontainer=nova_compute\n', stderr: '', exitCode: 0 });
    expect(kolla.kind === 'ok' && kolla.value.deployment).toBe('kolla-ansible');
  });

  it("detects a simulated TripleO controller and compute with the probe's own script", async () => {
    const c = createClusterState({ scenario: 'tripleo-healthy', controllers: 3, computes: 1 });
    const ctl = await probeOn(c, 'node-11', nodeDeployment);
    expect(ctl.parsed.kind === 'ok' && ctl.parsed.value).toEqual(
      expect.objectContaining({
        deployment: 'tripleo',
        engine: 'podman',
        systemdUnits: true,
        containers: expect.arrayContaining(['rabbitmq-bundle-podman-1']),
      }),
    );
    const cmp = await probeOn(c, 'node-18', nodeDeployment);
    expect(cmp.parsed.kind === 'ok' && cmp.parsed.value.containers).toEqual(expect.arrayContaining(['nova_compute', 'nova_libvirt']));
  });

  it("runs rabbitmqctl in the node's own replica of the bundle", async () => {
    const c = createClusterState({ scenario: 'tripleo-healthy', controllers: 3, computes: 1 });
    const r = await probeOn(c, 'node-12', rabbitmqStatus);
    expect(r.parsed.kind === 'ok' && r.parsed.value.running).toBe(true);
    expect(inContainer('rabbitmq', ShellScript.raw('x')).text).toContain('podman container inspect rabbitmq-bundle-podman-$n');
  });
});

describe('pacemaker bundles on real TripleO crm_mon output', () => {
  it('maps guest nodes to the controllers their replicas run on', () => {
    const v = realView('crm_mon_2.1.5_no-promote-on-unrunnable-guest.xml');
    const hosts = guestHosts(v);
    expect(hosts.get('rabbitmq-bundle-0')).toBe('controller-0');
    expect(hosts.get('galera-bundle-2')).toBe('controller-2');
    expect(
      failureHost(v, { resource: 'rabbitmq', operation: 'start', node: 'rabbitmq-bundle-1', exitStatus: 'error', exitReason: '', intervalMs: 0 }, hosts),
    ).toBe('controller-1');
    expect(failureHost(v, { resource: 'x', operation: 'start', node: 'controller-2', exitStatus: 'error', exitReason: '', intervalMs: 0 }, hosts)).toBe(
      'controller-2',
    );
  });

  it('is healthy on a healthy TripleO cluster, counting bundle replicas apart from nodes', () => {
    const s = snapshotOf([[pacemakerStatus, [{ node: 'node-10', stdout: `${FIX}/crm_mon_2.1.5_no-promote-on-unrunnable-guest.xml` }]]]);
    const r = areaReport(s, 'pacemaker');
    expect(r.problems.filter((p) => /OFFLINE/.test(p.summary))).toEqual([]);
    expect(r.note).toMatch(/^3 nodes online \(and 12 bundle replicas\), \d+ resources started/);
  });

  it('reports the offline messaging node, not the guest nodes of its replicas, and puts the stopped replicas there', () => {
    const s = snapshotOf([[pacemakerStatus, [{ node: 'node-10', stdout: `${FIX}/crm_mon_2.1.5_cancel-behind-moving-remote.xml` }]]]);
    const r = areaReport(s, 'pacemaker');
    const offline = r.problems.filter((p) => /OFFLINE/.test(p.summary)).map((p) => p.summary);
    expect(offline).toEqual(['messaging-1 is OFFLINE in pacemaker']);
    const onMessaging1 = r.problems.find((p) => p.nodes.includes('messaging-1') && /stopped/.test(p.summary));
    expect(onMessaging1?.summary).toMatch(/rabbitmq-bundle/);
    expect(onMessaging1?.summary).toMatch(/ovn-dbs-bundle/);
    // Instance HA's compute-unfence-trigger clone runs on the remote computes only, as it should.
    expect(r.problems.filter((p) => /compute-unfence-trigger/.test(p.summary))).toEqual([]);
  });

  it('names the cluster TripleO from the bundles crm_mon shows', () => {
    const s = snapshotOf([[pacemakerStatus, [{ node: 'node-10', stdout: `${FIX}/crm_mon_2.1.5_no-promote-on-unrunnable-guest.xml` }]]]);
    const inventory: Inventory = { cluster: 'x', knownHostsPath: '/dev/null', nodes: [], jumpHosts: [], source: 'test' };
    expect(deploymentOf(inventory, s)).toEqual({
      deployment: 'tripleo',
      source: 'detected on node-10: pacemaker bundles galera-bundle, rabbitmq-bundle, redis-bundle, ovn-dbs-bundle',
    });
  });

  it('writes the deployment line for Slack as a context line, its text escaped', () => {
    expect(deploymentMrkdwn({ deployment: 'tripleo', source: 'set in the inventory' })).toBe('>> Deployment: *tripleo* (set in the inventory)');
    expect(deploymentMrkdwn({ deployment: 'unknown', source: 'no <!channel> & co' })).toBe('>> Deployment: *unknown* (no &lt;!channel&gt; &amp; co)');
  });
});

describe("TripleO's log layout in offline diagnose and /trace", () => {
  it('reads a node whose logs are under /var/log/containers as the role they betray', () => {
    expect(inferRoles(['/var/log/containers/rabbitmq/rabbit@controller-0.log'])).toEqual(['controller']);
    expect(inferRoles(['/var/log/containers/mysql/mysqld.log'])).toEqual(['controller']);
    expect(inferRoles(['/var/log/containers/nova/nova-compute.log'])).toEqual(['compute']);
  });

  it('traces requests through the containers’ log dirs', () => {
    expect(TRACE_GLOBS).toContain('/var/log/containers/*/*.log');
  });
});

describe('the TripleO simulator answers as a TripleO controller does', () => {
  it("prints the bundles as pacemaker 2.1.5 does: the failed replica's resource stopped on its guest, its container still up on node-10", async () => {
    const c = createClusterState({ scenario: 'tripleo-seed-incident', controllers: 3, computes: 1 });
    const r = await probeOn(c, 'node-11', pacemakerStatus);
    if (r.parsed.kind !== 'ok' || !r.parsed.value.running) throw new Error('crm_mon did not parse');
    const v = r.parsed.value;
    expect(guestHosts(v).get('rabbitmq-bundle-0')).toBe('node-10');
    const replica0 = v.resources.filter((x) => x.parents.some((p) => p.id === 'rabbitmq-bundle')).slice(0, 3);
    expect(replica0.map((x) => [x.id, x.role, x.nodes])).toEqual([
      ['rabbitmq', 'Stopped', []],
      ['rabbitmq-bundle-podman-0', 'Started', ['node-10']],
      ['rabbitmq-bundle-0', 'Started', ['node-10']],
    ]);
    expect(v.failedActions.map((f) => [f.resource, f.operation, f.node])).toEqual([['rabbitmq', 'start', 'rabbitmq-bundle-0']]);
    expect(v.resources.find((x) => x.id === 'galera' && x.nodes.includes('galera-bundle-1'))?.role).toBe('Promoted');
  });

  it('has no host service for what runs in containers: only tripleo_<name> units, and pcs for the bundles', async () => {
    const c = createClusterState({ scenario: 'tripleo-seed-incident', controllers: 3, computes: 1 });
    const n10 = c.nodes.get('node-10');
    const n18 = c.nodes.get('node-18');
    if (!n10 || !n18) throw new Error('nodes');
    expect((await execOnNode(c, n10, 'systemctl restart rabbitmq-server')).code).not.toBe(0);
    expect((await execOnNode(c, n10, 'systemctl restart tripleo_rabbitmq.service')).code).not.toBe(0);
    expect((await execOnNode(c, n18, 'systemctl restart libvirtd')).code).not.toBe(0);
    expect((await execOnNode(c, n18, 'systemctl restart tripleo_nova_libvirt.service')).code).toBe(0);
    expect((await execOnNode(c, n10, 'crm resource cleanup rabbitmq-bundle')).code).toBe(127);
    // rabbitmqctl and mysql live in the bundles' images, not on the host.
    const n11 = c.nodes.get('node-11');
    if (!n11) throw new Error('node-11');
    expect((await execOnNode(c, n11, 'rabbitmqctl cluster_status')).code).toBe(127);
    expect((await execOnNode(c, n11, 'podman exec rabbitmq-bundle-podman-1 rabbitmqctl cluster_status')).code).toBe(0);
    expect((await execOnNode(c, n11, 'podman exec galera-bundle-podman-1 sh -c \'mysql -N -B -e "SHOW GLOBAL STATUS"\'')).code).toBe(0);
    // The disk is still full: the cleaned-up replica fails to start again.
    expect((await execOnNode(c, n10, 'pcs resource cleanup rabbitmq-bundle node=node-10')).code).toBe(0);
    expect(n10.rabbit.appRunning).toBe(false);
    expect(n10.pacemakerFailures.map((f) => f.resource)).toEqual(['rabbitmq']);
  });
});
