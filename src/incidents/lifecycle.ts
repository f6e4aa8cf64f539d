import { createHash } from 'node:crypto';
import {
  readChain,
  reachability,
  renderCausalChain,
  unrotatedPath,
  type CausalChain,
  type LogFinding,
  type ProbeFinding,
  type Severity,
  type Signature,
} from '../signatures/index.js';
import { SEVERITIES } from '../signatures/schema.js';
import type { Evidence, Incident, ProblemGroup } from './types.js';
import { isUnrecognisedEvidence } from './unrecognised-evidence.js';

/**
 * The incident lifecycle, pure: findings become evidence, evidence is grouped into problems (one
 * root cause each), and problems are matched against the open incidents to decide what to open,
 * join, reopen or resolve. Nothing here does I/O; the monitor applies the decisions to the store.
 */

const TEXT_LIMIT = 300;

/** Evidence from probe findings (facts seen now) and log findings (records fetched from nodes). */
export function evidenceOf(findings: readonly (ProbeFinding | LogFinding)[]): Evidence[] {
  const out = new Map<string, Evidence>();
  for (const f of findings) {
    const text = (f.text ?? '').replace(/\s+/g, ' ').trim().slice(0, TEXT_LIMIT);
    if ('line' in f && f.file !== undefined && f.line !== undefined) {
      // The line number moves when a log rotates; the file's live name, time and text do not.
      const digest = createHash('sha1').update(text).digest('hex').slice(0, 12);
      const key = `log|${f.signature}|${f.node}|${unrotatedPath(f.file)}|${f.time ?? '-'}|${digest}`;
      if (!out.has(key))
        out.set(key, { key, kind: 'log', signature: f.signature, node: f.node, file: f.file, line: f.line, time: f.time, fields: f.fields, text });
    } else {
      // A fact is one piece of evidence for as long as it holds, whatever its fields say now.
      const key = `probe|${f.signature}|${f.node}`;
      if (!out.has(key)) out.set(key, { key, kind: 'probe', signature: f.signature, node: f.node, time: f.time, fields: f.fields, text });
    }
  }
  return [...out.values()];
}

/** What a set of evidence says: its root cause, chain, severity and title. */
export interface EvidenceDescription {
  readonly root: { readonly signature: string; readonly node: string; readonly time: string | null };
  readonly chain: CausalChain;
  readonly chainText: string;
  readonly title: string;
  readonly severity: Severity;
}

/**
 * Describes evidence through the causal chain; `null` when nothing in it is a problem. The
 * severity is that of what is still a problem: a state that recovered (a broker stopped, then
 * back) does not make the incident critical. The unrecognised-errors row is not a finding of any
 * signature and takes no part.
 */
export function describeEvidence(all: readonly Evidence[], signatures: readonly Signature[]): EvidenceDescription | null {
  const evidence = all.filter((e) => !isUnrecognisedEvidence(e));
  const reading = readChain(
    evidence.map((e) => ({ signature: e.signature, node: e.node, time: e.time, ...(e.file ? { file: e.file } : {}) })),
    signatures,
  );
  const { chain } = reading;
  if (!chain) return null;
  const byId = new Map(signatures.map((s) => [s.id, s]));
  const ranks = [...new Set(reading.current.map((a) => a.signature))].map((id) => SEVERITIES.indexOf(byId.get(id)?.severity ?? 'info'));
  const severity = SEVERITIES[Math.min(...ranks, SEVERITIES.length - 1)] ?? 'info';
  const title = `${byId.get(chain.root.signature)?.title ?? chain.root.signature} on ${chain.root.node}`;
  return { root: chain.root, chain, chainText: renderCausalChain(chain, signatures), title, severity };
}

/**
 * Splits evidence into problems, each with one root cause. A piece of evidence belongs to the
 * problem of a chain when its signature is in the chain, causes or follows from a signature in it
 * (libvirt's socket gone explains nova-compute down as much as the broker does), or it was seen
 * on the root cause's node (what stops on the node whose disk is full is that disk's doing).
 * Recoveries (`clears`) go with the problem they clear. What is left forms further problems.
 */
