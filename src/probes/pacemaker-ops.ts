import type { Deployment } from '../deployment/types.js';
/**
 * What the crm_mon readers (XML and text) share: operation keys, exit reasons, and the wording
 * of a failed resource action in each pacemaker release's text output. All pure.
 */
import { lines } from './text.js';

/** A failed resource operation from "Failed Resource Actions" (crm_mon text) or `<failure>` (XML). */
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

/** crm_mon answered but the cluster stack is not running on the node (or the CIB is unreachable). */
export interface PacemakerNotRunning {
  readonly running: false;
  readonly message: string;
}

const NOT_RUNNING = [
  /Could not connect to the CIB/i,
  /connection to cluster failed/i,
  /cluster is not currently running on this node/i,
  /cluster is not available on this node/i,
];

/** The line of `raw` saying the cluster stack is down, if there is one. */
export function notRunning(raw: string): PacemakerNotRunning | undefined {
  for (const line of lines(raw)) {
    if (NOT_RUNNING.some((p) => p.test(line))) {
      return { running: false, message: line.replace(/<[^>]+>/g, '').trim() };
    }
  }
  return undefined;
}

const OPERATIONS = 'monitor|start|stop|promote|demote|notify|migrate_to|migrate_from|reload|reload-agent|probe|cancel';
const OP_KEY = new RegExp(`^(.+)_(${OPERATIONS})_(\\d+)$`);

/** `rabbitmq_monitor_30000` into its resource, operation and interval. */
export function splitOpKey(opKey: string): { resource: string; operation: string; intervalMs: number } | undefined {
  const m = OP_KEY.exec(opKey);
  return m ? { resource: m[1] ?? '', operation: m[2] ?? '', intervalMs: Number(m[3]) } : undefined;
}

/**
 * The resource named by the id of an operation history entry (`vip_last_failure_0`), used when
 * the entry has no operation key. Pacemaker 2.0.x prints the literal `id` there: no resource then.
 */
export function resourceOfHistoryId(id: string): string {
  if (id === 'id') return '';
  return id.replace(/_last_(?:failure_)?\d+$/, '');
}

/**
 * Pacemaker prints `none` when the agent gave no exit reason (1.1.13 to 2.1, in text and XML):
 * that is the absence of a reason, not one.
 */
export function exitReasonOf(text: string | undefined): string {
  const t = (text ?? '').trim();
  return t === 'none' || t === '(null)' ? '' : t;
}

/** `30s`, `1m30s`, `2h`, `500ms` (pacemaker's readable intervals) in milliseconds. */
export function parseDurationMs(text: string): number | undefined {
  if (!/^(\d+(ms|s|m|h|d))+$/.test(text)) return undefined;
  const factor: Readonly<Record<string, number>> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };
  let total = 0;
  for (const m of text.matchAll(/(\d+)(ms|s|m|h|d)/g)) total += Number(m[1]) * (factor[m[2] ?? ''] ?? 0);
  return total;
}

/** A "monitor"/"probe" as pacemaker 2.1+ names it back to the operation it is. */
function operationOf(readable: string): string {
  return readable === 'probe' ? 'monitor' : readable;
}

/**
 * Reads one failed action of the text output, once its continuation lines are joined with spaces.
 * The wordings, oldest first:
 * - 1.1.7 to 1.1.11: `rsc_monitor_30000 (node=n1, call=30, rc=7, status=complete[, last-rc-change=...]): not running`
 * - 1.1.12 to 2.0: `rsc_monitor_30000 on n1 'not running' (7): call=30, status=complete, exit[-]reason='...', ...`
 * - 2.1+: `rsc 30s-interval monitor on n1 returned 'not running' (reason) at <date>`,
 *   `... could not be executed (Error) because 'reason' at ...` (2.1) or `(Error: reason)` (3.0),
 *   `rsc_last failure on n1 returned ...` and `unknown resource unknown action on n1 ...` when the
 *   history entry has no operation key.
 */
