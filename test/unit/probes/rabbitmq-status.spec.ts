import { describe, expect, it } from 'vitest';
import { rabbitmqStatus, type RabbitClusterRunning, type RabbitClusterStatus } from '../../../src/probes/rabbitmq-status.js';
import { fixture, okValue, stderrOf, stdoutOf } from './fixtures.js';
import { ShellScript } from '../../../src/ssh/shell.js';
import { inContainer } from '../../../src/deployment/container-script.js';

function running(status: RabbitClusterStatus): RabbitClusterRunning {
  if (!status.running) throw new Error(`expected a running node, got: ${status.message}`);
  return status;
}

const parse = (path: string): RabbitClusterRunning => running(okValue(rabbitmqStatus.parse(stdoutOf(`rabbitmq/${path}`))));

describe('rabbitmq-status', () => {
  it('runs the agreed command: JSON first, text for old rabbitmqctl', () => {
    // Inside kolla's rabbitmq container when the node has one, on the host otherwise.
    const classic = 'rabbitmqctl cluster_status --formatter json 2>/dev/null || rabbitmqctl cluster_status';
    expect(rabbitmqStatus.command.script.text).toBe(inContainer('rabbitmq', ShellScript.raw(classic)).text);
    expect(rabbitmqStatus.command.script.text).toMatch(
      /^if docker container inspect rabbitmq >\/dev\/null 2>&1; then .*docker exec rabbitmq sh -c 'rabbitmqctl cluster_status/,
    );
    expect(rabbitmqStatus.command.script.text.endsWith(`; else ${classic}; fi`)).toBe(true);
    expect(rabbitmqStatus.command.privileged).toBe(true);
    expect(rabbitmqStatus.scope).toBe('node');
  });

  it.each([
    ['cluster_status_3.10_json_healthy.json', 'json'],
    ['cluster_status_3.10_text_healthy.txt', 'text'],
  ] as const)('reads a healthy single node from RabbitMQ 3.10 (%s)', (path, format) => {
    const s = parse(path);
    expect(s).toMatchObject({
      format,
      clusterName: 'rabbit1@vm',
      diskNodes: ['rabbit1@localhost'],
      ramNodes: [],
      runningNodes: ['rabbit1@localhost'],
      stoppedNodes: [],
      partitions: [],
      alarms: [],
    });
    expect(s.listeners).toContainEqual({ node: 'rabbit1@localhost', protocol: 'amqp', port: 5673, interface: '[::]' });
  });

  it.each(['cluster_status_3.10_json_two_nodes.json', 'cluster_status_3.10_text_two_nodes.txt'])('reads a two-node cluster (%s)', (path) => {
    const s = parse(path);
    expect([...s.runningNodes].sort()).toEqual(['rabbit1@localhost', 'rabbit2@localhost']);
    expect(
      s.listeners
        .filter((l) => l.protocol === 'amqp')
        .map((l) => l.port)
        .sort(),
    ).toEqual([5673, 5674]);
  });

  it.each(['cluster_status_3.10_json_disk_alarm.json', 'cluster_status_3.10_text_disk_alarm.txt'])('reports a real disk alarm (%s)', (path) => {
    expect(parse(path).alarms).toEqual([{ node: 'rabbit1@localhost', kind: 'disk', resource: 'disk' }]);
  });

  it.each(['cluster_status_3.10_json_disk_and_memory_alarm.json', 'cluster_status_3.10_text_disk_and_memory_alarm.txt'])(
    'reports disk and memory alarms on different nodes (%s)',
    (path) => {
      expect(parse(path).alarms).toEqual(
        expect.arrayContaining([
          { node: 'rabbit1@localhost', kind: 'disk', resource: 'disk' },
          { node: 'rabbit2@localhost', kind: 'memory', resource: 'memory' },
        ]),
      );
    },
  );

  it.each(['cluster_status_3.10_json_one_node_down.json', 'cluster_status_3.10_text_one_node_down.txt'])(
    'names the cluster member that is not running (%s)',
    (path) => {
      const s = parse(path);
      expect(s.runningNodes).toEqual(['rabbit1@localhost']);
      expect(s.stoppedNodes).toEqual(['rabbit2@localhost']);
    },
  );

  it('reads the 3.8 text layout pasted in a GitHub issue', () => {
    const s = parse('cluster_status_3.8_text_partial_issue3113.txt');
    expect(s.format).toBe('text');
    expect(s.runningNodes).toHaveLength(3);
    expect(s.diskNodes).toEqual(s.runningNodes);
  });

  it.each([
    ['cluster_status_3.6_erlang_terms_datadog.txt', 'rabbit@queue01', ['rabbit@queue01', 'rabbit@queue02']],
    ['cluster_status_3.6_from_report_openstack_controller.txt', 'rabbit@controller1', ['rabbit@controller0', 'rabbit@controller1', 'rabbit@controller2']],
    ['cluster_status_3.x_osa_doc_first_example.txt', 'rabbit@rabbit1', ['rabbit@rabbit1', 'rabbit@rabbit2']],
  ])('reads the old Erlang-term format (%s)', (path, node, disk) => {
    const s = parse(path);
    expect(s.format).toBe('erlang');
    expect(s.node).toBe(node);
    expect(s.diskNodes).toEqual(disk);
    expect([...s.runningNodes].sort()).toEqual(disk);
    expect(s.alarms).toEqual([]);
  });

  it('reads Erlang-term alarms and partitions', () => {
    const stdout = [
      "Cluster status of node 'rabbit@node-10' ...",
      "[{nodes,[{disc,['rabbit@node-10','rabbit@node-11']}]},",
      " {running_nodes,['rabbit@node-10']},",
      ' {cluster_name,<<"rabbit@node-10">>},',
      " {partitions,[{'rabbit@node-10',['rabbit@node-11']}]},",
      " {alarms,[{'rabbit@node-10',[disk]}]}]",
    ].join('\n');
    const s = running(okValue(rabbitmqStatus.parse({ stdout, stderr: '', exitCode: 0 })));
    expect(s.alarms).toEqual([{ node: 'rabbit@node-10', kind: 'disk', resource: 'disk' }]);
    expect(s.partitions).toEqual([{ node: 'rabbit@node-10', partitionedFrom: ['rabbit@node-11'] }]);
    expect(s.stoppedNodes).toEqual(['rabbit@node-11']);
  });

  it('reports a stopped node (RabbitMQ 3.10, exit code 69) as not running', () => {
    const s = okValue(rabbitmqStatus.parse(stderrOf('rabbitmq/node_down_3.10_probe_exit69.stderr', 69)));
    expect(s).toEqual({
      running: false,
      state: 'node-down',
      node: 'rabbit1@localhost',
      message: "Error: unable to perform an operation on node 'rabbit1@localhost'. Please see diagnostics information and suggestions below.",
    });
  });

  it('reports the older "nodedown" error as not running', () => {
    const s = okValue(rabbitmqStatus.parse(stdoutOf('rabbitmq/rabbitmqctl_nodedown_error_3.x.txt', 2)));
    expect(s).toEqual({
      running: false,
      state: 'node-down',
      node: 'rabbit@dprcclab002',
      message: 'Error: unable to connect to node rabbit@dprcclab002: nodedown',
    });
  });

  it('gives unknown for output cut in the middle of the Erlang term', () => {
    const result = rabbitmqStatus.parse(stdoutOf('rabbitmq/cluster_status_3.6_one_node_down_autocluster66_TRUNCATED.txt'));
    expect(result.kind).toBe('unknown');
    if (result.kind === 'unknown') expect(result.raw).toBe(fixture('rabbitmq/cluster_status_3.6_one_node_down_autocluster66_TRUNCATED.txt'));
  });

  it.each([
    ['empty output', ''],
    ['garbage', 'Killed\n'],
    ['JSON of something else', '{"result":"ok"}\n'],
    ['the diagnostics alarms JSON', fixture('rabbitmq/diagnostics_alarms_3.10_json_disk_alarm.json')],
  ])('gives unknown with the raw text kept for %s', (_name, stdout) => {
    const result = rabbitmqStatus.parse({ stdout, stderr: '', exitCode: 0 });
    expect(result.kind).toBe('unknown');
    if (result.kind === 'unknown') expect(result.raw).toBe(stdout);
  });
});