export function groupProblems(evidence: readonly Evidence[], signatures: readonly Signature[], maxProblems = 8): ProblemGroup[] {
  const byId = new Map(signatures.map((s) => [s.id, s]));
  const reach = reachability(signatures);
  const connected = (a: string, b: string): boolean => a === b || Boolean(reach.get(a)?.has(b)) || Boolean(reach.get(b)?.has(a));
  const recoveries = evidence.filter((e) => byId.get(e.signature)?.clears !== undefined);
  let remaining = evidence.filter((e) => byId.get(e.signature)?.clears === undefined && !isUnrecognisedEvidence(e));
  const problems: ProblemGroup[] = [];
  while (remaining.length > 0 && problems.length < maxProblems) {
    const described = describeEvidence(remaining, signatures);
    if (!described) break;
    const { chain } = described;
    const chainIds = [chain.root.signature, ...chain.links.map((l) => l.signature)];
    const members = remaining.filter((e) => e.node === chain.root.node || chainIds.some((id) => connected(e.signature, id)));
    // Records of the same request belong together: the oversized image cinder refused on one node
    // is the download that filled the disk on another.
    for (let grew = true; grew;) {
      const requests = new Set(members.flatMap(requestIdsOf));
      const joining = remaining.filter((e) => !members.includes(e) && requestIdsOf(e).some((r) => requests.has(r)));
      members.push(...joining);
      grew = joining.length > 0;
    }
    const memberIds = new Set(members.map((e) => e.signature));
    const cleared = recoveries.filter((r) => memberIds.has(byId.get(r.signature)?.clears ?? ''));
    const all = [...members, ...cleared];
    const final = describeEvidence(all, signatures) ?? described;
    problems.push({ root: final.root, chain: final.chain, evidence: all, severity: final.severity, chainText: final.chainText, title: final.title });
    remaining = remaining.filter((e) => !members.includes(e));
  }
  return problems;
}

