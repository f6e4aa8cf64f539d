import { describe, expect, it } from 'vitest';
import { rabbitmqStatus } from '../../../src/probes/rabbitmq-status.js';
import type { ProbeOutput } from '../../../src/probes/types.js';
import { fixture, recordedOutput, stderrOf, stdoutOf } from './fixtures.js';
import { rabbitReading, type RabbitReading } from './readings.js';

/**
 * Every rabbitmqctl output in test/fixtures/probes/rabbitmq/ (RabbitMQ 3.5 to 4.1: Erlang terms,
 * the 3.8+ text, JSON; sources in SOURCES.md and rabbitmq/SOURCE.md), each with what an operator
 * reads in it. Written by reading each file.
 */
const cases: readonly (readonly [name: string, output: ProbeOutput, reading: RabbitReading])[] = [
  [
    'cluster_status_3.10_json_disk_alarm.json',
    stdoutOf('rabbitmq/cluster_status_3.10_json_disk_alarm.json'),
    {
      node: undefined,
      members: ['rabbit1@localhost', 'rabbit2@localhost'],
      running: ['rabbit1@localhost', 'rabbit2@localhost'],
      stopped: [],
      alarms: ['disk@rabbit1@localhost'],
      partitions: [],
    },
  ],
  [
    'cluster_status_3.10_json_disk_and_memory_alarm.json',
    stdoutOf('rabbitmq/cluster_status_3.10_json_disk_and_memory_alarm.json'),
    {
      node: undefined,
      members: ['rabbit1@localhost', 'rabbit2@localhost'],
      running: ['rabbit1@localhost', 'rabbit2@localhost'],
      stopped: [],
      alarms: ['disk@rabbit1@localhost', 'memory@rabbit2@localhost'],
      partitions: [],
    },
  ],
  [
    'cluster_status_3.10_json_healthy.json',
    stdoutOf('rabbitmq/cluster_status_3.10_json_healthy.json'),
    { node: undefined, members: ['rabbit1@localhost'], running: ['rabbit1@localhost'], stopped: [], alarms: [], partitions: [] },
  ],
  [
    'cluster_status_3.10_json_one_node_down.json',
    stdoutOf('rabbitmq/cluster_status_3.10_json_one_node_down.json'),
    {
      node: undefined,
      members: ['rabbit1@localhost', 'rabbit2@localhost'],
      running: ['rabbit1@localhost'],
      stopped: ['rabbit2@localhost'],
      alarms: [],
      partitions: [],
    },
  ],
  [
    'cluster_status_3.10_json_two_nodes.json',
    stdoutOf('rabbitmq/cluster_status_3.10_json_two_nodes.json'),
    {
      node: undefined,
      members: ['rabbit1@localhost', 'rabbit2@localhost'],
      running: ['rabbit1@localhost', 'rabbit2@localhost'],
      stopped: [],
      alarms: [],
      partitions: [],
    },
  ],
  [
    'cluster_status_3.10_text_disk_alarm.txt',
    stdoutOf('rabbitmq/cluster_status_3.10_text_disk_alarm.txt'),
    {
      node: 'rabbit1@localhost',
      members: ['rabbit1@localhost', 'rabbit2@localhost'],
      running: ['rabbit1@localhost', 'rabbit2@localhost'],
      stopped: [],
      alarms: ['disk@rabbit1@localhost'],
      partitions: [],
    },
  ],
  [
    'cluster_status_3.10_text_disk_and_memory_alarm.txt',
    stdoutOf('rabbitmq/cluster_status_3.10_text_disk_and_memory_alarm.txt'),
    {
      node: 'rabbit1@localhost',
      members: ['rabbit1@localhost', 'rabbit2@localhost'],
      running: ['rabbit1@localhost', 'rabbit2@localhost'],
      stopped: [],
      alarms: ['disk@rabbit1@localhost', 'memory@rabbit2@localhost'],
      partitions: [],
    },
  ],
  [
    'cluster_status_3.10_text_healthy.txt',
    stdoutOf('rabbitmq/cluster_status_3.10_text_healthy.txt'),
    { node: 'rabbit1@localhost', members: ['rabbit1@localhost'], running: ['rabbit1@localhost'], stopped: [], alarms: [], partitions: [] },
  ],
  [
    'cluster_status_3.10_text_one_node_down.txt',
    stdoutOf('rabbitmq/cluster_status_3.10_text_one_node_down.txt'),
    {
      node: 'rabbit1@localhost',
      members: ['rabbit1@localhost', 'rabbit2@localhost'],
      running: ['rabbit1@localhost'],
      stopped: ['rabbit2@localhost'],
      alarms: [],
      partitions: [],
    },
  ],
  [
    'cluster_status_3.10_text_two_nodes.txt',
    stdoutOf('rabbitmq/cluster_status_3.10_text_two_nodes.txt'),
    {
      node: 'rabbit1@localhost',
      members: ['rabbit1@localhost', 'rabbit2@localhost'],
      running: ['rabbit1@localhost', 'rabbit2@localhost'],
      stopped: [],
      alarms: [],
      partitions: [],
    },
  ],
  [
    'cluster_status_3.5_erlang_partition_UNATTRIBUTED.txt',
    stdoutOf('rabbitmq/cluster_status_3.5_erlang_partition_UNATTRIBUTED.txt'),
    {
      node: 'rabbit@server-45',
      members: ['rabbit@server-44', 'rabbit@server-45', 'rabbit@server-46'],
      running: ['rabbit@server-45'],
      stopped: ['rabbit@server-44', 'rabbit@server-46'],
      alarms: [],
      partitions: ['rabbit@server-45/rabbit@server-44,rabbit@server-46'],
    },
  ],
  [
    'cluster_status_3.6_erlang_terms_datadog.txt',
    stdoutOf('rabbitmq/cluster_status_3.6_erlang_terms_datadog.txt'),
    {
      node: 'rabbit@queue01',
      members: ['rabbit@queue01', 'rabbit@queue02'],
      running: ['rabbit@queue01', 'rabbit@queue02'],
      stopped: [],
      alarms: [],
      partitions: [],
    },
  ],
  [
    'cluster_status_3.6_from_report_openstack_controller.txt',
    stdoutOf('rabbitmq/cluster_status_3.6_from_report_openstack_controller.txt'),
    {
      node: 'rabbit@controller1',
      members: ['rabbit@controller0', 'rabbit@controller1', 'rabbit@controller2'],
      running: ['rabbit@controller0', 'rabbit@controller1', 'rabbit@controller2'],
      stopped: [],
      alarms: [],
      partitions: [],
    },
  ],
  [
    'cluster_status_3.6_one_node_down_autocluster66_TRUNCATED.txt',
    stdoutOf('rabbitmq/cluster_status_3.6_one_node_down_autocluster66_TRUNCATED.txt'),
    { unknown: true },
  ],
  [
    'cluster_status_3.8.26_json_go_test_literal_UNATTRIBUTED.json',
    stdoutOf('rabbitmq/cluster_status_3.8.26_json_go_test_literal_UNATTRIBUTED.json'),
    { node: undefined, members: ['rabbit@pam-rabbitmq'], running: ['rabbit@pam-rabbitmq'], stopped: [], alarms: [], partitions: [] },
  ],
  [
    'cluster_status_3.8_text_partial_issue3113.txt',
    stdoutOf('rabbitmq/cluster_status_3.8_text_partial_issue3113.txt'),
    {
      node: 'rab...@host3.localdomain',
      members: ['rab...@host1.localdomain', 'rab...@host2.localdomain', 'rab...@host3.localdomain'],
      running: ['rab...@host1.localdomain', 'rab...@host2.localdomain', 'rab...@host3.localdomain'],
      stopped: [],
      alarms: [],
      partitions: [],
    },
  ],
  [
    'cluster_status_3.9.20_text_issue5082.txt',
    stdoutOf('rabbitmq/cluster_status_3.9.20_text_issue5082.txt'),
    { node: 'rabbit@test-rabbitmq-0', members: ['rabbit@test-rabbitmq-0'], running: ['rabbit@test-rabbitmq-0'], stopped: [], alarms: [], partitions: [] },
  ],
  [
    'cluster_status_3.x_erlang_app_stopped_after_reset_UNATTRIBUTED.txt',
    stdoutOf('rabbitmq/cluster_status_3.x_erlang_app_stopped_after_reset_UNATTRIBUTED.txt'),
    { down: 'the rabbit app is stopped: cluster_status lists the members but no running nodes', node: 'rabbit@ctl01', state: 'app-stopped' },
  ],
  [
    'cluster_status_3.x_erlang_app_stopped_ram_node_UNATTRIBUTED.txt',
    stdoutOf('rabbitmq/cluster_status_3.x_erlang_app_stopped_ram_node_UNATTRIBUTED.txt'),
    { down: 'the rabbit app is stopped: cluster_status lists the members but no running nodes', node: 'rabbit@rabbit03', state: 'app-stopped' },
  ],
  [
    'cluster_status_3.x_erlang_partition_both_sides_UNATTRIBUTED.txt',
    stdoutOf('rabbitmq/cluster_status_3.x_erlang_partition_both_sides_UNATTRIBUTED.txt'),
    {
      node: 'rabbit@smacmullen',
      members: ['hare@smacmullen', 'rabbit@smacmullen'],
      running: ['hare@smacmullen', 'rabbit@smacmullen'],
      stopped: [],
      alarms: [],
      partitions: ['rabbit@smacmullen/hare@smacmullen', 'hare@smacmullen/rabbit@smacmullen'],
    },
  ],
  [
    'cluster_status_3.x_erlang_partition_ctl01_UNATTRIBUTED.txt',
    stdoutOf('rabbitmq/cluster_status_3.x_erlang_partition_ctl01_UNATTRIBUTED.txt'),
    {
      node: 'rabbit@ctl01',
      members: ['rabbit@ctl01', 'rabbit@ctl02', 'rabbit@ctl03'],
      running: ['rabbit@ctl01'],
      stopped: ['rabbit@ctl02', 'rabbit@ctl03'],
      alarms: [],
      partitions: ['rabbit@ctl01/rabbit@ctl02,rabbit@ctl03'],
    },
  ],
  [
    'cluster_status_3.x_osa_doc_first_example.txt',
    stdoutOf('rabbitmq/cluster_status_3.x_osa_doc_first_example.txt'),
    {
      node: 'rabbit@rabbit1',
      members: ['rabbit@rabbit1', 'rabbit@rabbit2'],
      running: ['rabbit@rabbit1', 'rabbit@rabbit2'],
      stopped: [],
      alarms: [],
      partitions: [],
    },
  ],
  ['cluster_status_4.1.2_erlang_issue14398_TRUNCATED.txt', stdoutOf('rabbitmq/cluster_status_4.1.2_erlang_issue14398_TRUNCATED.txt'), { unknown: true }],
  ['cluster_status_4.1.2_json_jq_values_issue14398.txt', stdoutOf('rabbitmq/cluster_status_4.1.2_json_jq_values_issue14398.txt'), { unknown: true }],
  [
    'cluster_status_4.1.2_text_excerpt_issue14398.txt',
    stdoutOf('rabbitmq/cluster_status_4.1.2_text_excerpt_issue14398.txt'),
    {
      node: undefined,
      members: ['rabbit@rabbitmq01', 'rabbit@rabbitmq02', 'rabbit@rabbitmq03'],
      running: ['rabbit@rabbitmq01', 'rabbit@rabbitmq02', 'rabbit@rabbitmq03'],
      stopped: [],
      alarms: [],
      partitions: [],
    },
  ],
  ['diagnostics_alarms_3.10_json_disk_alarm.json', stdoutOf('rabbitmq/diagnostics_alarms_3.10_json_disk_alarm.json'), { unknown: true }],
  [
    'doc_clustering_erlang_one_node_stopped.txt',
    stdoutOf('rabbitmq/doc_clustering_erlang_one_node_stopped.txt'),
    {
      node: 'rabbit@rabbit2',
      members: ['rabbit@rabbit1', 'rabbit@rabbit2', 'rabbit@rabbit3'],
      running: ['rabbit@rabbit2', 'rabbit@rabbit3'],
      stopped: ['rabbit@rabbit1'],
      alarms: [],
      partitions: [],
    },
  ],
  [
    'doc_clustering_erlang_two_nodes_stopped.txt',
    stdoutOf('rabbitmq/doc_clustering_erlang_two_nodes_stopped.txt'),
    {
      node: 'rabbit@rabbit2',
      members: ['rabbit@rabbit1', 'rabbit@rabbit2', 'rabbit@rabbit3'],
      running: ['rabbit@rabbit2'],
      stopped: ['rabbit@rabbit1', 'rabbit@rabbit3'],
      alarms: [],
      partitions: [],
    },
  ],
  [
    'hotsos_report_cluster_status_3.6.10_erlang.txt',
    stdoutOf('rabbitmq/hotsos_report_cluster_status_3.6.10_erlang.txt'),
    {
      node: 'rabbit@juju-52088b-2-lxd-10',
      members: ['rabbit@juju-52088b-0-lxd-11', 'rabbit@juju-52088b-1-lxd-11', 'rabbit@juju-52088b-2-lxd-10'],
      running: ['rabbit@juju-52088b-0-lxd-11', 'rabbit@juju-52088b-1-lxd-11', 'rabbit@juju-52088b-2-lxd-10'],
      stopped: [],
      alarms: [],
      partitions: [],
    },
  ],
  [
    'hotsos_report_cluster_status_3.8.2_text.txt',
    stdoutOf('rabbitmq/hotsos_report_cluster_status_3.8.2_text.txt'),
    {
      node: 'rabbit@juju-04f1e3-1-lxd-5',
      members: ['rabbit@juju-04f1e3-1-lxd-5'],
      running: ['rabbit@juju-04f1e3-1-lxd-5'],
      stopped: [],
      alarms: [],
      partitions: [],
    },
  ],
  [
    'node_down_3.10_probe_exit69.stderr',
    stderrOf('rabbitmq/node_down_3.10_probe_exit69.stderr', 69),
    {
      down: "Error: unable to perform an operation on node 'rabbit1@localhost'. Please see diagnostics information and suggestions below.",
      node: 'rabbit1@localhost',
      state: 'node-down',
    },
  ],
  [
    'rabbitmqctl_nodedown_error_3.x.txt',
    stdoutOf('rabbitmq/rabbitmqctl_nodedown_error_3.x.txt', 2),
    { down: 'Error: unable to connect to node rabbit@dprcclab002: nodedown', node: 'rabbit@dprcclab002', state: 'node-down' },
  ],
  [
    'stop_app_3.10_json',
    recordedOutput('rabbitmq/stop_app_3.10_json'),
    {
      down: "Error: this command requires the 'rabbit' app to be running on the target node. Start it with 'rabbitmqctl start_app'.",
      node: undefined,
      state: 'app-stopped',
    },
  ],
  [
    'stop_app_3.10_probe',
    recordedOutput('rabbitmq/stop_app_3.10_probe'),
    {
      down: "Error: this command requires the 'rabbit' app to be running on the target node. Start it with 'rabbitmqctl start_app'.",
      node: undefined,
      state: 'app-stopped',
    },
  ],
  [
    'stop_app_3.10_text',
    recordedOutput('rabbitmq/stop_app_3.10_text'),
    {
      down: "Error: this command requires the 'rabbit' app to be running on the target node. Start it with 'rabbitmqctl start_app'.",
      node: undefined,
      state: 'app-stopped',
    },
  ],
];

