/**
 * rabbitmqctl / rabbitmq-diagnostics output, modelled on RabbitMQ 3.10.8 as captured in
 * test/fixtures/sim/rabbitmq-3.10.8-* (JSON key order, the bold section titles of the text
 * formatter, the error texts and exit codes 64/69), rendered from the cluster state.
 */
import { rabbitRunningPeers } from '../state/derive.js';
import type { ClusterState, SimNode } from '../state/types.js';

const BOLD = '\u001b[1m';
const RESET = '\u001b[0m';
const FEATURE_FLAGS = [
  ['classic_mirrored_queue_version', 'Support setting version for classic mirrored queues', ''],
  ['implicit_default_bindings', 'Default bindings are now implicit, instead of being stored in the database', ''],
  ['maintenance_mode_status', 'Maintenance mode status', ''],
  ['quorum_queue', 'Support queues of type `quorum`', 'https://www.rabbitmq.com/quorum-queues.html'],
  ['stream_queue', 'Support queues of type `stream`', 'https://www.rabbitmq.com/stream.html'],
  ['user_limits', 'Configure connection and channel limits for a user', ''],
  ['virtual_host_metadata', 'Virtual host metadata (description, tags, etc)', ''],
] as const;

const rn = (name: string): string => `rabbit@${name}`;

function listeners(n: SimNode): { interface: string; node: string; port: number; protocol: string; purpose: string }[] {
  return [
    { interface: '[::]', node: rn(n.name), port: 25672, protocol: 'clustering', purpose: 'inter-node and CLI tool communication' },
    { interface: n.ip, node: rn(n.name), port: 5673, protocol: 'amqp', purpose: 'AMQP 0-9-1 and AMQP 1.0' },
  ];
}

interface ClusterView {
  readonly disk: string[];
  readonly running: SimNode[];
  readonly alarms: { node: string; resource: string; type: string }[];
  readonly partitions: Record<string, string[]>;
}

function view(c: ClusterState, node: SimNode): ClusterView {
  const running = rabbitRunningPeers(c, node);
  const alarms = running.flatMap((n) => [...n.rabbit.alarms].map((a) => ({ node: rn(n.name), resource: a, type: 'resource_limit' })));
  const partitions: Record<string, string[]> = {};
  if (c.rabbitPartition.size > 0) {
    const mine = c.rabbitPartition.has(node.name);
    const others = node.rabbit.members.filter((m) => c.rabbitPartition.has(m) !== mine);
    if (others.length > 0) for (const n of running) partitions[rn(n.name)] = others.map(rn);
  }
  return { disk: [...node.rabbit.members].sort().map(rn), running, alarms, partitions };
}

/** `rabbitmqctl cluster_status --formatter json`. */
export function renderClusterStatusJson(c: ClusterState, node: SimNode): string {
  const v = view(c, node);
  const doc = {
    alarms: v.alarms,
    cluster_name: `rabbit@${node.name}.domain.tld`,
    disk_nodes: v.disk,
    feature_flags: FEATURE_FLAGS.map(([name, desc, doc_url]) => ({ desc, doc_url, name, provided_by: 'rabbit', stability: 'stable', state: 'enabled' })),
    listeners: Object.fromEntries(v.running.map((n) => [rn(n.name), listeners(n)])),
    maintenance_status: Object.fromEntries(v.running.map((n) => [rn(n.name), 'not under maintenance'])),
    partitions: v.partitions,
    ram_nodes: [] as string[],
    running_nodes: v.running.map((n) => rn(n.name)),
    versions: Object.fromEntries(v.running.map((n) => [rn(n.name), { erlang_version: '25.2.3', rabbitmq_name: 'RabbitMQ', rabbitmq_version: '3.10.8' }])),
  };
  return `${JSON.stringify(doc)}\n`;
}

const title = (t: string): string => `${BOLD}${t}${RESET}`;

/** `rabbitmqctl cluster_status` (text formatter). */
export function renderClusterStatusText(c: ClusterState, node: SimNode): string {
  const v = view(c, node);
  const out = [
    `Cluster status of node ${rn(node.name)} ...`,
    title('Basics'),
    '',
    `Cluster name: rabbit@${node.name}.domain.tld`,
    '',
    title('Disk Nodes'),
    '',
    ...v.disk,
    '',
    title('Running Nodes'),
    '',
    ...v.running.map((n) => rn(n.name)).sort(),
    '',
    title('Versions'),
    '',
    ...v.running.map((n) => `${rn(n.name)}: RabbitMQ 3.10.8 on Erlang 25.2.3`),
    '',
    title('Maintenance status'),
    '',
    ...v.running.map((n) => `Node: ${rn(n.name)}, status: not under maintenance`),
    '',
    title('Alarms'),
    '',
    ...(v.alarms.length === 0 ? ['(none)'] : v.alarms.map((a) => `Free disk space alarm on node ${a.node}`)),
    '',
    title('Network Partitions'),
    '',
    ...(Object.keys(v.partitions).length === 0
      ? ['(none)']
      : Object.entries(v.partitions).map(([n, o]) => `Node ${n} cannot communicate with ${o.join(', ')}`)),
    '',
    title('Listeners'),
    '',
    ...v.running.flatMap((n) =>
      listeners(n).map((l) => `Node: ${l.node}, interface: ${l.interface}, port: ${l.port}, protocol: ${l.protocol}, purpose: ${l.purpose}`),
    ),
    '',
    title('Feature flags'),
    '',
    ...FEATURE_FLAGS.map(([name]) => `Flag: ${name}, state: enabled`),
  ];
  return `${out.join('\n')}\n`;
}