const REQUEST_ID = /\breq-[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b/g;

/** OpenStack request ids (`req-<uuid>`) a piece of evidence mentions. */
export function requestIdsOf(e: Evidence): string[] {
  return [...new Set([...e.text.matchAll(REQUEST_ID), ...Object.values(e.fields).flatMap((v) => [...v.matchAll(REQUEST_ID)])].map((m) => m[0]))];
}

/** What the lifecycle needs to know of an incident. */
export interface IncidentSnapshot {
  readonly incident: Incident;
  /** Keys of the evidence already attached. */
  readonly evidenceKeys: ReadonlySet<string>;
  /** `signature|node` pairs of that evidence. */
  readonly signatureNodes: ReadonlySet<string>;
  /** Nodes named by that evidence. */
  readonly nodes: ReadonlySet<string>;
}

/** Tuning of the lifecycle. */
export interface LifecyclePolicy {
  /** Green checks for this long resolve an incident. */
  readonly resolveAfterMs: number;
  /** A problem coming back this soon after its incident resolved reopens it instead of opening a new one. */
  readonly reopenWithinMs: number;
}

/** One check's outcome, as the lifecycle sees it. */
export interface CheckOutcome {
  readonly at: Date;
  readonly problems: readonly ProblemGroup[];
  /** Nodes the check could not reach: an incident on them cannot be called green. */
  readonly unreachable: readonly string[];
  /** Probe signatures the check could not evaluate, by node (`*`: anywhere): not seen is not green. */
  readonly unchecked?: readonly { readonly signature: string; readonly node: string }[];
}

/** A decision about one incident. */
export type IncidentDecision =
  | { readonly kind: 'open'; readonly problem: ProblemGroup }
  | {
      readonly kind: 'update';
      readonly incidentId: number;
      readonly problems: readonly ProblemGroup[];
      /** Evidence not attached before (deduplicated by key). */
      readonly newEvidence: readonly Evidence[];
      /** The incident was counting green checks: the streak is broken. */
      readonly greenBroken: boolean;
    }
  | { readonly kind: 'reopen'; readonly incidentId: number; readonly problems: readonly ProblemGroup[]; readonly newEvidence: readonly Evidence[] }
  | { readonly kind: 'green'; readonly incidentId: number; readonly since: string; readonly resolvesAt: string; readonly started: boolean }
  | { readonly kind: 'resolve'; readonly incidentId: number; readonly greenSince: string };

function belongs(problem: ProblemGroup, snap: IncidentSnapshot): boolean {
  const { root } = snap.incident;
  if (problem.root.signature === root.signature && problem.root.node === root.node) return true;
  // Every problem of a check carries the same unrecognised-errors row: it ties nothing together.
  return problem.evidence.some((e) => !isUnrecognisedEvidence(e) && snap.signatureNodes.has(`${e.signature}|${e.node}`));
}

/** True when the check could not evaluate some of the incident's probe evidence where it was seen. */
function unseen(snap: IncidentSnapshot, check: CheckOutcome): boolean {
  return (check.unchecked ?? []).some(
    (u) => snap.signatureNodes.has(`${u.signature}|${u.node}`) || (u.node === '*' && [...snap.signatureNodes].some((k) => k.startsWith(`${u.signature}|`))),
  );
}

function newEvidenceOf(problems: readonly ProblemGroup[], known: ReadonlySet<string>): Evidence[] {
  const seen = new Set(known);
  const out: Evidence[] = [];
  for (const e of problems.flatMap((p) => p.evidence)) {
    if (seen.has(e.key)) continue;
    seen.add(e.key);
    out.push(e);
  }
  return out;
}

/**
 * Decides, for one check, what happens to incidents. A problem joins the open incident with the
 * same root cause or sharing any signature on any node with it (so one outage is one incident, one
 * thread, however its symptoms come and go); otherwise it reopens an incident resolved less than
 * `reopenWithinMs` ago that it belongs to, otherwise it opens a new one if it is major or critical
 * (a minor problem alone, like one refused volume, is not an incident). An open incident no problem
 * joined is green; green for `resolveAfterMs` resolves it. A check that could not reach one of an
 * incident's nodes says nothing about it.
 */
export function planIncidents(
  open: readonly IncidentSnapshot[],
  recentlyResolved: readonly IncidentSnapshot[],
  check: CheckOutcome,
  policy: LifecyclePolicy,
): IncidentDecision[] {
  const now = check.at.getTime();
  const joined = new Map<number, ProblemGroup[]>();
  const reopened = new Map<number, ProblemGroup[]>();
  const decisions: IncidentDecision[] = [];
  for (const problem of check.problems) {
    const target = open.find((s) => belongs(problem, s));
    if (target) {
      joined.set(target.incident.id, [...(joined.get(target.incident.id) ?? []), problem]);
      continue;
    }
    const previous = recentlyResolved.find(
      (s) => s.incident.resolvedAt !== null && now - Date.parse(s.incident.resolvedAt) <= policy.reopenWithinMs && belongs(problem, s),
    );
    if (previous) {
      reopened.set(previous.incident.id, [...(reopened.get(previous.incident.id) ?? []), problem]);
      continue;
    }
    // A minor or informational problem alone is not worth waking people: it only joins.
    if (problem.severity === 'critical' || problem.severity === 'major') decisions.push({ kind: 'open', problem });
  }
  for (const [incidentId, problems] of reopened) {
    const snap = recentlyResolved.find((s) => s.incident.id === incidentId) as IncidentSnapshot;
    decisions.push({ kind: 'reopen', incidentId, problems, newEvidence: newEvidenceOf(problems, snap.evidenceKeys) });
  }
  for (const snap of open) {
    const { incident } = snap;
    const problems = joined.get(incident.id);
    if (problems) {
      decisions.push({
        kind: 'update',
        incidentId: incident.id,
        problems,
        newEvidence: newEvidenceOf(problems, snap.evidenceKeys),
        greenBroken: incident.greenSince !== null,
      });
      continue;
    }
    if (check.unreachable.some((n) => snap.nodes.has(n))) continue;
    if (unseen(snap, check)) continue;
    const since = incident.greenSince ?? check.at.toISOString();
    if (now - Date.parse(since) >= policy.resolveAfterMs) {
      decisions.push({ kind: 'resolve', incidentId: incident.id, greenSince: since });
    } else {
      decisions.push({
        kind: 'green',
        incidentId: incident.id,
        since,
        resolvesAt: new Date(Date.parse(since) + policy.resolveAfterMs).toISOString(),
        started: incident.greenSince === null,
      });
    }
  }
  return decisions;
}
