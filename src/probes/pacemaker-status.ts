import { remote, ShellScript } from '../ssh/shell.js';
import { ok, unknown, type Probe, type ProbeOutput, type ProbeResult } from './types.js';
import { lines, rawText } from './text.js';
import { childElement, childElements, parseXml, type XmlElement } from './xml.js';

/** How pacemaker sees one cluster node; the worst condition wins (unclean > offline > standby ...). */
export type PacemakerNodeState = 'online' | 'offline' | 'standby' | 'unclean' | 'maintenance' | 'pending';

/** One node of the pacemaker cluster. */
export interface PacemakerNode {
  readonly name: string;
  readonly state: PacemakerNodeState;
  /** `member` for corosync nodes; `remote`/`guest` for pacemaker_remote and bundle guests. */
  readonly kind: 'member' | 'remote' | 'guest';
}

/** A clone, group or bundle that holds a resource. */
export interface PacemakerParent {
  readonly id: string;
  readonly kind: 'clone' | 'group' | 'bundle';
}

/** One resource instance (clone instances are listed one by one). */
export interface PacemakerResource {
  readonly id: string;
  /** `class:provider:type` (`ocf:heartbeat:IPaddr2`, `systemd:haproxy`), when printed. */
  readonly agent: string | undefined;
  /** Started, Stopped, Master, Slave, Promoted, Unpromoted, Starting, ... as pacemaker prints it. */
  readonly role: string;
  /** Nodes the instance is active on (empty when stopped). */
  readonly nodes: readonly string[];
  /** Text output only: the node a stopped clone instance is listed under (`Stopped: [ node-10 ]`). */
  readonly inactiveOn: string | undefined;
  readonly managed: boolean;
  readonly failed: boolean;
  /** Containers, outermost first (a group inside a clone gives `[clone, group]`). */
  readonly parents: readonly PacemakerParent[];
}

/** A failed resource operation from "Failed Resource Actions". */
export interface PacemakerFailedAction {
  readonly resource: string;
  readonly operation: string;
  readonly node: string;
  /** `not running`, `error`, `Timed Out` ... */
  readonly exitStatus: string;
  /** The agent's own explanation; empty when it gave none. */
  readonly exitReason: string;
  readonly intervalMs: number | undefined;
}

/** The cluster as crm_mon showed it. */
export interface PacemakerClusterState {
  readonly running: true;
  readonly format: 'xml' | 'xml-legacy' | 'text';
  readonly dc: string | undefined;
  readonly quorum: boolean | undefined;
  /** Cluster-wide maintenance mode ("Resource management is DISABLED"). */
  readonly maintenanceMode: boolean;
  readonly nodes: readonly PacemakerNode[];
  readonly resources: readonly PacemakerResource[];
  readonly failedActions: readonly PacemakerFailedAction[];
}

/** crm_mon answered but the cluster stack is not running on the node (or the CIB is unreachable). */
export interface PacemakerNotRunning {
  readonly running: false;
  readonly message: string;
}

/** The value of the `pacemaker-status` probe. */
export type PacemakerStatus = PacemakerClusterState | PacemakerNotRunning;

const NOT_RUNNING = [
  /Could not connect to the CIB/i,
  /connection to cluster failed/i,
  /cluster is not currently running on this node/i,
  /cluster is not available on this node/i,
];

const OPERATIONS = 'monitor|start|stop|promote|demote|notify|migrate_to|migrate_from|reload|reload-agent|probe|cancel';
const OP_KEY = new RegExp(`^(.+)_(${OPERATIONS})_(\\d+)$`);

/** Reads `crm_mon` output: pacemaker 2 XML, legacy `<crm_mon>` XML, or the text of crm_mon/pcs status. */
export function parsePacemakerStatus(output: ProbeOutput): ProbeResult<PacemakerStatus> {
  const raw = rawText(output);
  const stdout = output.stdout;
  const xmlStart = stdout.search(/<\?xml|<pacemaker-result[\s>]|<crm_mon[\s>]/);
  if (xmlStart >= 0) {
    const parsed = parseXml(stdout.slice(xmlStart));
    if (!parsed.ok) return unknown(`crm_mon XML is malformed: ${parsed.error}`, raw);
    return parseCrmMonXml(parsed.root, raw);
  }
  return parseCrmMonText(stdout, raw);
}

