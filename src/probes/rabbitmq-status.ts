import { inContainer, stoppedContainer } from '../deployment/container-script.js';
import { KOLLA_CONTAINERS } from '../deployment/kolla.js';
import { remote, ShellScript } from '../ssh/shell.js';
import { parseErlangTerm, proplistGet, termText, type ErlangTerm } from './erlang-terms.js';
import { isRecord, lines, rawText, str, strings, stripAnsi, tryJson } from './text.js';
import { ok, unknown, type Probe, type ProbeOutput, type ProbeResult } from './types.js';

/** A resource alarm raised by a RabbitMQ node: publishers are blocked while it lasts. */
export interface RabbitAlarm {
  readonly node: string;
  readonly kind: 'disk' | 'memory' | 'other';
  /** The resource as RabbitMQ names it (`disk`, `memory`, `file_descriptor_limit`, ...). */
  readonly resource: string;
}

/** One listener (AMQP, clustering, management ...) of a node. */
export interface RabbitListener {
  readonly node: string;
  readonly protocol: string;
  readonly port: number;
  readonly interface: string;
}

/** A node that cannot see some of its peers (a network partition). */
export interface RabbitPartition {
  readonly node: string;
  readonly partitionedFrom: readonly string[];
}

/** `rabbitmqctl cluster_status` of a running node. */
export interface RabbitClusterRunning {
  readonly running: true;
  readonly format: 'json' | 'text' | 'erlang';
  /** The node that answered, when the output names it. */
  readonly node: string | undefined;
  readonly clusterName: string | undefined;
  readonly diskNodes: readonly string[];
  readonly ramNodes: readonly string[];
  readonly runningNodes: readonly string[];
  /** Cluster members (disk or RAM) that are not running. */
  readonly stoppedNodes: readonly string[];
  readonly partitions: readonly RabbitPartition[];
  readonly alarms: readonly RabbitAlarm[];
  readonly listeners: readonly RabbitListener[];
}

/** rabbitmqctl could not reach the node (it is down, or its Erlang VM is), or the rabbit app on it is stopped. */
export interface RabbitNodeDown {
  readonly running: false;
  readonly message: string;
  readonly node: string | undefined;
  /**
   * `node-down`: nothing answered; `app-stopped`: the Erlang VM answered but the rabbit application
   * is stopped (`rabbitmqctl stop_app`, a paused minority, a failed boot). Always set by the parser;
   * optional only so values built before the field existed still type-check.
   */
  readonly state?: 'node-down' | 'app-stopped';
}

/** The value of the `rabbitmq-status` probe. */
export type RabbitClusterStatus = RabbitClusterRunning | RabbitNodeDown;

const NODE_DOWN = [/unable to perform an operation on node/i, /unable to connect to node/i, /\bnodedown\b/i];
/** 3.7+ refuses `cluster_status` while the rabbit app is stopped, with this error and exit code 64. */
const APP_STOPPED = /requires the 'rabbit' app to be running/i;

function alarmKind(resource: string): RabbitAlarm['kind'] {
  if (resource === 'disk') return 'disk';
  if (resource === 'memory') return 'memory';
  return 'other';
}

function withDerived(base: Omit<RabbitClusterRunning, 'running' | 'stoppedNodes'>): RabbitClusterRunning {
  const members = [...new Set([...base.diskNodes, ...base.ramNodes])];
  return { running: true, ...base, stoppedNodes: members.filter((n) => !base.runningNodes.includes(n)) };
}

