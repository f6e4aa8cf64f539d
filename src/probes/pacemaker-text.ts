/**
 * Reads the text of `crm_mon -1 -r` and `pcs status`, pacemaker 1.1 to 3.0: the 1.1 layout
 * (`====` banner, no section headings before the resources, failed actions indented without `*`),
 * and the 2.0.3+ one (`Cluster Summary:`, `* ` items, `Failed Resource Actions:`), also grouped by node (`-n`).
 */
import {
  notRunning,
  parseFailedActionText,
  type PacemakerFailedAction,
  type PacemakerNode,
  type PacemakerNodeState,
  type PacemakerParent,
  type PacemakerResource,
  type PacemakerStatus,
} from './pacemaker-ops.js';
import { lines } from './text.js';
import { ok, unknown, type ProbeResult } from './types.js';

type Section = 'header' | 'nodes' | 'resources' | 'failed' | 'other';

function sectionOf(heading: string): Section {
  const h = heading.toLowerCase();
  if (h === 'cluster summary') return 'header';
  if (h === 'node list') return 'nodes';
  if (/^(full list of resources|active resources|inactive resources)$/.test(h)) return 'resources';
  if (h === 'failed resource actions' || h === 'failed actions') return 'failed';
  return 'other';
}

interface Container extends PacemakerParent {
  readonly indent: number;
  /** For clones: the id of the cloned resource (`rabbitmq` in `rabbitmq-clone [rabbitmq]`). */
  readonly member: string | undefined;
  /** Qualifiers printed after the header: `(disabled, maintenance)`, `(unmanaged) (disabled)`. */
  readonly unmanaged: boolean;
  readonly disabled: boolean;
}

const NODE_LIST = /^(Online|ONLINE|OFFLINE|GuestOnline|GuestOFFLINE|RemoteOnline|RemoteOFFLINE|Standby|Maintenance):\s*\[(.*)\]\s*$/;
const NODE_LINE = /^(Node|GuestNode|RemoteNode)\s+(\S+?)(?:\s+\(\d+\))?:\s*(.+)$/;
// Pacemaker 1.1 named a bundle by its container type (`Docker container set: ovn-dbs-bundle [image]`); 2.0 says `Container bundle set`.
const CONTAINER =
  /^(Clone Set|Master\/Slave Set|Resource Group|Container bundle set|Container bundle|(?:Docker|Podman|rkt) container set|(?:Docker|Podman|rkt) container):\s+(\S+?)(?:\s+\[([^\]]+)\])?((?:\s+\([^)]*\))*):?\s*$/;
const INSTANCE_LIST = /^([A-Za-z]+(?:\s+\([^)]*\))?):\s*\[(.*)\]\s*$/;
const PRIMITIVE = /^(\S+)(?:\s+\([^)]*\))?\s*\(((?:ocf|lsb|systemd|stonith|service|upstart|nagios|heartbeat)[^)]*)\):\s*(.*)$/;
const ROLE_WORDS = new Set(['Started', 'Stopped', 'Master', 'Slave', 'Promoted', 'Unpromoted', 'Starting', 'Stopping', 'Migrating']);
/** Lines that continue a failed action printed over several lines (1.1 put ctime's newline in it). */
const CONTINUATION = /^(last-rc-change=|,|\)|queued=|exec=)/;

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

/** `(disabled, maintenance) (unmanaged)` into its words, lower case. */
function qualifierWords(text: string): string[] {
  return [...text.matchAll(/\(([^)]*)\)/g)].flatMap((m) =>
    (m[1] ?? '')
      .split(',')
      .map((q) => q.trim().toLowerCase())
      .filter((q) => q !== ''),
  );
}

const isUnmanaged = (qualifiers: readonly string[]): boolean => qualifiers.some((q) => q === 'unmanaged' || q === 'maintenance');
const isDisabled = (qualifiers: readonly string[]): boolean => qualifiers.some((q) => q === 'disabled' || /^target-role:\s*stopped$/.test(q));