function notRunning(raw: string): PacemakerNotRunning | undefined {
  for (const line of lines(raw)) {
    if (NOT_RUNNING.some((p) => p.test(line))) {
      return { running: false, message: line.replace(/<[^>]+>/g, '').trim() };
    }
  }
  return undefined;
}

/** Reads the XML of `crm_mon --output-as=xml` (pacemaker 2) or `crm_mon -1 -X`/`--as-xml` (1.1). */
export function parseCrmMonXml(root: XmlElement, raw: string): ProbeResult<PacemakerStatus> {
  if (root.name !== 'pacemaker-result' && root.name !== 'crm_mon') {
    return unknown(`unexpected XML root <${root.name}>`, raw);
  }
  const nodesEl = childElement(root, 'nodes');
  if (!nodesEl) {
    const down = notRunning(raw);
    if (down) return ok(down);
    const status = childElement(root, 'status');
    const message = status?.attributes['message'] ?? 'no <nodes> in crm_mon XML';
    return unknown(`crm_mon XML has no cluster state: ${message}`, raw);
  }
  const summary = childElement(root, 'summary');
  const dcEl = summary && childElement(summary, 'current_dc');
  const options = summary && childElement(summary, 'cluster_options');
  const nodes = childElements(nodesEl, 'node').map(xmlNode);
  const resources: PacemakerResource[] = [];
  const resourcesEl = childElement(root, 'resources');
  if (resourcesEl) collectXmlResources(resourcesEl, [], resources);
  const failuresEl = childElement(root, 'failures');
  const failedActions = failuresEl ? childElements(failuresEl, 'failure').map(xmlFailure) : [];
  return ok({
    running: true,
    format: root.name === 'pacemaker-result' ? 'xml' : 'xml-legacy',
    dc: dcEl?.attributes['present'] === 'true' ? dcEl.attributes['name'] : undefined,
    quorum: dcEl?.attributes['with_quorum'] === undefined ? undefined : dcEl.attributes['with_quorum'] === 'true',
    maintenanceMode: options?.attributes['maintenance-mode'] === 'true',
    nodes,
    resources,
    failedActions,
  });
}

function flag(el: XmlElement, name: string): boolean {
  return el.attributes[name] === 'true';
}

function xmlNode(el: XmlElement): PacemakerNode {
  const type = el.attributes['type'];
  let state: PacemakerNodeState = 'online';
  if (flag(el, 'unclean')) state = 'unclean';
  else if (el.attributes['online'] !== 'true') state = 'offline';
  else if (flag(el, 'standby')) state = 'standby';
  else if (flag(el, 'maintenance')) state = 'maintenance';
  else if (flag(el, 'pending')) state = 'pending';
  const kind = type === 'remote' ? (el.attributes['id_as_resource'] ? 'guest' : 'remote') : 'member';
  return { name: el.attributes['name'] ?? '', state, kind };
}

function normaliseAgent(agent: string | undefined): string | undefined {
  return agent?.replace(/::/g, ':');
}

function collectXmlResources(el: XmlElement, parents: PacemakerParent[], out: PacemakerResource[]): void {
  for (const child of el.children) {
    if (child.name === 'resource') {
      out.push({
        id: child.attributes['id'] ?? '',
        agent: normaliseAgent(child.attributes['resource_agent']),
        role: child.attributes['role'] ?? 'Unknown',
        nodes: childElements(child, 'node').map((n) => n.attributes['name'] ?? ''),
        inactiveOn: undefined,
        managed: child.attributes['managed'] !== 'false',
        failed: flag(child, 'failed'),
        parents,
      });
    } else if (child.name === 'clone' || child.name === 'group' || child.name === 'bundle') {
      collectXmlResources(child, [...parents, { id: child.attributes['id'] ?? '', kind: child.name }], out);
    } else if (child.name === 'replica') {
      collectXmlResources(child, parents, out);
    }
  }
}

