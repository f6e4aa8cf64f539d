import type { AuditEntry } from '../audit/audit-log.js';
import { redact } from '../redact.js';
import { mrkdwnToBlocks, renderTemplate } from '../render/templates.js';
import type { Reply, SlackBlock } from '../router/types.js';
import { serviceOfLog, type Signature } from '../signatures/index.js';
import { runButton } from '../render/run-button.js';
import type { Incident, IncidentEvent, StoredEvidence } from './types.js';
import { timelineChart, timelineMermaid } from './timeline-picture.js';
import type { TimelineChart } from '../render/timeline-svg.js';
import { endsRecoveredState, recoveredStates, recoveryPlace, recoveryRef, type RecoveredState } from './recoveries.js';
import { classificationLine, isUnrecognisedEvidence, latestLogErrors } from './unrecognised-evidence.js';
import { incidentTitle } from './title.js';
import { compareNodes } from '../inventory/node-order.js';
import { stepVersionText, versionNotes, versionNoteText, type VersionNote } from './version-notes.js';

/**
 * Views of an incident for the templates: the summary (Slack message top, `/incident show`) and the
 * post-mortem. Everything shown is derived from the stored incident, its evidence, its events and
 * the audit log, so a post-mortem written a week later says the same as one written at once.
 */

const SEVERITY_EMOJI: Readonly<Record<string, string>> = {
  critical: ':red_circle:',
  major: ':large_orange_circle:',
  minor: ':large_yellow_circle:',
  info: ':white_circle:',
};

