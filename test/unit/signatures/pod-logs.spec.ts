import { describe, expect, it } from 'vitest';
import { podLogHostPath } from '../../../src/signatures/pod-logs.js';

const saved = (pod: string, container: string, suffix = ''): string =>
  `/sos_commands/kubernetes/cluster-info/openstack/podlogs/${pod}/k8s_kubectl_--namespace_openstack_logs_${pod}_-c_${container}${suffix}`;

describe('a pod log sos saved', () => {
  it.each([
    ['nova-0', 'nova-scheduler', '/var/log/nova/nova-scheduler.log'],
    ['placement-0', 'placement-api', '/var/log/placement/placement-api.log'],
    ['neutron-0', 'neutron-server', '/var/log/neutron/neutron-server.log'],
    ['keystone-0', 'keystone', '/var/log/keystone/keystone.log'],
    ['rabbitmq-0', 'rabbitmq', '/var/log/rabbitmq/rabbit@rabbitmq-0.log'],
    ['mysql-0', 'mysql', '/var/log/mysql/error.log'],
    ['ovn-central-0', 'ovn-sb-db-server', '/var/log/ovn/ovsdb-server-sb.log'],
  ])('%s/%s is read as %s', (pod, container, path) => {
    expect(podLogHostPath(saved(pod, container))).toBe(path);
  });

  it("reads a previous instance's log as the same service's", () => {
    expect(podLogHostPath(saved('nova-0', 'nova-conductor', '_--previous'))).toBe('/var/log/nova/nova-conductor.log');
  });

  it("is not read when its container is no OpenStack service's, broker's, database's or OVN's", () => {
    for (const [pod, container] of [
      ['nova-0', 'charm'],
      ['nova-0', 'charm-init'],
      ['traefik-0', 'traefik'],
      ['nova-mysql-router-0', 'mysql-router'],
      ['horizon-0', 'horizon'],
    ] as const)
      expect(podLogHostPath(saved(pod, container))).toBeNull();
    expect(podLogHostPath('/sos_commands/kubernetes/cluster-info/openstack/k8s_kubectl_get_pods')).toBeNull();
  });
});
