import { describe, expect, it } from 'vitest';
import { Readable } from 'node:stream';
import { generateLog } from '../../../src/signatures/corpus.js';
import { LogMatcher } from '../../../src/signatures/matcher.js';
import { isLogSignature } from '../../../src/signatures/schema.js';
import { builtinCatalog, logFixture, matchAll } from './support.js';

/** [fixture file, signature, how many records of it fire it, a field it captures]. */
const POSITIVES: readonly [string, string, number, Record<string, string>][] = [
  ['seed/node-10_cinder-volume.log', 'root-disk-full', 2, {}],
  ['seed/rabbit@messaging-node-10.log', 'root-disk-full', 1, { freeBytes: '0', limit: '5000000' }],
  ['seed/rabbit@messaging-node-10.log', 'rabbit-disk-alarm', 2, { freeBytes: '0' }],
  ['seed/rabbit@messaging-node-10.log', 'rabbit-enospc-shutdown', 1, { path: '/var/lib/rabbitmq/mnesia/rabbit@messaging-node-10/recovery.dets' }],
  ['seed/rabbit@messaging-node-10.log', 'rabbit-stopped', 4, {}],
  ['seed/rabbit@messaging-node-10.log', 'rabbit-inconsistent-cluster', 1, { rabbitNode: 'rabbit@messaging-node-10', peer: 'rabbit@messaging-node-18' }],
  ['seed/amqp_unreachable_tab_format.log', 'amqp-unreachable', 3, { host: '192.168.0.5', port: '5673', retrySeconds: '5' }],
  ['seed/node-18_grep_req.txt', 'amqp-reconnected', 1, { host: '192.168.0.3', port: '5673' }],
  ['seed/node-18_grep_req.txt', 'cinder-image-too-large', 1, { imageId: 'c99a47d5-3f75-448b-bb6d-1c67134e11a3', imageGb: '100', volumeGb: '78' }],
  ['rabbitmq/old_format_3.6_disk_insufficient_alarm_crash_2017.log', 'rabbit-disk-alarm', 2, { freeBytes: '7900602368', limit: '8589934592' }],
  ['rabbitmq/new_format_3.9_disk_alarm_journald_2021.log', 'rabbit-disk-alarm', 2, { freeBytes: '14336000', limit: '50000000' }],
  ['rabbitmq/new_format_3.7_stop_then_inconsistent_cluster_2019.log', 'rabbit-stopped', 1, {}],
  ['rabbitmq/inconsistent_cluster_cli_errors.txt', 'rabbit-inconsistent-cluster', 4, { rabbitNode: 'rabbit@192.168.82.133', peer: 'rabbit@192.168.8.6' }],
  ['rabbitmq/startup_log_boot_failed.log', 'rabbit-boot-failed', 1, {}],
  ['rabbitmq/startup_err_node_start_failed.log', 'rabbit-boot-failed', 1, { reason: 'normal' }],
  ['indexed/rabbit_partition_new_format_doc.log', 'rabbit-partition', 1, { peer: 'rabbit@hostname2' }],
  ['indexed/rabbit_partition_old_format_doc_UNATTRIBUTED.log', 'rabbit-partition', 1, { peer: 'hare@smacmullen' }],
  ['indexed/rabbit_memory_alarm_old_format_UNATTRIBUTED.log', 'rabbit-memory-alarm', 2, { usedBytes: '7128316368', allowedBytes: '6640204185' }],
  [
    'indexed/rabbit_memory_alarm_new_format_UNATTRIBUTED.log',
    'rabbit-memory-alarm',
    1,
    { rabbitNode: 'rabbit@rmqlocal-0.rmqlocal.ankorabbitstatefulset0.svc.cluster.local' },
  ],
  ['indexed/rabbit_memory_alarm_cleared_old_format_UNATTRIBUTED.log', 'rabbit-memory-alarm-cleared', 1, { rabbitNode: 'rabbit@VM_2_12_centos' }],
  ['indexed/neutron_server_dead_agents_UNATTRIBUTED.log', 'neutron-agent-heartbeat-lost', 1, { deadAgents: '1', totalAgents: '5' }],
  ['indexed/ceph_cluster_log_mon_down_UNATTRIBUTED.log', 'ceph-mon-out-of-quorum', 1, { down: '1', total: '3', quorum: 'ceph-mon0,yumy' }],
  ['indexed/ceph_cluster_log_mon_down_UNATTRIBUTED.log', 'ceph-mon-quorum-restored', 1, {}],
  ['openstack/neutron_server_amqp_unreachable_2014.log', 'amqp-unreachable', 2, { host: '127.0.0.1', port: '5671', reason: '[Errno 111] ECONNREFUSED' }],
  ['openstack/neutron_amqp_unreachable_line_2017.log', 'amqp-unreachable', 1, { host: '192.168.236.10', retrySeconds: '2' }],
  [
    'openstack/nova_compute_libvirt_sock_trace_2014.log',
    'nova-compute-libvirt-socket',
    1,
    { socket: '/var/run/libvirt/libvirt-sock', reason: 'No such file or directory' },
  ],
  ['openstack/cinder_volume_enospc_dd_trace_2014.log', 'cinder-backend-full', 1, {}],
  ['galera/wsrep_non_primary_log_rpc_openstack.log', 'galera-non-primary', 5, {}],
  ['elastic-recheck/1251521.yaml', 'nova-compute-libvirt-socket', 1, { reason: 'Connection refused' }],
  ['elastic-recheck/1763382.yaml', 'nova-compute-libvirt-socket', 1, { reason: 'Permission denied' }],
  ['elastic-recheck/1311778.yaml', 'messaging-timeout', 1, {}],
  ['elastic-recheck/1315095.yaml', 'messaging-timeout', 1, {}],
];

