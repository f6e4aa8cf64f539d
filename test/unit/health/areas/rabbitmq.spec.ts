import { describe, expect, it } from 'vitest';
import { rabbitmqStatus } from '../../../../src/probes/rabbitmq-status.js';
import { areaReport, factHits, snapshotOf } from './fixture-snapshot.js';

/** Every controller's rabbitmqctl printed the same file (members report the whole cluster). */
const everywhere = (file: string) =>
  snapshotOf([[rabbitmqStatus, ['node-10', 'node-11', 'node-12'].map((node) => ({ node, stdout: `probes/rabbitmq/${file}` }))]]);

describe('RabbitMQ area (assessSnapshot on real rabbitmqctl 3.10 output)', () => {
  it('is ok on a healthy two-node cluster', () => {
    const r = areaReport(everywhere('cluster_status_3.10_json_two_nodes.json'), 'rabbitmq');
    expect(r.status).toBe('ok');
    expect(r.note).toBe('2 nodes running, no alarms, no partitions');
  });

  it('reports each alarm once, however many controllers print it, and its fact does the same', () => {
    const s = everywhere('cluster_status_3.10_json_disk_and_memory_alarm.json');
    const r = areaReport(s, 'rabbitmq');
    expect(r.problems.map((p) => p.summary)).toEqual([
      'memory alarm on rabbit2@localhost: publishers are blocked',
      'disk alarm on rabbit1@localhost: publishers are blocked',
    ]);
    const hits = factHits(s, 'rabbitmq-status/alarm');
    expect(hits.map((h) => h.fields)).toEqual([
      { kind: 'memory', rabbitNode: 'rabbit2@localhost' },
      { kind: 'disk', rabbitNode: 'rabbit1@localhost' },
    ]);
    expect(hits.map((h) => h.node)).toEqual(r.problems.map((p) => p.nodes[0]));
  });

  it('reads the text output the same way as the JSON', () => {
    const json = areaReport(everywhere('cluster_status_3.10_json_disk_alarm.json'), 'rabbitmq');
    const text = areaReport(everywhere('cluster_status_3.10_text_disk_alarm.txt'), 'rabbitmq');
    expect(text.problems).toEqual(json.problems);
  });

  it('names a stopped cluster member', () => {
    const r = areaReport(everywhere('cluster_status_3.10_json_one_node_down.json'), 'rabbitmq');
    expect(r.problems.map((p) => p.summary)).toEqual(['cluster member rabbit2@localhost is not running']);
  });

  it('says RabbitMQ is not running where rabbitmqctl cannot reach the node, and the node-down fact names the same node', () => {
    const s = snapshotOf([
      [
        rabbitmqStatus,
        [
          { node: 'node-10', stderr: 'probes/rabbitmq/node_down_3.10_probe_exit69.stderr', exitCode: 69 },
          { node: 'node-11', stdout: 'probes/rabbitmq/cluster_status_3.10_json_two_nodes.json' },
        ],
      ],
    ]);
    const r = areaReport(s, 'rabbitmq');
    expect(r.problems).toEqual([{ area: 'rabbitmq', severity: 'critical', nodes: ['node-10'], summary: 'RabbitMQ not running on node-10' }]);
    const hits = factHits(s, 'rabbitmq-status/node-down');
    expect(hits.map((h) => h.node)).toEqual(['node-10']);
    expect(hits[0]?.text).toMatch(/^Error: unable to perform an operation on node 'rabbit1@localhost'/);
    expect(factHits(s, 'rabbitmq-status/alarm')).toEqual([]);
  });
});

describe('RabbitMQ area: a stopped rabbit app is not a dead node', () => {
  it("says 'app stopped' where rabbitmqctl answers that the rabbit app must be running", () => {
    const s = snapshotOf([
      [
        rabbitmqStatus,
        [
          { node: 'node-10', stderr: 'probes/rabbitmq/stop_app_3.10_probe.stderr', exitCode: 64 },
          { node: 'node-11', stdout: 'probes/rabbitmq/cluster_status_3.10_json_two_nodes.json' },
        ],
      ],
    ]);
    const r = areaReport(s, 'rabbitmq');
    expect(r.status).toBe('problem');
    expect(r.problems).toEqual([
      { area: 'rabbitmq', severity: 'critical', nodes: ['node-10'], summary: 'RabbitMQ app stopped on node-10 (Erlang VM running)' },
    ]);
    expect(factHits(s, 'rabbitmq-status/node-down').map((h) => h.node)).toEqual(['node-10']);
  });
});