/** The two values issue rabbitmq-server#14398 quotes from `rabbitmqctl cluster_status --formatter json | jq`. */
function jqValuesOfIssue14398(): { running: unknown; disk: unknown } {
  const text = fixture('rabbitmq/cluster_status_4.1.2_json_jq_values_issue14398.txt');
  const [running, disk] = text
    .split(/^# .*$/m)
    .map((part) => part.trim())
    .filter((part) => part !== '')
    .map((part) => JSON.parse(part) as unknown);
  return { running, disk };
}

describe('rabbitmq-status on real rabbitmqctl outputs', () => {
  it.each(cases)('reads %s', (_name, output, reading) => {
    expect(rabbitReading(rabbitmqStatus.parse(output))).toEqual(reading);
  });
});

describe('rabbitmq-status on the 4.1.0-4.1.3 JSON, whose running_nodes is one joined string', () => {
  it('splits the running_nodes string issue #14398 quotes back into the disk nodes', () => {
    const { running, disk } = jqValuesOfIssue14398();
    expect(typeof running).toBe('string');
    const stdout = JSON.stringify({ disk_nodes: disk, ram_nodes: [], running_nodes: running, alarms: [], partitions: {} });
    expect(rabbitReading(rabbitmqStatus.parse({ stdout, stderr: '', exitCode: 0 }))).toEqual({
      node: undefined,
      members: ['rabbit@rabbitmq01', 'rabbit@rabbitmq02', 'rabbit@rabbitmq03'],
      running: ['rabbit@rabbitmq01', 'rabbit@rabbitmq02', 'rabbit@rabbitmq03'],
      stopped: [],
      alarms: [],
      partitions: [],
    });
  });

  it('names the member that is down when the joined string lacks it (3.10 JSON rewritten as 4.1.2 prints it)', () => {
    const doc = JSON.parse(fixture('rabbitmq/cluster_status_3.10_json_one_node_down.json')) as Record<string, unknown>;
    const joined = (doc['running_nodes'] as string[]).join('');
    const s = rabbitmqStatus.parse({ stdout: JSON.stringify({ ...doc, running_nodes: joined }), stderr: '', exitCode: 0 });
    expect(rabbitReading(s)).toMatchObject({ running: ['rabbit1@localhost'], stopped: ['rabbit2@localhost'] });
  });

  it('uses the versions and listeners maps to split names that are not disk or RAM members', () => {
    const doc = JSON.parse(fixture('rabbitmq/cluster_status_3.10_json_two_nodes.json')) as Record<string, unknown>;
    const joined = (doc['running_nodes'] as string[]).join('');
    const stdout = JSON.stringify({ ...doc, disk_nodes: [], running_nodes: joined });
    expect(rabbitReading(rabbitmqStatus.parse({ stdout, stderr: '', exitCode: 0 }))).toMatchObject({
      running: ['rabbit1@localhost', 'rabbit2@localhost'],
    });
  });

  it.each([
    ['names no member makes up', { disk_nodes: ['rabbit@a'], running_nodes: 'rabbit@arabbit@zz' }, 'not made of'],
    ['two ways to split', { disk_nodes: ['rabbit@b', 'carabbit@d', 'rabbit@bca', 'rabbit@d'], running_nodes: 'rabbit@bcarabbit@d' }, 'more than one way'],
    ['neither list nor string', { disk_nodes: ['rabbit@a'], running_nodes: 3 }, 'neither a list nor a string'],
  ])('gives unknown, not a guess, when the string %s', (_name, doc, reason) => {
    const stdout = JSON.stringify(doc);
    const r = rabbitmqStatus.parse({ stdout, stderr: '', exitCode: 0 });
    expect(r).toMatchObject({ kind: 'unknown', raw: stdout });
    if (r.kind === 'unknown') expect(r.reason).toContain(reason);
  });
});