describe('built-in signatures on real log lines', () => {
  it.each(POSITIVES)('%s fires %s', async (file, signature, count, fields) => {
    const findings = (await matchAll(logFixture(file))).filter((f) => f.signature === signature);
    expect(findings).toHaveLength(count);
    expect(findings.some((f) => Object.entries(fields).every(([k, v]) => f.fields[k] === v))).toBe(true);
  });

  /** Lines that share words with a signature but are not its failure. */
  const NEAR_MISSES: readonly [string, string][] = [
    ['2015-11-27 11:22:45.416 16656 INFO oslo.messaging._drivers.impl_rabbit [-] Connecting to AMQP server on 169.254.10.22:5672', 'amqp-unreachable'],
    ['2015-11-27 11:22:45.426 16656 INFO oslo.messaging._drivers.impl_rabbit [-] Connected to AMQP server on 169.254.10.22:5672', 'amqp-reconnected'],
    ['=INFO REPORT==== 14-Feb-2017::08:04:35 ===\nDisk free limit set to 5MB\n', 'rabbit-disk-alarm'],
    ['=INFO REPORT==== 14-Feb-2017::05:50:06 ===\nStopping RabbitMQ\n', 'rabbit-stopped'],
    [
      '2020-06-29 09:59:36.555 [info] <0.219.0> Memory high watermark set to 1864 MiB (1955258368 bytes) of 3729 MiB (3910516736 bytes) total',
      'rabbit-memory-alarm',
    ],
    ['2021-08-02 13:45:54.292539+00:00 [info] <0.295.0> Free disk space is insufficient. Free bytes: 14336000. Limit: 50000000', 'root-disk-full'],
    [
      '2020-05-30T00:51:00.129247+0200 mon.ceph-mon0 (mon.0) 27094 : cluster [WRN] overall HEALTH_WARN 1/3 mons down, quorum ceph-mon0,yumy',
      'ceph-mon-out-of-quorum',
    ],
    [
      '2020-05-30T00:51:11.180148+0200 mon.ceph-mon0 (mon.0) 27116 : cluster [WRN] Health check failed: mon cephpi is low on available space (MON_DISK_LOW)',
      'ceph-mon-out-of-quorum',
    ],
    ['160609 10:59:52 [Note] WSREP: New COMPONENT: primary = no, bootstrap = no, my_idx = 0, memb_num = 1', 'galera-non-primary'],
    [
      '2019-11-25 10:49:19.037 21 ERROR oslo_messaging.notify.messaging   File "/var/lib/kolla/venv/local/lib/python2.7/site-packages/oslo_messaging/_drivers/amqpdriver.py", line 552, in _send',
      'amqp-unreachable',
    ],
    ['2016-11-10 09:59:36.226 1453 DEBUG neutron.db.agents_db [-] Agent healthcheck: found 5 active agents', 'neutron-agent-heartbeat-lost'],
  ];
  it.each(NEAR_MISSES)('does not fire on %s', async (text, signature) => {
    expect((await matchAll(text)).filter((f) => f.signature === signature)).toEqual([]);
  });

  it('fires nothing on ordinary nova logs (loghub sample) and startup banners', async () => {
    for (const file of [
      'openstack/loghub_OpenStack_2k.head120.log',
      'rabbitmq/new_format_3.7_startup_disk_monitor_2020.log',
      'rabbitmq/old_format_3.6_disk_free_limit_2016.log',
      'openstack/cinder_volume_amqp_connect_2015.log',
    ]) {
      expect(await matchAll(logFixture(file)), file).toEqual([]);
    }
  });

  it("recognises the disk alarm cleared line built from RabbitMQ's format string (constructed)", async () => {
    const text = "=WARNING REPORT==== 14-Feb-2017::09:12:01 ===\ndisk resource limit alarm cleared on node 'rabbit@messaging-node-10'\n";
    const [finding] = await matchAll(text);
    expect(finding).toMatchObject({ signature: 'rabbit-disk-alarm-cleared', fields: { rabbitNode: 'rabbit@messaging-node-10' } });
  });

  it('keeps a partial-partition report together across its lines (real body, constructed header)', async () => {
    const text = `=ERROR REPORT==== 16-Oct-2017::18:20:55 ===\n${logFixture('indexed/rabbit_partial_partition_body_UNATTRIBUTED.txt')}`;
    const findings = await matchAll(text);
    expect(findings).toEqual([
      expect.objectContaining({ signature: 'rabbit-partition', line: 1, fields: { peer: 'rabbit@node6' }, time: '2017-10-16T18:20:55.000Z' }),
    ]);
  });
});

