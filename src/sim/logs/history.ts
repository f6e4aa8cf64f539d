/** The quiet history a log file holds on a healthy node: what the daemon wrote when it last started. */
import type { SimNode } from '../state/types.js';
import { libvirtLine, osloLine, pacemakerLine, rabbitReport, reqContext } from './format.js';

function osloLogger(path: string): string {
  if (path.includes('nova-compute')) return 'nova.compute.resource_tracker';
  if (path.includes('/nova/')) return 'nova.service';
  if (path.includes('/cinder/')) return 'cinder.service';
  if (path.includes('/neutron/')) return 'neutron.agent.common.config';
  return 'heat.engine.service';
}

/** Default content of `path` on `node`, `broker` being the controller address clients connect to. */
export function healthyHistory(node: SimNode, path: string, broker: string): string[] {
  const t0 = node.bootedAt + 65_000;
  const pid = 2000 + ((node.name.length * 97 + path.length * 13) % 7000);
  if (path.startsWith('/var/log/rabbitmq/')) {
    if (path.endsWith('-sasl.log')) return [];
    return [
      ...rabbitReport(t0, 'INFO', [
        'Starting RabbitMQ 3.5.6 on Erlang 18.1',
        'Copyright (C) 2007-2015 Pivotal Software, Inc.',
        'Licensed under the MPL.  See http://www.rabbitmq.com/',
      ]),
      ...rabbitReport(t0, 'INFO', ['Disk free limit set to 5MB']),
      ...rabbitReport(t0 + 2_000, 'INFO', ['Server startup complete; 0 plugins started.']),
      ...rabbitReport(t0 + 9_000, 'INFO', [`accepting AMQP connection <0.1617.0> (192.168.0.3:54820 -> ${node.ip}:5673)`]),
    ];
  }
  if (path.startsWith('/var/log/libvirt/')) {
    return [
      libvirtLine(
        t0,
        pid,
        'info',
        'libvirt version: 1.3.1, package: 1ubuntu10.8 (Christian Ehrhardt <christian.ehrhardt@canonical.com> Mon, 05 Dec 2016 11:17:11 +0100)',
      ),
    ];
  }
  if (path.startsWith('/var/log/pacemaker/')) {
    return [pacemakerLine(t0, node.name, pid, 'pacemakerd', 'notice', 'Starting Pacemaker 2.1.5')];
  }
  if (path.startsWith('/var/log/ceph/')) {
    return [
      `${new Date(t0).toISOString().replace('T', ' ').slice(0, 23)} 7f3b6c1ff700  0 log_channel(cluster) log [INF] : mon.${node.name} calling new monitor election`,
    ];
  }
  if (path.startsWith('/var/log/mysql/')) {
    return [`${new Date(t0).toISOString().slice(0, 19).replace('T', ' ')} 0 [Note] WSREP: Synchronized with group, ready for connections`];
  }
  if (!/\/var\/log\/(nova|cinder|neutron|heat)\//.test(path)) return [];
  const ctx = reqContext(`${node.name}${path}`);
  const lines = [
    osloLine(t0, pid, 'INFO', 'oslo.messaging._drivers.impl_rabbit', `Connecting to AMQP server on ${broker}:5673`, ctx),
    osloLine(t0 + 31, pid, 'INFO', 'oslo.messaging._drivers.impl_rabbit', `Connected to AMQP server on ${broker}:5673`, ctx),
  ];
  if (path.includes('nova-compute')) {
    lines.push(
      osloLine(t0 + 60_000, pid, 'INFO', osloLogger(path), `Auditing locally available compute resources for node ${node.name}`),
      osloLine(
        t0 + 60_412,
        pid,
        'INFO',
        osloLogger(path),
        `Final resource view: name=${node.name} phys_ram=128906MB used_ram=2048MB phys_disk=198GB used_disk=0GB total_vcpus=32 used_vcpus=0 pci_stats=[]`,
      ),
    );
  }
  return lines;
}
