import { describe, expect, it } from 'vitest';
import { assessSnapshot as assessOn } from '../../../src/health/assess.js';
import ceph from '../../../src/health/areas/ceph.js';
import disk from '../../../src/health/areas/disk.js';
import galera from '../../../src/health/areas/galera.js';
import libvirt from '../../../src/health/areas/libvirt.js';
import neutron from '../../../src/health/areas/neutron.js';
import nova from '../../../src/health/areas/nova.js';
import pacemaker from '../../../src/health/areas/pacemaker.js';
import rabbitmq from '../../../src/health/areas/rabbitmq.js';
import type { ClusterSnapshot } from '../../../src/health/snapshot.js';
import { uncheckedFacts } from '../../../src/health/status.js';
import { cephStatus } from '../../../src/probes/ceph-status.js';
import { diskUsage } from '../../../src/probes/disk-usage.js';
import { galeraStatus } from '../../../src/probes/galera-status.js';
import { libvirtStatus } from '../../../src/probes/libvirt-status.js';
import { neutronAgents } from '../../../src/probes/neutron-agents.js';
import { novaServices } from '../../../src/probes/nova-services.js';
import { pacemakerStatus } from '../../../src/probes/pacemaker-status.js';
import { rabbitmqStatus } from '../../../src/probes/rabbitmq-status.js';
import type { Probe } from '../../../src/probes/types.js';
import { isProbeSignature, loadCatalog } from '../../../src/signatures/index.js';
import { snapshotOf, type Answer } from './areas/fixture-snapshot.js';

/** The areas these tests were written for, judged on their own: areas added later do not change them. */
const AREAS = [pacemaker, rabbitmq, galera, ceph, nova, neutron, disk, libvirt];
const assessSnapshot = (snapshot: ClusterSnapshot) => assessOn(snapshot, AREAS);

const CONTROLLERS = ['node-10', 'node-11', 'node-12'];
const COMPUTES = ['node-18', 'node-19', 'node-20'];

/** Every status probe answered healthily, as real tools print it, on the nodes it is meant for. */
function healthyAnswers(skip: (node: string) => boolean = () => false): [Probe<unknown>, Answer[]][] {
  const on = (nodes: string[], answer: (node: string) => Answer): Answer[] => nodes.filter((n) => !skip(n)).map(answer);
  const first = (nodes: string[]): string[] => nodes.filter((n) => !skip(n)).slice(0, 1);
  return [
    [pacemakerStatus, on(first(CONTROLLERS), (node) => ({ node, stdout: 'probes/pacemaker/crm_mon_healthy.xml' }))],
    [rabbitmqStatus, on(CONTROLLERS, (node) => ({ node, stdout: 'probes/rabbitmq/cluster_status_3.10_json_two_nodes.json' }))],
    [galeraStatus, on(CONTROLLERS, (node) => ({ node, stdout: 'probes/galera/wsrep_primary_synced_2_nodes.tsv' }))],
    [cephStatus, on(first(CONTROLLERS), (node) => ({ node, stdout: 'probes/ceph/ceph_s_json_quincy_healthy_rook_doc.json' }))],
    [novaServices, on(first(CONTROLLERS), (node) => ({ node, stdout: 'probes/openstack-cli/osc6_compute_service_list_healthy.json' }))],
    [neutronAgents, on(first(CONTROLLERS), (node) => ({ node, stdout: 'probes/openstack-cli/osc6_network_agent_list_healthy.json' }))],
    [diskUsage, on([...CONTROLLERS, ...COMPUTES], (node) => ({ node, stdout: 'probes/node/disk_usage_debian12_with_hogs.stdout' }))],
    [libvirtStatus, on(COMPUTES, (node) => ({ node, printed: 'socket=present\nlibvirtd=running\n' }))],
  ];
}