function splitOpKey(opKey: string): { resource: string; operation: string; intervalMs: number } | undefined {
  const m = OP_KEY.exec(opKey);
  return m ? { resource: m[1] ?? '', operation: m[2] ?? '', intervalMs: Number(m[3]) } : undefined;
}

function xmlFailure(el: XmlElement): PacemakerFailedAction {
  const a = el.attributes;
  const split = splitOpKey(a['op_key'] ?? '');
  const interval = a['interval'] === undefined ? split?.intervalMs : Number(a['interval']);
  return {
    resource: split?.resource ?? a['op_key'] ?? '',
    operation: a['task'] ?? split?.operation ?? '',
    node: a['node'] ?? '',
    exitStatus: a['exitstatus'] ?? a['status'] ?? '',
    exitReason: a['exitreason'] ?? '',
    intervalMs: Number.isFinite(interval) ? interval : undefined,
  };
}

type Section = 'header' | 'nodes' | 'resources' | 'failed' | 'other';

function sectionOf(heading: string): Section {
  const h = heading.toLowerCase();
  if (h === 'node list') return 'nodes';
  if (/^(full list of resources|active resources|inactive resources)$/.test(h)) return 'resources';
  if (h === 'failed resource actions' || h === 'failed actions') return 'failed';
  return 'other';
}

interface Container extends PacemakerParent {
  readonly indent: number;
  /** For clones: the id of the cloned resource (`rabbitmq` in `rabbitmq-clone [rabbitmq]`). */
  readonly member: string | undefined;
}

const NODE_LIST = /^(Online|OFFLINE|GuestOnline|GuestOFFLINE|RemoteOnline|RemoteOFFLINE|Standby|Maintenance):\s*\[(.*)\]\s*$/;
const NODE_LINE = /^(Node|GuestNode|RemoteNode)\s+(\S+?)(?:\s+\(\d+\))?:\s*(.+)$/;
const CONTAINER = /^(Clone Set|Master\/Slave Set|Resource Group|Container bundle set|Container bundle):\s+(\S+?)(?:\s+\[([^\]]+)\])?(?:\s+\((.*)\))?:?\s*$/;
const INSTANCE_LIST = /^([A-Za-z]+(?:\s+\([^)]*\))?):\s*\[(.*)\]\s*$/;
const PRIMITIVE = /^(\S+)(?:\s+\([^)]*\))?\s*\(((?:ocf|lsb|systemd|stonith|service|upstart|nagios|heartbeat)[^)]*)\):\s*(.*)$/;
const ROLE_WORDS = new Set(['Started', 'Stopped', 'Master', 'Slave', 'Promoted', 'Unpromoted', 'Starting', 'Stopping', 'Migrating']);

function nodeNames(list: string): string[] {
  return list
    .split(/\s+/)
    .filter((t) => t !== '' && !/^\(\d+\)$/.test(t))
    .map((t) => t.replace(/@.*$/, ''));
}

function textNodeState(text: string): PacemakerNodeState | undefined {
  const t = text.toLowerCase();
  if (t.includes('unclean')) return 'unclean';
  if (t.startsWith('offline')) return 'offline';
  if (t.startsWith('standby')) return 'standby';
  if (t.startsWith('maintenance')) return 'maintenance';
  if (t.startsWith('pending')) return 'pending';
  if (t.startsWith('online')) return 'online';
  return undefined;
}