/** Reads `rabbitmqctl cluster_status` in any of its formats, or the error of an unreachable node. */
export function parseRabbitClusterStatus(output: ProbeOutput): ProbeResult<RabbitClusterStatus> {
  const raw = rawText(output);
  const stdout = stripAnsi(output.stdout);
  const jsonStart = stdout.search(/^\s*\{/m);
  if (jsonStart >= 0) {
    const parsed = tryJson(stdout.slice(jsonStart));
    if (parsed.ok && isRecord(parsed.value) && parsed.value['running_nodes'] !== undefined) {
      const running = jsonRunningNodes(parsed.value);
      if (!running.ok) return unknown(running.reason, raw);
      return ok(fromJson(parsed.value, running.nodes));
    }
  }
  const termStart = stdout.search(/^\s*\[\s*\{/m);
  if (termStart >= 0) {
    const body = stdout
      .slice(termStart)
      .replace(/\n\s*\.\.\.done\.\s*$/, '')
      .trim();
    const parsed = parseErlangTerm(body);
    if (!parsed.ok) return unknown(`cluster_status Erlang term is malformed: ${parsed.error}`, raw);
    const node = queriedNode(stdout);
    const value = fromErlang(parsed.term, node);
    if (value) return ok(value);
    // Before 3.7 a node whose rabbit app (and so mnesia) is stopped reports its members only.
    if (proplistGet(parsed.term, 'nodes')) {
      return ok({ running: false, state: 'app-stopped', node, message: 'the rabbit app is stopped: cluster_status lists the members but no running nodes' });
    }
    return unknown('cluster_status Erlang term has no running_nodes', raw);
  }
  if (/^\s*Running Nodes\s*$/m.test(stdout)) return ok(fromText(stdout));
  const down = nodeDown(output);
  if (down) return ok(down);
  return unknown('not rabbitmqctl cluster_status output', raw);
}

function queriedNode(text: string): string | undefined {
  const m = /Cluster status of node '?([^'\s]+?)'?(?:\s+\.\.\.)?\s*$/m.exec(text);
  return m?.[1];
}

function nodeDown(output: ProbeOutput): RabbitNodeDown | undefined {
  const text = stripAnsi(`${output.stdout}\n${output.stderr}`);
  const appStopped = APP_STOPPED.test(text);
  const matches = appStopped || NODE_DOWN.some((p) => p.test(text));
  if (!matches && output.exitCode !== 69 && output.exitCode !== 70) return undefined;
  if (!matches && !/^Error/m.test(text)) return undefined;
  const message =
    lines(text)
      .find((l) => /^Error/.test(l.trim()))
      ?.trim() ??
    lines(text)
      .find((l) => l.trim() !== '')
      ?.trim() ??
    '';
  const node = /on node '?([^'\s:]+)'?/.exec(message)?.[1] ?? /to node '?([^'\s:]+)'?/.exec(message)?.[1];
  return { running: false, message, node, state: appStopped ? 'app-stopped' : 'node-down' };
}

/**
 * `running_nodes` of the JSON: a list, except in 4.1.0 to 4.1.3, which print the names run together
 * in one string (`"rabbit@arabbit@crabbit@b"`, rabbitmq-server#14398, fixed in 4.1.4). The string is
 * split back into the names the same document knows (members, versions, listeners, alarms); a
 * string that does not split exactly one way is not guessed at.
 */
function jsonRunningNodes(doc: Record<string, unknown>): { ok: true; nodes: string[] } | { ok: false; reason: string } {
  const value = doc['running_nodes'];
  if (Array.isArray(value)) return { ok: true, nodes: value.filter((x): x is string => typeof x === 'string') };
  if (typeof value !== 'string') return { ok: false, reason: 'cluster_status JSON: running_nodes is neither a list nor a string' };
  if (value === '') return { ok: true, nodes: [] };
  const known = new Set<string>([...strings(doc, 'disk_nodes'), ...strings(doc, 'ram_nodes')]);
  for (const key of ['versions', 'listeners', 'partitions']) {
    const map = doc[key];
    if (isRecord(map)) for (const node of Object.keys(map)) known.add(node);
  }
  for (const a of Array.isArray(doc['alarms']) ? doc['alarms'] : []) {
    if (isRecord(a) && typeof a['node'] === 'string') known.add(a['node']);
  }
  const splits = splitJoined(value, [...known], 2);
  if (splits.length === 1 && splits[0]) return { ok: true, nodes: splits[0] };
  return {
    ok: false,
    reason:
      splits.length === 0
        ? `cluster_status JSON: running_nodes is one string (RabbitMQ 4.1.0-4.1.3) that is not made of the cluster's node names: ${value}`
        : `cluster_status JSON: running_nodes is one string (RabbitMQ 4.1.0-4.1.3) that splits into node names in more than one way: ${value}`,
  };
}

/** Every way (up to `limit`) of writing `text` as a concatenation of distinct `names`. */
function splitJoined(text: string, names: readonly string[], limit: number): string[][] {
  const found: string[][] = [];
  const walk = (at: number, taken: string[]): void => {
    if (found.length >= limit) return;
    if (at === text.length) {
      found.push([...taken]);
      return;
    }
    for (const name of names) {
      if (name !== '' && !taken.includes(name) && text.startsWith(name, at)) walk(at + name.length, [...taken, name]);
    }
  };
  walk(0, []);
  return found;
}

function fromJson(doc: Record<string, unknown>, runningNodes: readonly string[]): RabbitClusterRunning {
  const list = (key: string): string[] => {
    const v = doc[key];
    return Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : [];
  };
  const alarms: RabbitAlarm[] = [];
  for (const a of Array.isArray(doc['alarms']) ? doc['alarms'] : []) {
    if (isRecord(a)) {
      const resource = str(a, 'resource') ?? str(a, 'type') ?? 'unknown';
      alarms.push({ node: str(a, 'node') ?? '', resource, kind: alarmKind(resource) });
    } else if (typeof a === 'string') {
      const alarm = alarmFromSentence(a);
      if (alarm) alarms.push(alarm);
    }
  }
  const partitions: RabbitPartition[] = [];
  const rawPartitions = doc['partitions'];
  if (isRecord(rawPartitions)) {
    for (const [node, peers] of Object.entries(rawPartitions)) {
      const from = Array.isArray(peers) ? peers.filter((p): p is string => typeof p === 'string') : [];
      partitions.push({ node, partitionedFrom: from });
    }
  }
  const listeners: RabbitListener[] = [];
  const rawListeners = doc['listeners'];
  if (isRecord(rawListeners)) {
    for (const [node, entries] of Object.entries(rawListeners)) {
      for (const l of Array.isArray(entries) ? entries : []) {
        if (!isRecord(l)) continue;
        const port = typeof l['port'] === 'number' ? l['port'] : Number(l['port']);
        listeners.push({ node, protocol: str(l, 'protocol') ?? '', port, interface: str(l, 'interface') ?? '' });
      }
    }
  }
  return withDerived({
    format: 'json',
    node: undefined,
    clusterName: str(doc, 'cluster_name'),
    diskNodes: list('disk_nodes'),
    ramNodes: list('ram_nodes'),
    runningNodes,
    partitions,
    alarms,
    listeners,
  });
}

/** "Free disk space alarm on node rabbit@a", "Memory alarm on node rabbit@b" (3.8+ text). */
function alarmFromSentence(sentence: string): RabbitAlarm | undefined {
  const m = /^(.*?)\s+alarm on node\s+(\S+)/i.exec(sentence.trim());
  if (!m) return undefined;
  const what = (m[1] ?? '').toLowerCase();
  const resource = what.includes('disk') ? 'disk' : what.includes('memory') ? 'memory' : what.replace(/\s+/g, '_');
  return { node: m[2] ?? '', resource, kind: alarmKind(resource) };
}

function atomList(term: ErlangTerm | undefined): string[] {
  if (term?.type !== 'list') return [];
  return term.items.map(termText).filter((x): x is string => x !== undefined);
}

function atomsIn(term: ErlangTerm): string[] {
  if (term.type === 'atom') return [term.value];
  if (term.type === 'list' || term.type === 'tuple') return term.items.flatMap(atomsIn);
  return [];
}

function fromErlang(term: ErlangTerm, node: string | undefined): RabbitClusterRunning | undefined {
  const running = proplistGet(term, 'running_nodes');
  if (!running) return undefined;
  const nodes = proplistGet(term, 'nodes');
  const alarms: RabbitAlarm[] = [];
  const rawAlarms = proplistGet(term, 'alarms');
  for (const entry of rawAlarms?.type === 'list' ? rawAlarms.items : []) {
    if (entry.type !== 'tuple' || entry.items.length !== 2) continue;
    const alarmNode = termText(entry.items[0]) ?? '';
    const list = entry.items[1];
    for (const alarm of list?.type === 'list' ? list.items : []) {
      const resource = atomsIn(alarm).find((a) => a !== 'resource_limit' && !a.includes('@')) ?? 'unknown';
      alarms.push({ node: alarmNode, resource, kind: alarmKind(resource) });
    }
  }
  const partitions: RabbitPartition[] = [];
  const rawPartitions = proplistGet(term, 'partitions');
  for (const entry of rawPartitions?.type === 'list' ? rawPartitions.items : []) {
    if (entry.type === 'tuple' && entry.items.length === 2) {
      partitions.push({ node: termText(entry.items[0]) ?? '', partitionedFrom: atomList(entry.items[1]) });
    }
  }
  return withDerived({
    format: 'erlang',
    node,
    clusterName: termText(proplistGet(term, 'cluster_name')),
    diskNodes: atomList(proplistGet(nodes, 'disc')),
    ramNodes: atomList(proplistGet(nodes, 'ram')),
    runningNodes: atomList(running),
    partitions,
    alarms,
    listeners: [],
  });
}

const TEXT_SECTIONS = new Set([
  'Basics',
  'Disk Nodes',
  'RAM Nodes',
  'Running Nodes',
  'Versions',
  'Maintenance status',
  'Alarms',
  'Network Partitions',
  'Listeners',
  'Feature flags',
]);

function fromText(stdout: string): RabbitClusterRunning {
  const sections = new Map<string, string[]>();
  let current: string | undefined;
  for (const line of lines(stdout)) {
    const t = line.trim();
    if (TEXT_SECTIONS.has(t)) {
      current = t;
      sections.set(t, []);
    } else if (current && t !== '' && t !== '(none)') sections.get(current)?.push(t);
  }
  const section = (name: string): string[] => sections.get(name) ?? [];
  const clusterName = section('Basics')
    .map((l) => /^Cluster name:\s*(\S+)/.exec(l)?.[1])
    .find((x) => x !== undefined);
  const partitions: RabbitPartition[] = section('Network Partitions').map((l) => {
    const m = /^Node\s+(\S+)\s+cannot communicate with\s+(.*)$/.exec(l);
    return m
      ? { node: m[1] ?? '', partitionedFrom: (m[2] ?? '').split(/[,\s]+/).filter((x) => x !== '') }
      : { node: l.split(/\s+/).find((w) => w.includes('@')) ?? l, partitionedFrom: [] };
  });
  const listeners: RabbitListener[] = [];
  for (const l of section('Listeners')) {
    const m = /^Node:\s*(\S+),\s*interface:\s*(\S+),\s*port:\s*(\d+),\s*protocol:\s*([^,]+)/.exec(l);
    if (m) listeners.push({ node: m[1] ?? '', interface: m[2] ?? '', port: Number(m[3]), protocol: (m[4] ?? '').trim() });
  }
  return withDerived({
    format: 'text',
    node: queriedNode(stdout),
    clusterName,
    diskNodes: section('Disk Nodes'),
    ramNodes: section('RAM Nodes'),
    runningNodes: section('Running Nodes'),
    partitions,
    alarms: section('Alarms')
      .map(alarmFromSentence)
      .filter((a): a is RabbitAlarm => a !== undefined),
    listeners,
  });
}

/** The probe's output: a stopped kolla `rabbitmq` container is a node down; anything else is rabbitmqctl's. */
export function readRabbitProbe(output: ProbeOutput): ProbeResult<RabbitClusterStatus> {
  const stopped = stoppedContainer(output.stdout);
  if (stopped) return ok({ running: false, node: undefined, state: 'node-down', message: `${stopped.engine} container ${stopped.container} is not running` });
  return parseRabbitClusterStatus(output);
}

/** RabbitMQ cluster membership, partitions and resource alarms, as this node's rabbitmqctl sees them. */
export const rabbitmqStatus = {
  id: 'rabbitmq-status',
  title: 'RabbitMQ cluster status',
  roles: ['controller'],
  scope: 'node',
  command: remote(
    inContainer(KOLLA_CONTAINERS.rabbitmq, ShellScript.raw('rabbitmqctl cluster_status --formatter json 2>/dev/null || rabbitmqctl cluster_status')),
    {
      privileged: true,
    },
  ),
  timeoutMs: 30_000,
  parse: readRabbitProbe,
} satisfies Probe<RabbitClusterStatus>;