/** For Slack mrkdwn: `&`, `<` and `>` are markup there. */
function escapeSlack(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

function seconds(from: string, to: string): number {
  return Math.max(0, Math.round((Date.parse(to) - Date.parse(from)) / 1000));
}

/** `node-10:/var/log/rabbitmq/rabbit@node-10.log:37`, or `node-10 (probe)`. */
export function evidenceRef(e: Pick<StoredEvidence, 'node' | 'file' | 'line' | 'kind'>): string {
  return e.kind === 'log' && e.file ? `${e.node}:${e.file}:${e.line ?? '?'}` : `${e.node} (probe)`;
}

/** Signatures of the chain, root first, then the rest of the evidence's signatures. */
function chainOrder(incident: Incident, evidence: readonly StoredEvidence[]): string[] {
  const order = incident.chain ? [incident.chain.root.signature, ...incident.chain.links.map((l) => l.signature)] : [incident.root.signature];
  for (const e of evidence) if (!order.includes(e.signature)) order.push(e.signature);
  return order;
}

/**
 * The key evidence: for each signature in causal order, the first record of each of its log
 * episodes (a probe fact when no log shows it), `perSignature` at most, skipping records already
 * shown for another signature; at most `limit` in all.
 */
export function keyEvidence(incident: Incident, all: readonly StoredEvidence[], limit = 8, perSignature = 2): StoredEvidence[] {
  const evidence = findingsOf(all);
  const out: StoredEvidence[] = [];
  const shown = new Set<string>();
  const episodes = logEpisodes(evidence);
  for (const id of chainOrder(incident, evidence)) {
    const mine = evidence.filter((e) => e.signature === id);
    const logs = mine.filter((e) => e.kind === 'log');
    const firsts = episodes.filter((ep) => ep.signature === id).map((ep) => ep.first);
    const pool = logs.length > 0 ? [...firsts, ...logs] : mine;
    let taken = 0;
    for (const e of pool) {
      const place = `${e.node}|${e.file ?? ''}|${e.line ?? e.signature}`;
      if (taken >= perSignature || shown.has(place)) continue;
      shown.add(place);
      out.push(e);
      taken++;
    }
  }
  return out.slice(0, limit);
}

/** Everything an incident view is made from. */
export interface IncidentData {
  readonly incident: Incident;
  readonly evidence: readonly StoredEvidence[];
  readonly events: readonly IncidentEvent[];
  readonly signatures: readonly Signature[];
  /** The clock of the view ("open for 2h 5m"). */
  readonly now: string;
  /** When the green streak resolves the incident, if it stays green. */
  readonly resolveAfterMinutes?: number;
}

function titleOf(signatures: readonly Signature[], id: string): string {
  return signatures.find((s) => s.id === id)?.title ?? id;
}

/** The findings of an incident's evidence: without the row of unrecognised errors, which no signature made. */
function findingsOf<E extends StoredEvidence>(evidence: readonly E[]): E[] {
  return evidence.filter((e) => !isUnrecognisedEvidence(e));
}

/** Times of the evidence that shows something wrong, in order: a recovery record ("Server startup complete") is no symptom. */
function symptomTimes(evidence: readonly StoredEvidence[], signatures: readonly Signature[]): string[] {
  const recoveries = new Set(signatures.filter((s) => s.clears !== undefined).map((s) => s.id));
  return evidence
    .filter((e) => !recoveries.has(e.signature))
    .map((e) => e.time)
    .filter((t): t is string => t !== null)
    .sort();
}

/**
 * The steps of the chain, root first; `version` says what the installed version says of a step's
 * signature on its nodes ("on a fixed version (...): likely not this bug"), when it declares one.
 */
function chainSteps(
  data: IncidentData,
  esc: (s: string) => string,
  notes: readonly VersionNote[],
): { title: string; where: string; depth: number; firstSeen: string | null; recovered: boolean; version: string | null }[] {
  const { incident, signatures } = data;
  const version = (signature: string, nodes: readonly string[]): string | null => {
    const text = stepVersionText(notes, signature, nodes);
    return text === null ? null : esc(text);
  };
  if (!incident.chain) {
    const { signature, node } = incident.root;
    return [{ title: esc(titleOf(signatures, signature)), where: node, depth: 0, firstSeen: null, recovered: false, version: version(signature, [node]) }];
  }
  const { root, links } = incident.chain;
  return [
    {
      title: esc(titleOf(signatures, root.signature)),
      where: root.node,
      depth: 0,
      firstSeen: root.time,
      recovered: false,
      version: version(root.signature, [root.node]),
    },
    ...links.map((l) => ({
      title: esc(titleOf(signatures, l.signature)),
      where: `${l.nodes.length <= 3 ? l.nodes.join(', ') : `${l.nodes.length} nodes`}${l.services && l.services.length > 1 ? ` (${l.services.length} services)` : ''}`,
      depth: l.depth,
      firstSeen: l.firstSeen,
      recovered: l.recovered,
      version: version(l.signature, l.nodes),
    })),
  ];
}

/** The version notes for the views, in causal order: the signature, its nodes and the verdict in words. */
function versionsView(
  incident: Incident,
  evidence: readonly StoredEvidence[],
  notes: readonly VersionNote[],
  signatures: readonly Signature[],
  esc: (s: string) => string,
): Record<string, unknown>[] {
  const order = chainOrder(incident, evidence);
  const rank = (n: VersionNote): number => (order.includes(n.signature) ? order.indexOf(n.signature) : order.length);
  return [...notes]
    .sort((a, b) => rank(a) - rank(b))
    .map((n) => ({
      title: esc(titleOf(signatures, n.signature)),
      nodes: n.nodes.length <= 3 ? n.nodes.join(', ') : `${n.nodes.length} nodes (${n.nodes.slice(0, 3).join(', ')}, ...)`,
      verdict: n.verdict,
      text: esc(versionNoteText(n)),
    }));
}

/** Recovered states for the views: what it was, where, and the line that shows it cleared. */
function recoveredView(states: readonly RecoveredState[], signatures: readonly Signature[], esc: (s: string) => string): Record<string, unknown>[] {
  return states.map((r) => ({
    title: esc(titleOf(signatures, r.signature)),
    node: r.node,
    at: r.at,
    since: r.since,
    by: esc(titleOf(signatures, r.by.signature)),
    endedWith: r.endedWith ? esc(`${titleOf(signatures, r.endedWith.signature)} on ${r.endedWith.node}`) : null,
    place: esc(recoveryPlace(r)),
    ref: recoveryRef(r),
  }));
}

/** "RabbitMQ stopped on node-10 recovered", or for a consequence "AMQP unreachable on node-11 ended with RabbitMQ stopped on node-10, recovered". */
function recoveredWhat(r: RecoveredState, signatures: readonly Signature[]): string {
  const what = `${titleOf(signatures, r.signature)} on ${r.node}`;
  return r.endedWith ? `${what} ended with ${titleOf(signatures, r.endedWith.signature)} on ${r.endedWith.node}, recovered` : `${what} recovered`;
}

/** How many unrecognised groups the views list (the rest are counted). */
const UNRECOGNISED_SHOWN = 5;

/**
 * The unrecognised errors of the incident's logs for the views: the line with the rate (or why
 * there is none) and the top groups with their counts. `measured` is false for an incident no
 * check classified (opened before checks did): then the views say so instead of claiming a rate.
 */
function unrecognisedView(evidence: readonly StoredEvidence[], esc: (s: string) => string): Record<string, unknown> {
  const errors = latestLogErrors(evidence);
  if (!errors) return { measured: false, line: 'not measured: no check classified the error records of this incident', groups: [], more: 0 };
  const total = errors.groups.length + errors.moreGroups;
  return {
    measured: true,
    line: esc(classificationLine(errors)),
    groups: errors.groups.slice(0, UNRECOGNISED_SHOWN).map((g, i) => ({
      n: i + 1,
      count: g.count,
      nodes: g.nodes.join(', '),
      first: g.first,
      last: g.last !== g.first ? g.last : null,
      template: esc(redact(g.template)),
      // A pipe would end a Markdown table cell early, a backquote its code span.
      templateCell: redact(g.template).replace(/\|/g, '\\|').replace(/`/g, "'"),
      example: `${g.example.node}:${g.example.file}:${g.example.line}`,
    })),
    more: Math.max(0, total - UNRECOGNISED_SHOWN),
  };
}

/** The summary's view model; `slack` escapes free text for mrkdwn. */
export function summaryView(data: IncidentData, target: 'slack' | 'text'): Record<string, unknown> {
  const esc = target === 'slack' ? escapeSlack : (s: string): string => s;
  const { incident, events, signatures } = data;
  const evidence = findingsOf(data.evidence);
  const recovered = recoveredStates(evidence, signatures);
  const notes = versionNotes(evidence);
  const key = keyEvidence(incident, evidence);
  const firstSymptom = symptomTimes(evidence, signatures)[0] ?? null;
  const end = incident.resolvedAt ?? data.now;
  const timeline = [
    ...(firstSymptom && firstSymptom < incident.openedAt ? [{ at: firstSymptom, text: 'first symptom in the logs' }] : []),
    ...recovered.flatMap((r) => (r.at ? [{ at: r.at, text: esc(`${recoveredWhat(r, signatures)} — ${recoveryPlace(r)}`) }] : [])),
    ...events.filter((e) => e.kind !== 'evidence').map((e) => ({ at: e.at, text: esc(firstLine(e.text)) })),
  ].sort((a, b) => a.at.localeCompare(b.at));
  const resolvesAt =
    incident.greenSince && data.resolveAfterMinutes !== undefined
      ? new Date(Date.parse(incident.greenSince) + data.resolveAfterMinutes * 60_000).toISOString()
      : null;
  return {
    id: incident.id,
    open: incident.status === 'open',
    status: incident.status.toUpperCase(),
    severity: incident.severity,
    emoji: incident.status === 'open' ? (SEVERITY_EMOJI[incident.severity] ?? ':red_circle:') : ':white_check_mark:',
    title: esc(incidentTitle(incident)),
    chainText: esc(incident.chainText),
    chain: chainSteps(data, esc, notes),
    recovered: recoveredView(recovered, signatures, esc),
    versions: versionsView(incident, evidence, notes, signatures, esc),
    unrecognised: unrecognisedView(data.evidence, esc),
    impact: incident.impact.slice(0, 8).map((p) => esc(p.summary)),
    impactMore: Math.max(0, incident.impact.length - 8),
    evidence: key.map((e) => ({ ref: evidenceRef(e), time: e.time, title: esc(titleOf(signatures, e.signature)), text: esc(redact(e.text)) })),
    evidenceCount: evidence.length,
    nextSteps: incident.status === 'open' ? incident.nextSteps : [],
    timeline: timeline.slice(-10),
    timelineMore: Math.max(0, timeline.length - 10),
    openedAt: incident.openedAt,
    resolvedAt: incident.resolvedAt,
    resolvedBy: incident.resolvedBy,
    resolution: incident.resolution ? esc(incident.resolution) : null,
    greenSince: incident.status === 'open' ? incident.greenSince : null,
    resolvesAt: incident.status === 'open' ? resolvesAt : null,
    durationSeconds: seconds(incident.openedAt, end),
    reopenCount: incident.reopenCount,
  };
}

function firstLine(text: string): string {
  return text.split('\n')[0] ?? '';
}

/**
 * Run buttons for the recommended runbook commands (the first five): a press runs the command as
 * the presser, through the router, with its permission check, confirmation and audit. One actions
 * block per button, since action ids must be unique within a block.
 */
export function runbookButtons(incident: Incident): SlackBlock[] {
  if (incident.status !== 'open') return [];
  return incident.nextSteps.slice(0, 5).map((command, i) => ({
    type: 'actions',
    block_id: `stackmedic_incident_${incident.id}_run_${i}`,
    elements: [runButton(command, `Run ${command}`)],
  }));
}

/** The incident summary as a reply: text for the console, Block Kit (with runbook buttons) for Slack. */
export function summaryReply(data: IncidentData): Reply {
  const { incident } = data;
  return {
    ok: incident.status === 'resolved',
    title: `${incident.status === 'open' ? 'Incident' : 'Resolved incident'} #${incident.id} (${incident.severity}): ${incidentTitle(incident)}`,
    text: renderTemplate('incident-summary.txt', summaryView(data, 'text')),
    blocks: [...mrkdwnToBlocks(renderTemplate('incident-summary.slack', summaryView(data, 'slack'))), ...runbookButtons(incident)],
    data: { incident, evidence: data.evidence.length },
  };
}

/** How the bot's own events read in a timeline (the opened and green texts say it themselves). */
const OWN_EVENT_PREFIX: Partial<Record<IncidentEvent['kind'], string>> = { resolved: 'Resolved: ', reopened: 'Reopened: ', note: 'Note: ' };

/** One line of the post-mortem timeline. */
export interface TimelineEntry {
  readonly at: string;
  readonly source: 'log' | 'recovery' | 'probe' | 'stackmedic' | 'audit';
  readonly text: string;
  /** Remote commands of an audited action, with their exit codes. */
  readonly details?: readonly string[];
}

/** What the post-mortem needs besides the incident: the audit trail over its window. */
export interface PostmortemData extends IncidentData {
  readonly audit: readonly AuditEntry[];
}

/**
 * Audited commands people ran (not the bot's checks, not reading incidents). Runbook step records
 * and button presses are left out: the command they belong to is listed, with its remote commands.
 */
export function isOperatorAction(entry: AuditEntry): boolean {
  // A confirmation request that was given is not an action of its own: its run is audited apart.
  return (
    entry.kind === 'command' && !/^\/incident (?:list|show|postmortem)\b/.test(entry.command) && entry.outcome !== 'pending' && entry.outcome !== 'confirmed'
  );
}

/** An action's remote commands with their exit codes, at most `limit` of them. */
export function remoteLines(entry: AuditEntry, limit: number): string[] {
  const lines = entry.remote
    .slice(0, limit)
    .map(
      (r) =>
        `${r.node}: \`${r.command.length > 160 ? `${r.command.slice(0, 157)}...` : r.command}\` -> ${r.ok ? `exit ${r.exitCode ?? '?'}` : `failed: ${r.failure ?? 'unknown'}`}`,
    );
  if (entry.remote.length > limit) lines.push(`and ${entry.remote.length - limit} more remote commands (audit #${entry.id})`);
  return lines;
}

/**
 * What an action did, for people: a runbook's steps (description, outcome, the command acted with)
 * when the audit has them, else its remote commands; and a count of remote commands and of the
 * non-zero exits among them.
 */
export function actionDetails(entry: AuditEntry, audit: readonly AuditEntry[], limit: number): string[] {
  const prefix = `${entry.command} · step `;
  const steps = audit.filter(
    (s) =>
      s.kind === 'runbook' &&
      s.actorId === entry.actorId &&
      s.command.startsWith(prefix) &&
      s.startedAt >= entry.startedAt &&
      (entry.endedAt === null || s.startedAt <= entry.endedAt),
  );
  if (steps.length === 0) return remoteLines(entry, limit);
  const lines = steps.slice(0, limit).map((s) => {
    const acted = (s.detail ?? '').split('\n').find((l) => l.startsWith('$ '));
    const command = acted ? ` \`${acted.length > 162 ? `${acted.slice(2, 159)}...` : acted.slice(2)}\`` : '';
    return `${s.command.slice(prefix.length - 5)}: ${s.outcome ?? 'unfinished'}${command}`;
  });
  if (steps.length > limit) lines.push(`and ${steps.length - limit} more steps`);
  const failed = entry.remote.filter((r) => !r.ok || r.exitCode !== 0).length;
  lines.push(`${entry.remote.length} remote commands, ${failed} with a non-zero exit or failure (audit #${entry.id})`);
  return lines;
}

function auditLine(e: AuditEntry): string {
  return `${e.actorName} ran \`${e.command}\` (${e.via}): ${e.outcome ?? 'unfinished'}${e.detail && e.outcome !== 'ok' ? ` (${e.detail})` : ''}`;
}

/**
 * The merged timeline: the first log record of each signature on each node (with its place), each
 * state that recovered (when, and the record that shows it, instead of that record as a plain log
 * line), the bot's own events (opened, green, resolved...), and every audited action with its
 * remote commands and exit codes, ordered by time.
 */
export function postmortemTimeline(data: PostmortemData, maxLogEntries = 40): TimelineEntry[] {
  const { events, signatures } = data;
  const evidence = findingsOf(data.evidence);
  const recovered = recoveredStates(evidence, signatures);
  const recoveries: TimelineEntry[] = recovered.flatMap((r) =>
    r.at
      ? [
          {
            at: r.at,
            source: 'recovery' as const,
            text: `${recoveredWhat(r, signatures)}: ${titleOf(signatures, r.by.signature)} (\`${recoveryRef(r)}\`)`,
          },
        ]
      : [],
  );
  const logs = logEpisodes(evidence.filter((e) => !endsRecoveredState(e, recovered)))
    .slice(0, maxLogEntries)
    .map((ep): TimelineEntry => {
      const nodes = ep.nodes.length <= 3 ? ep.nodes.join(', ') : `${ep.nodes.length} nodes`;
      const services = ep.services.length > 1 ? ` in ${ep.services.length} services` : '';
      const count = ep.count > 1 ? `, ${ep.count} records` : '';
      return {
        at: ep.first.time as string,
        source: 'log',
        text: `${titleOf(signatures, ep.signature)} on ${nodes}${services}${count} (\`${evidenceRef(ep.first)}\`)`,
      };
    });
  const probes: TimelineEntry[] = [];
  const probeSeen = new Set<string>();
  for (const e of evidence.filter((x) => x.kind === 'probe')) {
    if (probeSeen.has(e.signature)) continue;
    probeSeen.add(e.signature);
    const nodes = [...new Set(evidence.filter((x) => x.kind === 'probe' && x.signature === e.signature).map((x) => x.node))];
    probes.push({ at: e.firstSeenAt, source: 'probe', text: `${titleOf(signatures, e.signature)} on ${nodes.join(', ')} (probe)` });
  }
  const own: TimelineEntry[] = events
    .filter((e) => e.kind !== 'evidence' && e.kind !== 'action')
    .map((e) => ({
      at: e.at,
      source: 'stackmedic',
      text: `${OWN_EVENT_PREFIX[e.kind] ?? ''}${firstLine(e.text)}${e.actor && e.actor !== 'stackmedic' ? ` (${e.actor})` : ''}`,
    }));
  const actions: TimelineEntry[] = data.audit.filter(isOperatorAction).map((a) => ({
    at: a.startedAt,
    source: 'audit',
    text: auditLine(a),
    details: actionDetails(a, data.audit, 15),
  }));
  const rank = { log: 0, recovery: 1, probe: 2, stackmedic: 3, audit: 4 } as const;
  return [...logs, ...recoveries, ...probes, ...own, ...actions].sort((a, b) => a.at.localeCompare(b.at) || rank[a.source] - rank[b.source]);
}

/** The post-mortem's timeline as a chart, for its pictures (the Mermaid block, the PNG in Slack). */
export function postmortemChart(data: PostmortemData, timeline: readonly TimelineEntry[] = postmortemTimeline(data)): TimelineChart {
  return timelineChart({ title: `Incident #${data.incident.id}: ${incidentTitle(data.incident)}`, entries: timeline });
}

/** A burst of one signature in the logs: records no more than `gapMs` apart. */
export interface LogEpisode {
  readonly signature: string;
  readonly first: StoredEvidence;
  readonly nodes: readonly string[];
  readonly services: readonly string[];
  readonly count: number;
}

/**
 * Log evidence as episodes: per signature, records in time order, a new episode after a quiet gap
 * (30 min by default). The seed's full disk shows twice this way (RabbitMQ's alarm at 05:49, then
 * cinder's ENOSPC at 10:35), while a hundred AMQP errors a minute apart stay one line.
 */
export function logEpisodes(evidence: readonly StoredEvidence[], gapMs = 30 * 60_000): LogEpisode[] {
  const bySignature = new Map<string, StoredEvidence[]>();
  for (const e of evidence) {
    if (e.kind !== 'log' || e.time === null) continue;
    bySignature.set(e.signature, [...(bySignature.get(e.signature) ?? []), e]);
  }
  const episodes: LogEpisode[] = [];
  for (const [signature, records] of bySignature) {
    records.sort((a, b) => (a.time as string).localeCompare(b.time as string));
    let current: StoredEvidence[] = [];
    const flush = (): void => {
      const first = current[0];
      if (!first) return;
      episodes.push({
        signature,
        first,
        nodes: [...new Set(current.map((r) => r.node))].sort(compareNodes),
        services: [...new Set(current.map((r) => serviceOfLog(r.file ?? '')))],
        count: current.length,
      });
      current = [];
    };
    for (const r of records) {
      const last = current.at(-1);
      if (last && Date.parse(r.time as string) - Date.parse(last.time as string) > gapMs) flush();
      current.push(r);
    }
    flush();
  }
  return episodes.sort((a, b) => (a.first.time as string).localeCompare(b.first.time as string));
}

/** The post-mortem's view model. */
export function postmortemView(data: PostmortemData): Record<string, unknown> {
  const { incident, signatures } = data;
  const evidence = findingsOf(data.evidence);
  const notes = versionNotes(evidence);
  const byId = new Map(signatures.map((s) => [s.id, s]));
  const end = incident.resolvedAt ?? data.now;
  const firstSymptom = symptomTimes(evidence, signatures)[0] ?? incident.openedAt;
  const actions = data.audit.filter(isOperatorAction);
  const count = (outcome: string): number => actions.filter((a) => a.outcome === outcome).length;
  const detectSeconds = seconds(firstSymptom, incident.openedAt);
  const resolveSeconds = seconds(incident.openedAt, end);
  const well: string[] = [];
  const badly: string[] = [];
  if (incident.chain)
    well.push(
      `The root cause (${titleOf(signatures, incident.root.signature)} on ${incident.root.node}) was identified automatically, with the chain of consequences.`,
    );
  if (detectSeconds <= 15 * 60) well.push(`Detected within ${Math.max(1, Math.round(detectSeconds / 60))} min of the first symptom.`);
  else
    badly.push(
      `Detected late: the first symptom (${firstSymptom.slice(0, 19).replace('T', ' ')} UTC) came ${humanSpan(detectSeconds)} before the incident was opened.`,
    );
  if (count('ok') > 0)
    well.push(`${count('ok')} action${count('ok') === 1 ? '' : 's'} taken from the channel succeeded, each recorded with its remote commands.`);
  if (count('refused') > 0)
    well.push(`${count('refused')} action${count('refused') === 1 ? ' was' : 's were'} refused by safety checks before touching the cluster.`);
  if (count('failed') + count('error') > 0)
    badly.push(
      `${count('failed') + count('error')} action${count('failed') + count('error') === 1 ? '' : 's'} failed: ${actions
        .filter((a) => a.outcome === 'failed' || a.outcome === 'error')
        .map((a) => `\`${a.command}\``)
        .join(', ')}.`,
    );
  if (count('denied') > 0)
    badly.push(`${count('denied')} action${count('denied') === 1 ? ' was' : 's were'} denied for lack of permission: the right people were not at hand.`);
  if (incident.reopenCount > 0)
    badly.push(`The problem came back after being resolved (${incident.reopenCount} reopening${incident.reopenCount === 1 ? '' : 's'}).`);
  if (incident.resolvedAt) {
    if (resolveSeconds > 3600) badly.push(`Resolution took ${humanSpan(resolveSeconds)} from detection.`);
    else well.push(`Resolved ${humanSpan(resolveSeconds)} after detection.`);
  }
  const chainIds = incident.chain ? [incident.chain.root.signature, ...incident.chain.links.map((l) => l.signature)] : [incident.root.signature];
  const ids = [...chainIds, ...evidence.map((e) => e.signature).filter((id) => !chainIds.includes(id))];
  const actionItems: { text: string; signature: string }[] = [];
  for (const id of [...new Set(ids)]) {
    for (const item of byId.get(id)?.actionItems ?? []) {
      if (!actionItems.some((a) => a.text === item)) actionItems.push({ text: item, signature: id });
    }
  }
  const errors = latestLogErrors(data.evidence);
  const unknown = errors ? errors.groups.length + errors.moreGroups : 0;
  if (unknown > 0) {
    actionItems.push({
      text: `Give the ${unknown} unrecognised error group${unknown === 1 ? '' : 's'} a signature (or dismiss them): on a copy of the nodes' logs, \`stackmedic diagnose --logs DIR\` numbers them and \`stackmedic signatures propose --logs DIR --group N\` drafts one`,
      signature: 'unrecognised errors',
    });
  }
  const probeImpact = [...new Set(evidence.filter((e) => e.kind === 'probe').map((e) => e.signature))].map(
    (id) => `${titleOf(signatures, id)}: ${[...new Set(evidence.filter((e) => e.kind === 'probe' && e.signature === id).map((e) => e.node))].join(', ')}`,
  );
  const root = byId.get(incident.root.signature);
  const timeline = postmortemTimeline(data);
  return {
    id: incident.id,
    title: incidentTitle(incident),
    cluster: incident.cluster ?? null,
    severity: incident.severity,
    status: incident.status,
    chainText: incident.chainText,
    chain: chainSteps(data, (s) => s, notes),
    recovered: recoveredView(recoveredStates(evidence, signatures), signatures, (s) => s),
    versions: versionsView(incident, evidence, notes, signatures, (s) => s),
    unrecognised: unrecognisedView(data.evidence, (s) => s),
    impact: probeImpact.length > 0 ? probeImpact : incident.impact.map((p) => p.summary),
    firstSymptom,
    openedAt: incident.openedAt,
    resolvedAt: incident.resolvedAt,
    resolvedBy: incident.resolvedBy,
    resolution: incident.resolution,
    outageSpan: humanSpan(seconds(firstSymptom, end)),
    detectSpan: humanSpan(detectSeconds),
    resolveSpan: humanSpan(resolveSeconds),
    rootTitle: root?.title ?? incident.root.signature,
    rootNode: incident.root.node,
    remediation: root?.remediation ?? '',
    timelineMermaid: timelineMermaid(postmortemChart(data, timeline)),
    // A pipe would end a Markdown table cell early.
    timeline: timeline.map((t) => ({
      ...t,
      text: t.text.replace(/\|/g, '\\|'),
      details: (t.details ?? []).map((d) => d.replace(/\|/g, '\\|')),
    })),
    okActions: actions.filter((a) => a.outcome === 'ok').map((a) => ({ at: a.startedAt, who: a.actorName, command: a.command })),
    well,
    badly,
    actionItems,
    evidenceCount: evidence.length,
    generatedAt: data.now,
  };
}

/** "1d 4h", "2h 5m", "42s". */
function humanSpan(totalSeconds: number): string {
  const s = Math.max(0, Math.floor(totalSeconds));
  const d = Math.floor(s / 86400);
  const h = Math.floor((s % 86400) / 3600);
  const m = Math.floor((s % 3600) / 60);
  if (d > 0) return `${d}d ${h}h ${m}m`;
  if (h > 0) return `${h}h ${m}m`;
  if (m > 0) return `${m}m ${s % 60}s`;
  return `${s}s`;
}

/** The post-mortem Markdown, redacted (it leaves as a file). */
export function renderPostmortem(data: PostmortemData): string {
  return `${redact(renderTemplate('postmortem.md', postmortemView(data)))}\n`;
}
