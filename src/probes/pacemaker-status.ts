import { deploymentMarked, unlessKollaWithout } from '../deployment/detect.js';
import { remote, ShellScript } from '../ssh/shell.js';
import {
  exitReasonOf,
  notRunning,
  resourceOfHistoryId,
  splitOpKey,
  type PacemakerFailedAction,
  type PacemakerNode,
  type PacemakerNodeState,
  type PacemakerParent,
  type PacemakerResource,
  type PacemakerStatus,
} from './pacemaker-ops.js';
import { parseCrmMonText } from './pacemaker-text.js';
import { rawText } from './text.js';
import { ok, unknown, type Probe, type ProbeOutput, type ProbeResult } from './types.js';
import { childElement, childElements, parseXml, type XmlElement } from './xml.js';

export type {
  PacemakerClusterState,
  PacemakerFailedAction,
  PacemakerNode,
  PacemakerNodeState,
  PacemakerNotRunning,
  PacemakerParent,
  PacemakerResource,
  PacemakerStatus,
} from './pacemaker-ops.js';
export { parseCrmMonText } from './pacemaker-text.js';

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
  if (resourcesEl) collectXmlResources(resourcesEl, { parents: [], unmanaged: false, disabled: false }, resources);
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

/** What a clone, group or bundle passes down to the resources it holds. */
interface XmlInherited {
  readonly parents: readonly PacemakerParent[];
  readonly unmanaged: boolean;
  readonly disabled: boolean;
}

/** `target_role="Stopped"` (2.0.4+ writes `stopped`), or a container's `disabled="true"` (2.1.5+). */
function xmlDisabled(el: XmlElement): boolean {
  return flag(el, 'disabled') || /^stopped$/i.test(el.attributes['target_role'] ?? '');
}

function collectXmlResources(el: XmlElement, inherited: XmlInherited, out: PacemakerResource[]): void {
  for (const child of el.children) {
    if (child.name === 'resource') {
      const nodes = childElements(child, 'node').map((n) => n.attributes['name'] ?? '');
      out.push({
        id: child.attributes['id'] ?? '',
        agent: normaliseAgent(child.attributes['resource_agent']),
        role: child.attributes['role'] ?? 'Unknown',
        nodes,
        inactiveOn: undefined,
        managed: !inherited.unmanaged && child.attributes['managed'] !== 'false',
        failed: flag(child, 'failed'),
        disabled: nodes.length === 0 && (inherited.disabled || xmlDisabled(child)),
        parents: inherited.parents,
      });
    } else if (child.name === 'clone' || child.name === 'group' || child.name === 'bundle') {
      collectXmlResources(
        child,
        {
          parents: [...inherited.parents, { id: child.attributes['id'] ?? '', kind: child.name }],
          unmanaged: inherited.unmanaged || child.attributes['managed'] === 'false',
          disabled: inherited.disabled || xmlDisabled(child),
        },
        out,
      );
    } else if (child.name === 'replica') {
      collectXmlResources(child, inherited, out);
    }
  }
}

/**
 * A `<failure>`: `op_key` names resource, operation and interval; an entry without one (CIBs
 * written by older pacemaker) is printed with the history entry's `id` instead (`rsc_last_failure_0`).
 */
function xmlFailure(el: XmlElement): PacemakerFailedAction {
  const a = el.attributes;
  const key = a['op_key'] ?? a['id'] ?? '';
  const split = splitOpKey(key);
  const interval = a['interval'] === undefined ? split?.intervalMs : Number(a['interval']);
  return {
    resource: split?.resource ?? (a['op_key'] === undefined ? resourceOfHistoryId(key) : key),
    operation: a['task'] ?? split?.operation ?? '',
    node: a['node'] ?? '',
    exitStatus: a['exitstatus'] ?? a['status'] ?? '',
    exitReason: exitReasonOf(a['exitreason']),
    intervalMs: Number.isFinite(interval) ? interval : undefined,
  };
}

/** The probe's output: a kolla-ansible node's "no pacemaker here", or crm_mon's answer. */
export function readPacemakerProbe(output: ProbeOutput): ProbeResult<PacemakerStatus> {
  const deployment = deploymentMarked(output.stdout);
  if (deployment === undefined) return parsePacemakerStatus(output);
  return ok({
    running: true,
    format: 'text',
    dc: undefined,
    quorum: undefined,
    maintenanceMode: false,
    nodes: [],
    resources: [],
    failedActions: [],
    notUsedBy: deployment,
  });
}

/** Cluster-wide pacemaker state from one controller: nodes, every resource instance, failed actions. */
export const pacemakerStatus = {
  id: 'pacemaker-status',
  title: 'Pacemaker cluster status',
  roles: ['controller'],
  scope: 'cluster',
  command: remote(unlessKollaWithout('crm_mon', ShellScript.raw('crm_mon --output-as=xml 2>/dev/null || crm_mon -1 -X 2>/dev/null || crm_mon -1 -r')), {
    privileged: true,
  }),
  timeoutMs: 20_000,
  parse: readPacemakerProbe,
} satisfies Probe<PacemakerStatus>;