/** `node` did not answer: its node-scope probes failed as the executor reports a dead node. */
function unreachable(answers: [Probe<unknown>, Answer[]][], node: string, roles: readonly string[]): [Probe<unknown>, Answer[]][] {
  return answers.map(([probe, list]): [Probe<unknown>, Answer[]] =>
    probe.scope === 'node' && probe.roles.some((r) => roles.includes(r))
      ? [probe, [...list, { node, unreachable: `no answer from ${node} within 10 s` }]]
      : [probe, list],
  );
}

describe('what /cluster status says it checked', () => {
  it('says HEALTHY only when every area read every node it is meant for, and says where', () => {
    const report = assessSnapshot(snapshotOf(healthyAnswers()));
    expect(report.verdict).toBe('HEALTHY');
    expect(report.headline).toBe('HEALTHY: 6 nodes answer, no problems found');
    expect(Object.fromEntries(report.areas.map((a) => [a.area, a.coverage]))).toEqual({
      pacemaker: 'checked cluster-wide from node-10',
      rabbitmq: 'checked on 3 of 3 controllers',
      galera: 'checked on 3 of 3 controllers',
      ceph: 'checked cluster-wide from node-10',
      nova: 'checked cluster-wide from node-10',
      neutron: 'checked cluster-wide from node-10',
      disk: 'checked on 6 of 6 nodes',
      libvirt: 'checked on 3 of 3 computes',
    });
  });

  it('checks nothing, and says so, for an inventory whose nodes have only roles no area uses', () => {
    const nodes = [
      { name: 'kolla-1', roles: ['control'] },
      { name: 'kolla-2', roles: ['deployment'] },
      { name: 'kolla-3', roles: [] },
    ];
    const report = assessSnapshot(snapshotOf([], nodes));
    expect(report.verdict).toBe('INCOMPLETE');
    expect(report.headline).toMatch(
      /^NOTHING CHECKED: 8 of 8 areas not checked \(Pacemaker, RabbitMQ, Galera, Ceph, Nova, Neutron, Disk, libvirt\); 3 nodes not probed/,
    );
    expect(report.headline).not.toMatch(/healthy/i);
    for (const a of report.areas) expect(a.status, a.area).toBe('unchecked');
    expect(report.areas.find((a) => a.area === 'rabbitmq')?.coverage).toBe('not checked: no node has the controller role (map a group in the inventory)');
    expect(report.areas.find((a) => a.area === 'disk')?.coverage).toBe(
      'not checked: no node has the controller or compute or network or storage or ceph-mon or ceph-osd or ceph-mgr or monitoring role (map a group in the inventory)',
    );
    expect(report.unprobed).toEqual([
      { node: 'kolla-1', roles: ['control'] },
      { node: 'kolla-2', roles: ['deployment'] },
      { node: 'kolla-3', roles: [] },
    ]);
  });

  it('never ticks Disk or libvirt when the only compute probed is unreachable', () => {
    const nodes = [
      { name: 'kolla-1', roles: ['control'] },
      { name: 'node-18', roles: ['compute'] },
    ];
    const snapshot = snapshotOf(
      [
        [diskUsage, [{ node: 'node-18', unreachable: 'connect ECONNREFUSED 192.168.0.18:22' }]],
        [libvirtStatus, [{ node: 'node-18', unreachable: 'connect ECONNREFUSED 192.168.0.18:22' }]],
      ],
      nodes,
    );
    const report = assessSnapshot(snapshot);
    const disk = report.areas.find((a) => a.area === 'disk');
    const libvirt = report.areas.find((a) => a.area === 'libvirt');
    expect(disk).toMatchObject({ status: 'unchecked', checked: 'none', coverage: 'not checked: node-18 unreachable' });
    expect(libvirt).toMatchObject({ status: 'unchecked', checked: 'none', coverage: 'not checked: node-18 unreachable' });
    expect(report.areas.filter((a) => a.status === 'ok')).toEqual([]);
    expect(report.verdict).toBe('CRITICAL');
    expect(report.headline).toBe(
      'CRITICAL: 1 problem on 1 node, 1 unreachable; 8 of 8 areas not checked (Pacemaker, RabbitMQ, Galera, Ceph, Nova, Neutron, Disk, libvirt); 1 node not probed (kolla-1: no area checks their roles)',
    );
  });

  it('ticks an area read in part, saying which nodes it missed; an unreachable node does not add to the verdict line', () => {
    const report = assessSnapshot(
      snapshotOf(
        unreachable(
          healthyAnswers((n) => n === 'node-19'),
          'node-19',
          ['compute'],
        ),
      ),
    );
    expect(report.headline).toBe('CRITICAL: 1 problem on 1 node, 1 unreachable');
    const libvirt = report.areas.find((a) => a.area === 'libvirt');
    expect(libvirt).toMatchObject({ status: 'ok', checked: 'part', coverage: 'checked on 2 of 3 computes; not checked: node-19 unreachable' });
  });

  it('does not call a cluster healthy when one answer could not be read, and names it', () => {
    const answers = healthyAnswers().map(([probe, list]): [Probe<unknown>, Answer[]] =>
      probe === galeraStatus
        ? // node-12's mysql printed something that is not the wsrep status (here: another tool's JSON).
          [probe, list.map((a) => (a.node === 'node-12' ? { node: 'node-12', stdout: 'probes/ceph/ceph_s_json_quincy_healthy_rook_doc.json' } : a))]
        : [probe, list],
    );
    const report = assessSnapshot(snapshotOf(answers));
    expect(report.verdict).toBe('INCOMPLETE');
    expect(report.headline).toBe('NO PROBLEM FOUND in what was checked; Galera checked in part');
    const galera = report.areas.find((a) => a.area === 'galera');
    expect(galera?.status).toBe('ok');
    expect(galera?.coverage).toMatch(/^checked on 2 of 3 controllers; not checked: node-12: \S/);
  });

  it("says a cluster-wide area is not checked when no controller gave the cluster's view", () => {
    const answers = healthyAnswers().map(([probe, list]): [Probe<unknown>, Answer[]] =>
      probe === novaServices
        ? [probe, CONTROLLERS.map((node) => ({ node, stderr: 'probes/openstack-cli/osc6_keystone_unreachable.stderr', exitCode: 1 }))]
        : [probe, list],
    );
    const report = assessSnapshot(snapshotOf(answers));
    const nova = report.areas.find((a) => a.area === 'nova');
    expect(nova?.status).toBe('unknown');
    expect(nova?.coverage).toMatch(/^not checked: no controller gave the cluster's view \(node-10, node-11, node-12: /);
    expect(report.headline).toBe('NO PROBLEM FOUND in what was checked; 1 of 8 areas not checked (Nova)');
  });

  it('lists the probe signatures the snapshot could not evaluate, where', async () => {
    const ownProbes = new Set(AREAS.flatMap((a) => a.probes.map((p) => p.id)));
    const signatures = (await loadCatalog()).signatures.filter((sig) => isProbeSignature(sig) && ownProbes.has(sig.source.probe.id));
    const full = snapshotOf(healthyAnswers());
    expect(uncheckedFacts(full, signatures)).toEqual([]);
    const partial = snapshotOf(
      unreachable(
        healthyAnswers((n) => n === 'node-19'),
        'node-19',
        ['compute'],
      ).map(([probe, list]): [Probe<unknown>, Answer[]] =>
        probe === novaServices ? [probe, [{ node: 'node-10', stderr: 'probes/openstack-cli/osc6_keystone_unreachable.stderr', exitCode: 1 }]] : [probe, list],
      ),
    );
    const unchecked = uncheckedFacts(partial, signatures);
    expect(unchecked).toContainEqual({ signature: 'nova-compute-down', node: '*' });
    expect(unchecked).toContainEqual({ signature: 'libvirt-socket-gone', node: 'node-19' });
    expect(unchecked).toContainEqual({ signature: 'disk-full-now', node: 'node-19' });
    expect(unchecked.filter((u) => u.node === 'node-10')).toEqual([]);
  });
});
