import { describe, expect, it } from 'vitest';
import { groupLabelText, groupSignatureId, severityOfAlert, signatureOfAlert } from '../../../src/alerts/signatures.js';
import { loadCatalog } from '../../../src/signatures/index.js';

const catalog = await loadCatalog();
const known = new Set(catalog.signatures.map((s) => s.id));

describe('signatureOfAlert', () => {
  it.each([
    // deploy/prometheus and rules written for stackmedic name the signature.
    [{ alertname: 'Anything', stackmedic_signature: 'rabbit-partition' }, 'rabbit-partition'],
    // RabbitMQ: awesome-prometheus-alerts, rabbitmq-mixin, kbudde's exporter.
    [{ alertname: 'RabbitmqDiskAlarm' }, 'rabbit-disk-alarm'],
    [{ alertname: 'RabbitMQ_Disk_Space_Alarm' }, 'rabbit-disk-alarm'],
    [{ alertname: 'RabbitmqMemoryAlarm' }, 'rabbit-memory-alarm'],
    [{ alertname: 'MemoryAlarm', rabbitmq_cluster: 'rabbit@node-10' }, 'rabbit-memory-alarm'],
    [{ alertname: 'RabbitmqClusterPartition' }, 'rabbit-partition'],
    [{ alertname: 'RabbitmqNodeDown' }, 'rabbit-node-down'],
    // openstack-exporter's agent states.
    [{ alertname: 'NovaComputeDown' }, 'nova-compute-down'],
    [{ alertname: 'NovaAgentDown', service: 'nova-compute' }, 'nova-compute-down'],
    [{ alertname: 'HypervisorDown' }, 'nova-compute-down'],
    [{ alertname: 'NeutronAgentDown' }, 'neutron-agent-down'],
    // mysqld_exporter.
    [{ alertname: 'GaleraNotPrimary' }, 'galera-non-primary'],
    [{ alertname: 'MySQLGaleraNonPrimary' }, 'galera-non-primary'],
    // node_exporter: out of space on /.
    [{ alertname: 'HostOutOfDiskSpace', mountpoint: '/' }, 'disk-full-now'],
    [{ alertname: 'RootFilesystemFull' }, 'disk-full-now'],
  ])('maps %o to %s', (labels, signature) => {
    expect(signatureOfAlert(labels, known)).toBe(signature);
  });

  it.each([
    [{ alertname: 'MemoryAlarm' }, 'a memory alarm with nothing saying it is RabbitMQ'],
    [{ alertname: 'NovaAgentDown', service: 'nova-scheduler' }, 'a nova agent that is not nova-compute'],
    [{ alertname: 'HostOutOfDiskSpace', mountpoint: '/var/lib/nova' }, 'another mount than /'],
    [{ alertname: 'NodeFilesystemSpaceFillingUp', mountpoint: '/' }, 'a prediction of filling up'],
    [{ alertname: 'HighCPU' }, 'an alert nothing knows'],
    [{ alertname: 'X', stackmedic_signature: 'no-such-signature' }, 'a label naming no catalog signature'],
    [{}, 'no alertname'],
  ] as [Record<string, string>, string][])('maps %o to nothing (%s)', (labels) => {
    expect(signatureOfAlert(labels, known)).toBeUndefined();
  });

  it('maps only to signatures the catalog has', () => {
    expect(signatureOfAlert({ alertname: 'RabbitmqDiskAlarm' }, new Set(['rabbit-partition']))).toBeUndefined();
  });
});

describe('severityOfAlert', () => {
  it.each([
    ['critical', 'critical'],
    ['page', 'critical'],
    ['warning', 'major'],
    ['error', 'major'],
    ['', 'major'],
    ['info', 'minor'],
    ['none', 'minor'],
  ] as const)('severity=%s is %s', (label, severity) => {
    expect(severityOfAlert(label ? { severity: label } : {})).toBe(severity);
  });
});

describe('alert groups', () => {
  it('gets one stable signature id per receiver and group key', () => {
    const a = groupSignatureId('stackmedic', '{}:{alertname="HighCPU"}');
    expect(a).toMatch(/^alert-[0-9a-f]{12}$/);
    expect(groupSignatureId('stackmedic', '{}:{alertname="HighCPU"}')).toBe(a);
    expect(groupSignatureId('stackmedic', '{}:{alertname="HighLoad"}')).not.toBe(a);
    expect(groupSignatureId('other', '{}:{alertname="HighCPU"}')).not.toBe(a);
  });

  it('names a group by its labels, alertname first', () => {
    expect(groupLabelText({ cluster: 'prod', alertname: 'HighCPU', az: 'a' })).toBe('alertname=HighCPU, az=a, cluster=prod');
  });
});
