import { closeSync, mkdirSync, openSync, writeSync } from 'node:fs';
import { dirname, join } from 'node:path';

/**
 * Deterministic log corpus for benchmarks and memory tests: real line shapes (the seed incident's
 * and the public fixtures'), varied timestamps, ids and hosts, with signature records sprinkled
 * at known places. The generator declares which signatures each sprinkled record fires, so the
 * expected finding counts are known without running the matcher.
 */

/** Log formats the generator writes. */
export type CorpusLogKind = 'rabbit-old' | 'rabbit-new' | 'oslo' | 'galera' | 'ceph';

/** Options of `generateLogText` and `writeCorpus`. */
export interface CorpusOptions {
  /** PRNG seed: the same seed and size give the same bytes. Default 1. */
  readonly seed?: number;
  /** One sprinkled signature record every this many records (on average). Default 2000. */
  readonly signatureEvery?: number;
}

/** What was generated and which findings a correct matcher reports on it. */
export interface CorpusSummary {
  readonly bytes: number;
  readonly records: number;
  /** Expected findings per signature id. */
  readonly expected: Readonly<Record<string, number>>;
}

/** One generated file of a corpus directory. */
export interface CorpusFile extends CorpusSummary {
  readonly node: string;
  /** Absolute path of the log on its node. */
  readonly path: string;
}

/** A whole corpus directory laid out as `<node>/<absolute log path>`. */
export interface CorpusLayout extends CorpusSummary {
  readonly files: readonly CorpusFile[];
}

type Rand = () => number;