/** Reads `crm_mon -1 -r` / `pcs status` text, pacemaker 1.1 to 3.0 layouts. */
export function parseCrmMonText(stdout: string, raw: string): ProbeResult<PacemakerStatus> {
  const nodes = new Map<string, PacemakerNode>();
  const resources: PacemakerResource[] = [];
  const failedRecords: string[] = [];
  let section: Section = 'header';
  let sawSummary = false;
  let dc: string | undefined;
  let quorum: boolean | undefined;
  let maintenanceMode = false;
  let stack: Container[] = [];
  /** In the node list grouped by node (`crm_mon -n`): the node whose resources follow, indented under it. */
  let groupNode: string | undefined;
  let groupIndent = 0;

  const addNode = (name: string, state: PacemakerNodeState, kind: PacemakerNode['kind']): void => {
    nodes.set(name, { name, state, kind });
  };

  for (const rawLine of lines(stdout)) {
    if (rawLine.trim() === '') continue;
    const indent = rawLine.search(/\S/);
    const starred = rawLine.trim().startsWith('*');
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
      if (section === 'header') sawSummary = true;
      stack = [];
      groupNode = undefined;
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
        groupNode = undefined;
        continue;
      }
      const single = NODE_LINE.exec(line);
      if (single) {
        const name = (single[2] ?? '').replace(/@.*$/, '');
        const state = textNodeState(single[3] ?? '');
        const kind = single[1] === 'GuestNode' ? 'guest' : single[1] === 'RemoteNode' ? 'remote' : 'member';
        if (state) addNode(name, state, kind);
        groupNode = name;
        groupIndent = indent;
        continue;
      }
      if (groupNode !== undefined && indent > groupIndent) {
        // `crm_mon -n`: the resources each node runs, indented under it (`Node n1: online` in 2.0.0,
        // `* Node n1: online:` then `* Resources:` since 2.0.3).
        if (line !== 'Resources:') parseResourceLine(line, indent, stack, resources, maintenanceMode, groupNode);
        continue;
      }
      if (section === 'header' && nodes.size > 0 && (CONTAINER.test(line) || PRIMITIVE.test(line))) {
        // Pacemaker 1.1 without -r lists the resources right after the nodes, with no heading.
        section = 'resources';
      } else continue;
    }
    if (section === 'resources') {
      parseResourceLine(line, indent, stack, resources, maintenanceMode, undefined);
      continue;
    }
    if (section === 'failed') {
      const last = failedRecords.length - 1;
      if (!starred && last >= 0 && CONTINUATION.test(line)) failedRecords[last] = `${failedRecords[last] ?? ''} ${line}`;
      else failedRecords.push(line);
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
    failedActions: failedRecords.map(parseFailedActionText).filter((a): a is PacemakerFailedAction => a !== undefined),
  });
}

function parseResourceLine(
  line: string,
  indent: number,
  stack: Container[],
  out: PacemakerResource[],
  maintenanceMode: boolean,
  groupNode: string | undefined,
): void {
  while (stack.length > 0 && (stack[stack.length - 1]?.indent ?? 0) >= indent) stack.pop();
  const parents = (): PacemakerParent[] => stack.map(({ id, kind }) => ({ id, kind }));
  const inheritedUnmanaged = maintenanceMode || stack.some((c) => c.unmanaged);
  const inheritedDisabled = stack.some((c) => c.disabled);
  const container = CONTAINER.exec(line);
  if (container) {
    const label = container[1] ?? '';
    const kind = label.startsWith('Resource Group') ? 'group' : /container/i.test(label) ? 'bundle' : 'clone';
    const qualifiers = qualifierWords(container[4] ?? '');
    stack.push({ id: container[2] ?? '', kind, indent, member: container[3], unmanaged: isUnmanaged(qualifiers), disabled: isDisabled(qualifiers) });
    return;
  }
  if (/^Replica\[\d+\]$/.test(line)) return;
  const innermost = stack[stack.length - 1];
  const instances = INSTANCE_LIST.exec(line);
  if (instances && innermost?.kind === 'clone') {
    const label = instances[1] ?? '';
    const role = singularRole(label.split(/\s+/)[0] ?? '');
    const qualifiers = qualifierWords(label);
    for (const node of nodeNames(instances[2] ?? '')) {
      const stopped = role === 'Stopped';
      out.push({
        id: innermost.member ?? innermost.id,
        agent: undefined,
        role,
        nodes: stopped ? [] : [node],
        inactiveOn: stopped ? node : undefined,
        managed: !inheritedUnmanaged && !isUnmanaged(qualifiers),
        failed: role === 'FAILED',
        disabled: stopped && (inheritedDisabled || isDisabled(qualifiers)),
        parents: parents(),
      });
    }
    return;
  }
  const primitive = PRIMITIVE.exec(line);
  if (!primitive) return;
  const statusText = primitive[3] ?? '';
  const qualifiers = qualifierWords(statusText);
  const words = statusText
    .replace(/\([^)]*\)/g, ' ')
    .replace(/[[\]]/g, ' ')
    .split(/\s+/)
    .filter((w) => w !== '');
  // 2.x prints `FAILED node`; 1.1 printed `Started node FAILED`.
  const failed = words.includes('FAILED');
  const rest = words.filter((w) => w !== 'FAILED');
  let role = failed ? 'Started' : 'Unknown';
  if (rest[0] !== undefined && ROLE_WORDS.has(rest[0])) role = rest.shift() ?? role;
  const stopped = role === 'Stopped';
  const where = rest.length === 0 && groupNode !== undefined && !stopped ? [groupNode] : rest;
  out.push({
    id: primitive[1] ?? '',
    agent: primitive[2]?.replace(/::/g, ':'),
    role,
    nodes: stopped ? [] : where,
    // A stopped bundle replica names the node its container is placed on.
    inactiveOn: stopped ? where[0] : undefined,
    managed: !inheritedUnmanaged && !isUnmanaged(qualifiers),
    failed,
    disabled: stopped && (inheritedDisabled || isDisabled(qualifiers)),
    parents: parents(),
  });
}

function singularRole(label: string): string {
  if (label === 'Masters') return 'Master';
  if (label === 'Slaves') return 'Slave';
  return label;
}