describe('records', () => {
  it('reports an old-format report at its header line, with the header time', async () => {
    const findings = await matchAll(logFixture('seed/rabbit@messaging-node-10.log'));
    const enospc = findings.find((f) => f.signature === 'rabbit-enospc-shutdown');
    expect(enospc).toMatchObject({ line: 37, time: '2017-02-14T05:50:01.000Z' });
    expect(enospc?.text).toBe(
      '=ERROR REPORT==== 14-Feb-2017::05:50:01 === … file_error,"/var/lib/rabbitmq/mnesia/rabbit@messaging-node-10/recovery.dets", enospc',
    );
    const inconsistent = findings.find((f) => f.signature === 'rabbit-inconsistent-cluster');
    expect(inconsistent?.time).toBe('2017-02-14T08:04:28.000Z');
  });

  it('joins untimestamped continuation lines to the timestamped line before them', async () => {
    const findings = await matchAll(logFixture('seed/node-18_grep_req.txt').replace(/^cinder-(?:scheduler|volume)\.log:/gm, ''));
    expect(findings.find((f) => f.signature === 'root-disk-full')).toMatchObject({ line: 1, time: '2017-02-14T10:35:53.231Z' });
  });

  it('finds the same records whatever the chunk size', async () => {
    const { signatures } = await builtinCatalog();
    const { text } = generateLog_('rabbit-old', 300_000);
    const scan = async (chunkBytes: number) => {
      const matcher = new LogMatcher(signatures.filter(isLogSignature), { chunkBytes });
      const chunks: Buffer[] = [];
      const bytes = Buffer.from(text);
      for (let i = 0; i < bytes.length; i += chunkBytes) chunks.push(bytes.subarray(i, i + chunkBytes));
      return matcher.scanStream(Readable.from(chunks), { node: 'node-1', file: '/var/log/rabbitmq/x.log' });
    };
    const whole = await scan(1 << 20);
    expect(whole.length).toBeGreaterThan(0);
    expect(await scan(97)).toEqual(whole);
    expect(await scan(4096)).toEqual(whole);
  });

  it('cuts lines longer than maxLineBytes and goes on', async () => {
    const { signatures } = await builtinCatalog();
    const matcher = new LogMatcher(signatures.filter(isLogSignature), { chunkBytes: 1024, maxLineBytes: 4096 });
    const text = `${'x'.repeat(50_000)}\n2017-02-14 10:35:53.066 6225 ERROR cinder.volume.manager IOError: [Errno 28] No space left on device\n`;
    const bytes = Buffer.from(text);
    const chunks = Array.from({ length: Math.ceil(bytes.length / 1024) }, (_, i) => bytes.subarray(i * 1024, (i + 1) * 1024));
    const findings = await matcher.scanStream(Readable.from(chunks), { node: 'node-10', file: '/var/log/cinder/cinder-volume.log' });
    expect(findings).toEqual([expect.objectContaining({ signature: 'root-disk-full', line: 2 })]);
    expect(matcher.stats.truncatedLines).toBe(1);
    expect(matcher.stats.maxBufferedBytes).toBeLessThan(16_384);
  });
});

function generateLog_(kind: 'rabbit-old', bytes: number): { text: string; expected: Readonly<Record<string, number>> } {
  const parts: string[] = [];
  const summary = generateLog(kind, 'node-1', bytes, (b) => parts.push(b), { seed: 5, signatureEvery: 50 });
  return { text: parts.join(''), expected: summary.expected };
}

describe('bounded memory', () => {
  it('scans 50 MB holding at most a chunk plus a record', async () => {
    const { signatures } = await builtinCatalog();
    const matcher = new LogMatcher(signatures.filter(isLogSignature), { chunkBytes: 256 << 10 });
    const expected: Record<string, number> = {};
    async function* blocks(): AsyncGenerator<string> {
      const queue: string[] = [];
      const summary = generateLog('rabbit-old', 'node-1', 50 << 20, (b) => queue.push(b), { seed: 9, blockBytes: 1 << 20 });
      Object.assign(expected, summary.expected);
      yield* queue;
    }
    const counts: Record<string, number> = {};
    await matcher.scanStream(Readable.from(blocks()), { node: 'node-1', file: '/var/log/rabbitmq/rabbit@node-1.log' }, (f) => {
      counts[f.signature] = (counts[f.signature] ?? 0) + 1;
    });
    expect(matcher.stats.bytes).toBeGreaterThanOrEqual(50 << 20);
    expect(counts).toEqual(expected);
    // Chunks from the generator are ~1 MiB; one chunk plus the carried record (<= 64 KiB).
    expect(matcher.stats.maxBufferedBytes).toBeLessThanOrEqual((1 << 20) + (64 << 10) + 4096);
  });
});