export function parseFailedActionText(record: string): PacemakerFailedAction | undefined {
  const line = record.replace(/\s+/g, ' ').trim();
  const legacy = /^(\S+) \(node=([^,]+), call=[^,]*, rc=(\d+), status=([^,)]+)[^)]*\):\s*(.*)$/.exec(line);
  if (legacy) {
    const key = legacy[1] ?? '';
    const split = splitOpKey(key);
    return {
      resource: split?.resource ?? resourceOfHistoryId(key),
      operation: split?.operation ?? '',
      node: legacy[2] ?? '',
      exitStatus: (legacy[5] ?? '').trim() || `rc=${legacy[3] ?? ''}`,
      exitReason: '',
      intervalMs: split?.intervalMs,
    };
  }
  const keyed = /^(\S+) on (\S+) '([^']*)' \((\d+)\):\s*(.*)$/.exec(line);
  if (keyed) {
    const key = keyed[1] ?? '';
    const split = splitOpKey(key);
    const rest = keyed[5] ?? '';
    return {
      resource: split?.resource ?? resourceOfHistoryId(key),
      operation: split?.operation ?? '',
      node: keyed[2] ?? '',
      exitStatus: keyed[3] ?? '',
      exitReason: exitReasonOf(/exit-?reason='([^']*)'/.exec(rest)?.[1]),
      intervalMs: split?.intervalMs,
    };
  }
  const unkeyed = /^(?:unknown resource unknown action|(\S+)_last failure) on (\S+) (.*)$/.exec(line);
  if (unkeyed) return { resource: unkeyed[1] ?? '', operation: '', node: unkeyed[2] ?? '', ...resultOf(unkeyed[3] ?? ''), intervalMs: undefined };
  const friendly = /^(\S+) (?:(\S+)-interval )?(\S+) on (\S+) (.*)$/.exec(line);
  if (!friendly) return undefined;
  return {
    resource: friendly[1] ?? '',
    operation: operationOf(friendly[3] ?? ''),
    node: friendly[4] ?? '',
    ...resultOf(friendly[5] ?? ''),
    intervalMs: friendly[2] === undefined ? 0 : parseDurationMs(friendly[2]),
  };
}

/** The result part of a 2.1+ failed action: `returned '...' (reason) at ...` or `could not be executed ...`. */
function resultOf(rest: string): { exitStatus: string; exitReason: string } {
  const returned = /^returned '([^']*)'(?: \((.*?)\))?(?: at |$| after )/.exec(rest);
  if (returned) return { exitStatus: returned[1] ?? '', exitReason: exitReasonOf(returned[2]) };
  const because = /^could not be executed \(([^)]*)\) because '([^']*)'/.exec(rest);
  if (because) return { exitStatus: because[1] ?? '', exitReason: exitReasonOf(because[2]) };
  const notExecuted = /^could not be executed \(([^):]*)(?:: ([^)]*))?\)/.exec(rest);
  if (notExecuted) return { exitStatus: notExecuted[1] ?? '', exitReason: exitReasonOf(notExecuted[2]) };
  return { exitStatus: rest, exitReason: '' };
}

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
  /**
   * Stopped on purpose (target-role Stopped: `Stopped (disabled)`). Always set by the parsers;
   * optional only so values built before the field existed still type-check.
   */
  readonly disabled?: boolean;
  /** Containers, outermost first (a group inside a clone gives `[clone, group]`). */
  readonly parents: readonly PacemakerParent[];
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
  /**
   * Set when the node's deployment has no pacemaker at all (kolla-ansible: HA through keepalived and
   * haproxy, RabbitMQ and Galera clustered natively): nothing to judge, and nothing missing.
   */
  readonly notUsedBy?: Deployment | undefined;
}

/** The value of the `pacemaker-status` probe. */
export type PacemakerStatus = PacemakerClusterState | PacemakerNotRunning;