/** `rabbitmq-diagnostics alarms --formatter json` (two shapes, as 3.10 prints them). */
export function renderAlarmsJson(node: SimNode): string {
  if (node.rabbit.alarms.size === 0) return `${JSON.stringify({ alarms: [], node: rn(node.name), result: 'ok' })}\n`;
  return `${JSON.stringify({ global: [], local: [...node.rabbit.alarms].map((a) => `${a === 'disk' ? 'Free disk space' : 'Memory'} alarm on node ${rn(node.name)}`), message: `Node ${rn(node.name)} reported alarms`, result: 'ok' })}\n`;
}

/** `rabbitmq-diagnostics alarms` (text). */
export function renderAlarmsText(node: SimNode): string {
  const head = `Asking node ${rn(node.name)} to report any known resource alarms ...\n`;
  if (node.rabbit.alarms.size === 0) return `${head}Node ${rn(node.name)} reported no alarms, local or clusterwide\n`;
  return head + [...node.rabbit.alarms].map((a) => `${a === 'disk' ? 'Free disk space' : 'Memory'} alarm on node ${rn(node.name)}\n`).join('');
}

/** The error every command prints when the node's Erlang VM is down (exit 69). */
export function renderNodeDown(target: string): string {
  const short = target.replace(/@.*$/, '');
  const host = target.replace(/^.*@/, '');
  return `Error: unable to perform an operation on node '${target}'. Please see diagnostics information and suggestions below.

Most common reasons for this are:

 * Target node is unreachable (e.g. due to hostname resolution, TCP connection or firewall issues)
 * CLI tool fails to authenticate with the server (e.g. due to CLI tool's Erlang cookie not matching that of the server)
 * Target node is not running

In addition to the diagnostics info below:

 * See the CLI, clustering and networking guides on https://rabbitmq.com/documentation.html to learn more
 * Consult server logs on node ${target}
 * If target node is configured to use long node names, don't forget to use --longnames with CLI tools

DIAGNOSTICS
===========

attempted to contact: [${target}]

${target}:
  * connected to epmd (port 4369) on ${host}
  * epmd reports: node '${short}' not running at all
                  no other nodes on ${host}
  * suggestion: start the node

Current node details:
 * node name: 'rabbitmqcli-503-rabbit@${host}'
 * effective user's home directory: /var/lib/rabbitmq
 * Erlang cookie hash: soeIWU2jk2YNseTyDSlsEA==

`;
}

/** The usage error when a command needs the app in the other state (exit 64). */
export function renderAppStateError(running: boolean, argv: readonly string[], usage: string): string {
  const need = running
    ? "Error: this command requires the 'rabbit' app to be running on the target node. Start it with 'rabbitmqctl start_app'."
    : "Error: this command requires the 'rabbit' app to be stopped on the target node. Stop it with 'rabbitmqctl stop_app'.";
  return `${need}\nArguments given:\n\t${argv.join(' ')}\n\n${title('Usage')}\n\nrabbitmqctl [--node <node>] [--longnames] [--quiet] ${usage}\n`;
}

/** `rabbitmqctl status` (text, the parts operators read). */
export function renderStatusText(node: SimNode, diskFree: number, now: number): string {
  const s = node.services.get('rabbitmq-server');
  const alarms = [...node.rabbit.alarms];
  return [
    `Status of node ${rn(node.name)} ...`,
    title('Runtime'),
    '',
    `OS PID: ${s?.pid ?? 0}`,
    'OS: Linux',
    `Uptime (seconds): ${Math.max(0, Math.round((now - (s?.since ?? now)) / 1000))}`,
    'Is under maintenance?: false',
    'RabbitMQ version: 3.10.8',
    `Node name: ${rn(node.name)}`,
    'Erlang configuration: Erlang/OTP 25 [erts-13.1.5] [source] [64-bit] [smp:32:32] [ds:32:32:10] [async-threads:1] [jit:ns]',
    '',
    title('Alarms'),
    '',
    ...(alarms.length === 0 ? ['(none)'] : alarms.map((a) => `${a === 'disk' ? 'Free disk space' : 'Memory'} alarm on node ${rn(node.name)}`)),
    '',
    title('Free Disk Space'),
    '',
    `Low free disk space watermark: ${(node.rabbit.diskFreeLimit / 1e9).toFixed(4)} gb`,
    `Free disk space: ${(diskFree / 1e9).toFixed(4)} gb`,
    '',
  ].join('\n');
}