/** Reads `crm_mon -1 -r` / `pcs status` text, pacemaker 1.1 to 2.1 layouts. */
export function parseCrmMonText(stdout: string, raw: string): ProbeResult<PacemakerStatus> {
  const nodes = new Map<string, PacemakerNode>();
  const resources: PacemakerResource[] = [];
  const failedActions: PacemakerFailedAction[] = [];
  let section: Section = 'header';
  let sawSummary = false;
  let dc: string | undefined;
  let quorum: boolean | undefined;
  let maintenanceMode = false;
  let stack: Container[] = [];

  const addNode = (name: string, state: PacemakerNodeState, kind: PacemakerNode['kind']): void => {
    nodes.set(name, { name, state, kind });
  };

  for (const rawLine of lines(stdout)) {
    if (rawLine.trim() === '') continue;
    const indent = rawLine.search(/\S/);
    const line = rawLine
      .trim()
      .replace(/^\*\s+/, '')
      .trim();
    if (/^\*\*\* Resource management is DISABLED \*\*\*$/.test(line)) {
      maintenanceMode = true;
      continue;
    }
    const heading = /^([A-Z][A-Za-z /]+):$/.exec(line);
    if (heading && indent === 0 && !CONTAINER.test(line)) {
      section = sectionOf(heading[1] ?? '');
      if ((heading[1] ?? '').toLowerCase() === 'cluster summary') sawSummary = true;
      stack = [];
      continue;
    }
    if (section === 'header' || section === 'nodes') {
      const dcMatch = /^Current DC:\s+(\S+)(.*)$/.exec(line);
      if (dcMatch) {
        sawSummary = true;
        dc = dcMatch[1] === 'NONE' ? undefined : dcMatch[1];
        if (/partition with quorum/.test(dcMatch[2] ?? '')) quorum = true;
        else if (/WITHOUT quorum/i.test(dcMatch[2] ?? '')) quorum = false;
        continue;
      }
      if (/^(Stack|Last updated|Cluster name):/.test(line)) sawSummary = true;
      const list = NODE_LIST.exec(line);
      if (list) {
        const label = list[1] ?? '';
        const kind = label.startsWith('Guest') ? 'guest' : label.startsWith('Remote') ? 'remote' : 'member';
        const state = textNodeState(label.replace(/^(Guest|Remote)/, '')) ?? 'online';
        for (const name of nodeNames(list[2] ?? '')) addNode(name, state, kind);
        continue;
      }
      const single = NODE_LINE.exec(line);
      if (single) {
        const state = textNodeState(single[3] ?? '');
        const kind = single[1] === 'GuestNode' ? 'guest' : single[1] === 'RemoteNode' ? 'remote' : 'member';
        if (state) addNode((single[2] ?? '').replace(/@.*$/, ''), state, kind);
      }
      continue;
    }
    if (section === 'resources') {
      parseResourceLine(line, indent, stack, resources, maintenanceMode);
      continue;
    }
    if (section === 'failed' && rawLine.trim().startsWith('*')) {
      const action = parseFailedActionLine(line);
      if (action) failedActions.push(action);
    }
  }

  if (nodes.size === 0) {
    const down = notRunning(raw);
    if (down) return ok(down);
    if (!sawSummary) return unknown('not crm_mon output: no cluster summary and no node list', raw);
  }
  return ok({
    running: true,
    format: 'text',
    dc,
    quorum,
    maintenanceMode,
    nodes: [...nodes.values()],
    resources,
    failedActions,
  });
}