/** mulberry32: tiny, fast, and good enough to vary log fields deterministically. */
function prng(seed: number): Rand {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const pad = (n: number, w = 2): string => String(n).padStart(w, '0');
const hex = (r: Rand, n: number): string => {
  let s = '';
  for (let i = 0; i < n; i++) s += '0123456789abcdef'[Math.floor(r() * 16)];
  return s;
};
const uuid = (r: Rand): string => `${hex(r, 8)}-${hex(r, 4)}-${hex(r, 4)}-${hex(r, 4)}-${hex(r, 12)}`;
const int = (r: Rand, lo: number, hi: number): number => lo + Math.floor(r() * (hi - lo + 1));
const ip = (r: Rand): string => `192.168.${int(r, 0, 3)}.${int(r, 2, 250)}`;
const pid = (r: Rand): string => `<0.${int(r, 100, 30000)}.${int(r, 0, 9)}>`;
const req = (r: Rand): string => `req-${uuid(r)}`;

/** Clock of one file: advances a few hundred ms per record. */
class Clock {
  ms: number;
  constructor(r: Rand) {
    this.ms = Date.UTC(2017, 1, 14, 0, 0, 0) + Math.floor(r() * 3_600_000);
  }
  tick(r: Rand): Date {
    this.ms += int(r, 1, 900);
    return new Date(this.ms);
  }
}

const iso = (d: Date, sep = ' '): string =>
  `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}${sep}${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}`;
const isoMs = (d: Date): string => `${iso(d)}.${pad(d.getUTCMilliseconds(), 3)}`;
const erlang = (d: Date): string =>
  `${d.getUTCDate()}-${MONTHS[d.getUTCMonth()]}-${d.getUTCFullYear()}::${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}`;

interface Template {
  /** Signature ids the record fires (empty for noise). */
  readonly fires: readonly string[];
  /**
   * Signatures with a counting threshold the record also matches: diagnose reports them only in
   * numbers the sparse sprinkling never reaches, so they are not expected findings.
   */
  readonly counted?: readonly string[];
  render(r: Rand, d: Date, node: string): string;
}

const oslo = (d: Date, r: Rand, level: string, logger: string, msg: string): string =>
  `${isoMs(d)} ${int(r, 1000, 32000)} ${level} ${logger} [${req(r)} ${hex(r, 32)} ${hex(r, 32)} - - -] ${msg}\n`;

const NOISE: Readonly<Record<CorpusLogKind, readonly Template[]>> = {
  'rabbit-old': [
    {
      fires: [],
      render: (r, d) => `=INFO REPORT==== ${erlang(d)} ===\naccepting AMQP connection ${pid(r)} (${ip(r)}:${int(r, 30000, 60000)} -> ${ip(r)}:5673)\n\n`,
    },
    {
      fires: [],
      render: (r, d) =>
        `=WARNING REPORT==== ${erlang(d)} ===\nclosing AMQP connection ${pid(r)} (${ip(r)}:${int(r, 30000, 60000)} -> ${ip(r)}:5673):\nconnection_closed_abruptly\n\n`,
    },
    { fires: [], render: (_r, d) => `=INFO REPORT==== ${erlang(d)} ===\nDisk free limit set to 5MB\n\n` },
  ],
  'rabbit-new': [
    { fires: [], render: (r, d) => `${isoMs(d)} [info] ${pid(r)} accepting AMQP connection ${pid(r)} (${ip(r)}:${int(r, 30000, 60000)} -> ${ip(r)}:5672)\n` },
    {
      fires: [],
      render: (r, d) =>
        `${isoMs(d)} [info] ${pid(r)} connection ${pid(r)} (${ip(r)}:${int(r, 30000, 60000)} -> ${ip(r)}:5672): user 'nova' authenticated and granted access to vhost '/'\n`,
    },
    { fires: [], render: (r, d) => `${isoMs(d)} [info] ${pid(r)} Disk free limit set to 50MB\n` },
  ],
  oslo: [
    {
      fires: [],
      render: (r, d) =>
        oslo(
          d,
          r,
          'INFO',
          'nova.osapi_compute.wsgi.server',
          `${ip(r)} "GET /v2/${hex(r, 32)}/servers/detail HTTP/1.1" status: 200 len: 1893 time: 0.${int(r, 1000000, 9999999)}`,
        ),
    },
    { fires: [], render: (r, d) => oslo(d, r, 'INFO', 'nova.compute.manager', `[instance: ${uuid(r)}] VM Started (Lifecycle Event)`) },
    {
      fires: [],
      render: (r, d) =>
        `${isoMs(d)} ${int(r, 1000, 32000)} INFO nova.compute.resource_tracker [-] Final resource view: name=cp-${int(r, 1, 9)}.example.org phys_ram=64172MB used_ram=2560MB phys_disk=15GB used_disk=20GB total_vcpus=16 used_vcpus=1 pci_stats=[]\n`,
    },
    {
      fires: [],
      render: (r, d) => `${isoMs(d)} ${int(r, 1000, 32000)} INFO oslo.messaging._drivers.impl_rabbit [-] Connecting to AMQP server on ${ip(r)}:5673\n`,
    },
    {
      fires: [],
      render: (r, d) =>
        `${isoMs(d)} ${int(r, 1000, 32000)} DEBUG cinder.manager [-] Notifying Schedulers of capabilities ... _publish_service_capabilities /usr/lib/python2.7/site-packages/cinder/manager.py:128\n`,
    },
  ],
  galera: [
    { fires: [], render: (_r, d) => `${galera(d)} [Note] WSREP: Flow-control interval: [16, 16]\n` },
    { fires: [], render: (_r, d) => `${galera(d)} [Note] WSREP: wsrep_notify_cmd is not defined, skipping notification.\n` },
    { fires: [], render: (r, d) => `${galera(d)} [Note] WSREP: New COMPONENT: primary = yes, bootstrap = no, my_idx = ${int(r, 0, 2)}, memb_num = 3\n` },
  ],
  ceph: [
    {
      fires: [],
      render: (r, d) =>
        `${iso(d, 'T')}.${pad(int(r, 0, 999999), 6)}+0000 mon.a (mon.0) ${int(r, 1, 99999)} : cluster [INF] pgmap v${int(r, 1, 99999)}: 16 pgs: 16 active+clean; 2.19K data\n`,
    },
    { fires: [], render: (r, d) => `${iso(d, 'T')}.${pad(int(r, 0, 999999), 6)}+0000 mon.a (mon.0) ${int(r, 1, 99999)} : cluster [INF] overall HEALTH_OK\n` },
  ],
};

function galera(d: Date): string {
  return `${pad(d.getUTCFullYear() % 100)}${pad(d.getUTCMonth() + 1)}${pad(d.getUTCDate())} ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}`;
}

const rabbitNode = (node: string): string => `rabbit@messaging-${node}`;

const SIGNATURE_RECORDS: Readonly<Record<CorpusLogKind, readonly Template[]>> = {
  'rabbit-old': [
    {
      fires: ['root-disk-full', 'rabbit-disk-alarm'],
      render: (_r, d) => `=INFO REPORT==== ${erlang(d)} ===\nDisk free space insufficient. Free bytes:0 Limit:5000000\n\n`,
    },
    {
      fires: ['rabbit-disk-alarm'],
      render: (_r, d, n) =>
        `=WARNING REPORT==== ${erlang(d)} ===\ndisk resource limit alarm set on node '${rabbitNode(n)}'.\n\n**********************************************************\n*** Publishers will be blocked until this alarm clears ***\n**********************************************************\n\n`,
    },
    {
      fires: ['rabbit-memory-alarm'],
      render: (r, d) => `=INFO REPORT==== ${erlang(d)} ===\nvm_memory_high_watermark set. Memory used:${int(r, 7e9, 8e9)} allowed:6640204185\n\n`,
    },
    { fires: ['rabbit-stopped'], render: (_r, d) => `=INFO REPORT==== ${erlang(d)} ===\nStopped RabbitMQ application\n\n` },
    {
      fires: ['rabbit-enospc-shutdown'],
      render: (r, d, n) =>
        `=ERROR REPORT==== ${erlang(d)} ===\n** Generic server ${pid(r)} terminating\n** Last message in was {'EXIT',${pid(r)},shutdown}\n** When Server state == undefined\n** Reason for termination ==\n** {{badmatch,{error,{file_error,"/var/lib/rabbitmq/mnesia/${rabbitNode(n)}/recovery.dets",\n                                 enospc}}},\n    [{rabbit_recovery_terms,flush,0,\n                            [{file,"src/rabbit_recovery_terms.erl"},\n                             {line,134}]}]}\n\n`,
    },
    {
      fires: ['rabbit-inconsistent-cluster'],
      render: (r, d, n) =>
        `=INFO REPORT==== ${erlang(d)} ===\nError description:\n   {error,{inconsistent_cluster,"Node '${rabbitNode(n)}' thinks it's clustered with node 'rabbit@messaging-node-${int(r, 11, 19)}', but 'rabbit@messaging-node-18' disagrees"}}\n\nLog files (may contain more information):\n   /var/log/rabbitmq/${rabbitNode(n)}.log\n\n`,
    },
    {
      fires: ['rabbit-partition'],
      render: (r, d, n) =>
        `=ERROR REPORT==== ${erlang(d)} ===\nMnesia('${rabbitNode(n)}'): ** ERROR ** mnesia_event got\n    {inconsistent_database, running_partitioned_network, 'rabbit@messaging-node-${int(r, 11, 19)}'}\n\n`,
    },
  ],
  'rabbit-new': [
    {
      fires: ['rabbit-disk-alarm'],
      render: (r, d) => `${isoMs(d)} [info] ${pid(r)} Free disk space is insufficient. Free bytes: ${int(r, 1, 49_000_000)}. Limit: 50000000\n`,
    },
    { fires: ['rabbit-disk-alarm'], render: (r, d, n) => `${isoMs(d)} [warning] ${pid(r)} disk resource limit alarm set on node ${rabbitNode(n)}.\n` },
    { fires: ['rabbit-memory-alarm'], render: (r, d, n) => `${isoMs(d)} [warning] ${pid(r)} memory resource limit alarm set on node '${rabbitNode(n)}'.\n` },
    { fires: ['rabbit-stopped'], render: (r, d) => `${isoMs(d)} [info] ${pid(r)} Successfully stopped RabbitMQ and its dependencies\n` },
    {
      fires: ['rabbit-partition'],
      render: (r, d, n) =>
        `${isoMs(d)} [error] ${pid(r)} Mnesia(${rabbitNode(n)}): ** ERROR ** mnesia_event got {inconsistent_database, running_partitioned_network, rabbit@messaging-node-${int(r, 11, 19)}}\n`,
    },
  ],
  oslo: [
    {
      fires: ['amqp-unreachable'],
      render: (r, d) =>
        `${isoMs(d)} ${int(r, 1000, 32000)} ERROR oslo.messaging._drivers.impl_rabbit [${req(r)} - - - - -] AMQP server on ${ip(r)}:5673 is unreachable: [Errno 32] Broken pipe. Trying again in 5 seconds.\n`,
    },
    {
      fires: ['amqp-unreachable'],
      render: (r, d) =>
        `${iso(d)}\tERR\toslo.messaging._drivers.impl_rabbit [${req(r)} - - - - -] AMQP server on ${ip(r)}:5673 is unreachable: [Errno 32] Broken pipe. Trying again in 5 seconds.\n`,
    },
    {
      fires: ['amqp-reconnected'],
      counted: ['amqp-reconnect-storm'],
      render: (r, d) => oslo(d, r, 'INFO', 'oslo.messaging._drivers.impl_rabbit', `Reconnected to AMQP server on ${ip(r)}:5673`),
    },
    {
      fires: ['root-disk-full'],
      render: (r, d) => `${isoMs(d)} ${int(r, 1000, 32000)} ERROR cinder.volume.manager IOError: [Errno 28] No space left on device\n`,
    },
    {
      fires: ['cinder-image-too-large'],
      render: (r, d) =>
        oslo(
          d,
          r,
          'ERROR',
          'oslo_messaging.rpc.dispatcher',
          `Exception during message handling: Image ${uuid(r)} is unacceptable: Size is ${int(r, 80, 200)}GB and doesn't fit in a volume of size ${int(r, 10, 79)}GB.`,
        ),
    },
    {
      fires: ['nova-compute-libvirt-socket'],
      render: (r, d) =>
        `${isoMs(d)} ${int(r, 1000, 32000)} ERROR nova.compute.manager [-] Connection to libvirt failed: Failed to connect socket to '/var/run/libvirt/libvirt-sock': No such file or directory\n`,
    },
    {
      fires: ['neutron-agent-heartbeat-lost'],
      render: (r, d) => oslo(d, r, 'WARNING', 'neutron.db.agents_db', `Agent healthcheck: found ${int(r, 1, 9)} dead agents out of 12:`),
    },
    {
      fires: ['messaging-timeout'],
      render: (r, d) => oslo(d, r, 'ERROR', 'nova.compute.manager', `MessagingTimeout: Timed out waiting for a reply to message ID ${hex(r, 32)}`),
    },
  ],
  galera: [{ fires: ['galera-non-primary'], render: (_r, d) => `${galera(d)} [Note] WSREP: Received NON-PRIMARY.\n` }],
  ceph: [
    {
      fires: ['ceph-mon-out-of-quorum'],
      render: (r, d) =>
        `${iso(d, 'T')}.${pad(int(r, 0, 999999), 6)}+0000 mon.a (mon.0) ${int(r, 1, 99999)} : cluster [WRN] Health check failed: 1/3 mons down, quorum a,b (MON_DOWN)\n`,
    },
    {
      // All monitors back: the quorum is restored, and no monitor is left probing.
      fires: ['ceph-mon-quorum-restored', 'ceph-mon-probing-ended'],
      render: (r, d) =>
        `${iso(d, 'T')}.${pad(int(r, 0, 999999), 6)}+0000 mon.a (mon.0) ${int(r, 1, 99999)} : cluster [INF] Health check cleared: MON_DOWN (was: 1/3 mons down, quorum a,b)\n`,
    },
  ],
};

/**
 * The signature records a kind can hold, for tests that check the generator's declarations:
 * `fires` is every signature the record matches, counted ones included.
 */
export function corpusSignatureTemplates(kind: CorpusLogKind): readonly { fires: readonly string[]; text: string }[] {
  const r = prng(7);
  return SIGNATURE_RECORDS[kind].map((t) => ({
    fires: [...t.fires, ...(t.counted ?? [])],
    text: t.render(r, new Date(Date.UTC(2017, 1, 14, 5, 49, 45)), 'node-10'),
  }));
}

/**
 * Generates `bytes` (at least) of one log kind in blocks, calling `write` with each block of about
 * `blockBytes`, so callers can stream gigabytes without holding them.
 */
export function generateLog(
  kind: CorpusLogKind,
  node: string,
  bytes: number,
  write: (block: string) => void,
  options: CorpusOptions & { blockBytes?: number; only?: readonly string[] } = {},
): CorpusSummary {
  const r = prng(options.seed ?? 1);
  const every = options.signatureEvery ?? 2000;
  const blockBytes = options.blockBytes ?? 1 << 20;
  const clock = new Clock(r);
  const noise = NOISE[kind];
  // A signature record only goes where its signatures look, or nobody would find it.
  const signal = SIGNATURE_RECORDS[kind].filter((t) => !options.only || t.fires.every((id) => options.only?.includes(id)));
  const expected: Record<string, number> = {};
  let written = 0;
  let records = 0;
  let block = '';
  while (written + block.length < bytes) {
    const d = clock.tick(r);
    let template: Template;
    if (signal.length > 0 && r() * every < 1) {
      template = signal[Math.floor(r() * signal.length)] as Template;
      for (const id of template.fires) expected[id] = (expected[id] ?? 0) + 1;
    } else {
      template = noise[Math.floor(r() * noise.length)] as Template;
    }
    block += template.render(r, d, node);
    records++;
    if (block.length >= blockBytes) {
      write(block);
      written += block.length;
      block = '';
    }
  }
  if (block.length > 0) {
    write(block);
    written += block.length;
  }
  return { bytes: written, records, expected };
}

/** Generates one log kind in memory (small sizes: tests). */
export function generateLogText(kind: CorpusLogKind, node: string, bytes: number, options: CorpusOptions = {}): CorpusSummary & { text: string } {
  const parts: string[] = [];
  const summary = generateLog(kind, node, bytes, (b) => parts.push(b), options);
  return { ...summary, text: parts.join('') };
}

interface FileSpec {
  readonly path: (node: string) => string;
  readonly kind: CorpusLogKind;
  /** Share of the node's bytes. */
  readonly share: number;
  /** Signatures whose records may be sprinkled in it (all of the kind's when absent). */
  readonly only?: readonly string[];
}

const CLIENT = ['amqp-unreachable', 'amqp-reconnected', 'messaging-timeout'];
/** Files of one node of the corpus. */
const CONTROLLER_FILES: readonly FileSpec[] = [
  { path: (n) => `/var/log/rabbitmq/rabbit@${n}.log`, kind: 'rabbit-old', share: 0.15 },
  { path: (n) => `/var/log/rabbitmq/rabbit@${n}-new.log`, kind: 'rabbit-new', share: 0.1 },
  { path: () => '/var/log/neutron/server.log', kind: 'oslo', share: 0.2, only: [...CLIENT, 'neutron-agent-heartbeat-lost'] },
  { path: () => '/var/log/cinder/cinder-volume.log', kind: 'oslo', share: 0.15, only: [...CLIENT, 'root-disk-full', 'cinder-image-too-large'] },
  { path: () => '/var/log/nova/nova-api.log', kind: 'oslo', share: 0.25, only: [...CLIENT, 'root-disk-full'] },
  { path: () => '/var/log/mysql/error.log', kind: 'galera', share: 0.05 },
  { path: () => '/var/log/ceph/ceph.log', kind: 'ceph', share: 0.1 },
];
const COMPUTE_FILES: readonly FileSpec[] = [
  { path: () => '/var/log/nova/nova-compute.log', kind: 'oslo', share: 1, only: [...CLIENT, 'root-disk-full', 'nova-compute-libvirt-socket'] },
];

/**
 * Writes a corpus of about `totalBytes` under `dir` as `<node>/<absolute log path>` (three
 * controllers and `computes` compute nodes), the layout `diagnoseDirectory` reads.
 */
export function writeCorpus(dir: string, totalBytes: number, options: CorpusOptions & { computes?: number } = {}): CorpusLayout {
  const computes = options.computes ?? 3;
  const nodes = [
    ...['node-1', 'node-2', 'node-3'].map((name) => ({ name, files: CONTROLLER_FILES })),
    ...Array.from({ length: computes }, (_, i) => ({ name: `node-${4 + i}`, files: COMPUTE_FILES })),
  ];
  const perNode = totalBytes / (3 + computes * 0.5);
  const files: CorpusFile[] = [];
  const expected: Record<string, number> = {};
  let bytes = 0;
  let records = 0;
  let seed = options.seed ?? 1;
  for (const node of nodes) {
    const nodeBytes = node.files === COMPUTE_FILES ? perNode * 0.5 : perNode;
    for (const spec of node.files) {
      const path = spec.path(node.name);
      const target = join(dir, node.name, path);
      mkdirSync(dirname(target), { recursive: true });
      const fd = openSync(target, 'w');
      try {
        const summary = generateLog(spec.kind, node.name, Math.ceil(nodeBytes * spec.share), (block) => writeSync(fd, block, null, 'latin1'), {
          ...options,
          seed: seed++,
          ...(spec.only ? { only: spec.only } : {}),
        });
        files.push({ node: node.name, path, ...summary });
        bytes += summary.bytes;
        records += summary.records;
        for (const [id, n] of Object.entries(summary.expected)) expected[id] = (expected[id] ?? 0) + n;
      } finally {
        closeSync(fd);
      }
    }
  }
  return { files, bytes, records, expected };
}