function parseResourceLine(line: string, indent: number, stack: Container[], out: PacemakerResource[], maintenanceMode: boolean): void {
  while (stack.length > 0 && (stack[stack.length - 1]?.indent ?? 0) >= indent) stack.pop();
  const parents = (): PacemakerParent[] => stack.map(({ id, kind }) => ({ id, kind }));
  const container = CONTAINER.exec(line);
  if (container) {
    const label = container[1] ?? '';
    const kind = label.startsWith('Resource Group') ? 'group' : label.startsWith('Container') ? 'bundle' : 'clone';
    stack.push({ id: container[2] ?? '', kind, indent, member: container[3] });
    return;
  }
  if (/^Replica\[\d+\]$/.test(line)) return;
  const innermost = stack[stack.length - 1];
  const instances = INSTANCE_LIST.exec(line);
  if (instances && innermost?.kind === 'clone') {
    const words = (instances[1] ?? '').split(/\s+/);
    const role = singularRole(words[0] ?? '');
    const qualifier = (instances[1] ?? '').toLowerCase();
    for (const node of nodeNames(instances[2] ?? '')) {
      const stopped = role === 'Stopped';
      out.push({
        id: innermost.member ?? innermost.id,
        agent: undefined,
        role,
        nodes: stopped ? [] : [node],
        inactiveOn: stopped ? node : undefined,
        managed: !maintenanceMode && !/unmanaged|maintenance/.test(qualifier),
        failed: role === 'FAILED',
        parents: parents(),
      });
    }
    return;
  }
  const primitive = PRIMITIVE.exec(line);
  if (!primitive) return;
  const statusText = primitive[3] ?? '';
  const qualifiers = [...statusText.matchAll(/\(([^)]*)\)/g)].map((m) => (m[1] ?? '').toLowerCase());
  const words = statusText
    .replace(/\([^)]*\)/g, ' ')
    .replace(/[[\]]/g, ' ')
    .split(/\s+/)
    .filter((w) => w !== '');
  let failed = false;
  if (words[0] === 'FAILED') {
    failed = true;
    words.shift();
  }
  let role = failed ? 'Started' : 'Unknown';
  if (words[0] !== undefined && ROLE_WORDS.has(words[0])) role = words.shift() ?? role;
  out.push({
    id: primitive[1] ?? '',
    agent: normaliseAgent(primitive[2]),
    role,
    nodes: role === 'Stopped' ? [] : words,
    inactiveOn: undefined,
    managed: !maintenanceMode && !qualifiers.some((q) => q === 'unmanaged' || q === 'maintenance'),
    failed,
    parents: parents(),
  });
}

function singularRole(label: string): string {
  if (label === 'Masters') return 'Master';
  if (label === 'Slaves') return 'Slave';
  return label;
}

function parseFailedActionLine(line: string): PacemakerFailedAction | undefined {
  // Pacemaker 1.1 / 2.0: "rsc_monitor_10000 on node 'not running' (7): call=.., status=.., exitreason='..',"
  const old = /^(\S+)\s+on\s+(\S+)\s+'([^']*)'\s+\((\d+)\):\s*(.*)$/.exec(line);
  if (old) {
    const split = splitOpKey(old[1] ?? '');
    const rest = old[5] ?? '';
    return {
      resource: split?.resource ?? old[1] ?? '',
      operation: split?.operation ?? '',
      node: old[2] ?? '',
      exitStatus: old[3] ?? '',
      exitReason: /exitreason='([^']*)'/.exec(rest)?.[1] ?? '',
      intervalMs: split?.intervalMs,
    };
  }
  // Pacemaker 2.1: "rsc 30s-interval monitor on node returned 'not running' (reason) at <date>"
  const current = /^(\S+)\s+(?:(\S+)-interval\s+)?(\S+)\s+on\s+(\S+)\s+(.*)$/.exec(line);
  if (!current) return undefined;
  const rest = current[5] ?? '';
  const returned = /^returned\s+'([^']*)'(?:\s+\((.*?)\))?(?:\s+at\s|$)/.exec(rest);
  const notExecuted = /^could not be executed\s+\(([^)]*)\)/.exec(rest);
  return {
    resource: current[1] ?? '',
    operation: current[3] ?? '',
    node: current[4] ?? '',
    exitStatus: returned?.[1] ?? notExecuted?.[1] ?? rest,
    exitReason: returned?.[2] ?? '',
    intervalMs: current[2] === undefined ? 0 : parseDurationMs(current[2]),
  };
}

function parseDurationMs(text: string): number | undefined {
  const m = /^(\d+)(ms|s|m|h)$/.exec(text);
  if (!m) return undefined;
  const factor = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 }[m[2] as 'ms' | 's' | 'm' | 'h'];
  return Number(m[1]) * factor;
}

/** Cluster-wide pacemaker state from one controller: nodes, every resource instance, failed actions. */
export const pacemakerStatus = {
  id: 'pacemaker-status',
  title: 'Pacemaker cluster status',
  roles: ['controller'],
  scope: 'cluster',
  command: remote(ShellScript.raw('crm_mon --output-as=xml 2>/dev/null || crm_mon -1 -X 2>/dev/null || crm_mon -1 -r'), { privileged: true }),
  timeoutMs: 20_000,
  parse: parsePacemakerStatus,
} satisfies Probe<PacemakerStatus>;
