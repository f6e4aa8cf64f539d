import type { Signature } from './schema.js';
import { serviceOfLog } from './service.js';

/**
 * Time reading: findings of one signature on one node become spans during which that state held.
 * A state signature is one another signature `clears` (stopped / started, alarm set / cleared,
 * unreachable / reconnected); its span ends at the first recovery after it. Anything else is an
 * event whose span has no known end. What the logs cannot order (no timestamp, the same instant
 * in two files) is never read as a recovery: unknown is not "fixed".
 */

/** The part of a finding time reading needs (log findings and probe fact hits both have it). */
export interface ChainInput {
  readonly signature: string;
  readonly node: string;
  /**
   * Log file the finding came from. A finding without one is a probe observation: it says the
   * state holds at `time`, not when it began.
   */
  readonly file?: string;
  /** Line in `file`: orders records of one file that share a timestamp. */
  readonly line?: number;
  readonly time: string | null;
  /** Captured fields: a recovery with `clearKey` clears only states that captured the same value. */
  readonly fields?: Readonly<Record<string, string>>;
}

/** One finding as evidence: where it is and when. */
export interface EvidenceRef {
  readonly signature: string;
  readonly node: string;
  readonly file?: string;
  readonly line?: number;
  readonly time: string | null;
  /** Index of the finding in the input list. */
  readonly index: number;
}

/** A span during which a signature's state held. */
export interface Span {
  /** The finding that began it (for a probe fact: the observation, `began` false). */
  readonly start: EvidenceRef;
  /** False when `start` is an observation of a state that began at an unknown time. */
  readonly began: boolean;
  /** The recovery that ended it; `null` while it holds at the end of the logs (or nothing ends it). */
  readonly end: EvidenceRef | null;
  /** Indexes of the findings inside it. */
  readonly members: readonly number[];
}

/** Whether an activity is a problem at the end of the window. */
export type ActivityStatus = 'current' | 'recovered';

/** One signature's findings on one node (and in one service, for states cleared per service). */
export interface Activity {
  readonly signature: string;
  readonly node: string;
  /**
   * What else a recovery must share with it to end it, beyond the node: the service whose log
   * showed it (states cleared service by service) and `clearKey` values; `''` when nothing else.
   */
  readonly scope: string;
  readonly members: readonly number[];
  readonly spans: readonly Span[];
  readonly first: string | null;
  readonly last: string | null;
  readonly count: number;
  /** Services whose logs showed it. */
  readonly services: ReadonlySet<string>;
  /** `recovered` when its last span ended with a recovery. */
  readonly status: ActivityStatus;
  /** True when some signature clears this one. */
  readonly isState: boolean;
}

/** Epoch ms of an ISO time, `null` when unknown. */
export function timeMs(time: string | null): number | null {
  if (time === null) return null;
  const ms = Date.parse(time);
  return Number.isNaN(ms) ? null : ms;
}

/** -1 when `a` was before `b`, 1 when after, 0 when the logs cannot tell. */
export function order(a: ChainInput, b: ChainInput): -1 | 0 | 1 {
  return orderAt(a, timeMs(a.time), b, timeMs(b.time));
}

/** `order` with the times already parsed (`am`, `bm`). */
function orderAt(a: ChainInput, am: number | null, b: ChainInput, bm: number | null): -1 | 0 | 1 {
  if (am !== null && bm !== null && am !== bm) return am < bm ? -1 : 1;
  if (a.node === b.node && a.file !== undefined && a.file === b.file && a.line !== undefined && b.line !== undefined && a.line !== b.line) {
    return a.line < b.line ? -1 : 1;
  }
  return 0;
}

/** How far a recovery reaches: its node (default), the service whose log showed it, the whole cluster. */
export type ClearScope = 'node' | 'service' | 'cluster';

/**
 * Findings grouped into activities with their spans. Recoveries (findings of signatures that
 * clear another) are not activities: they end spans.
 */
export function readActivities(inputs: readonly ChainInput[], signatures: readonly Signature[]): Activity[] {
  const byId = new Map(signatures.map((s) => [s.id, s]));
  // Parsed once: the sorts and span searches below compare times many times per finding.
  const ms = inputs.map((f) => timeMs(f.time));
  const clearers = new Map<string, Clearer[]>();
  for (const s of signatures) {
    if (s.clears === undefined) continue;
    clearers.set(s.clears, [...(clearers.get(s.clears) ?? []), { id: s.id, scope: s.clearScope ?? 'node', key: s.clearKey }]);
  }
  /** Findings of each recovery signature. */
  const recoveries = new Map<string, number[]>();
  const groups = new Map<string, { signature: string; node: string; scope: string; members: number[] }>();
  inputs.forEach((f, index) => {
    if (byId.get(f.signature)?.clears !== undefined) {
      recoveries.set(f.signature, [...(recoveries.get(f.signature) ?? []), index]);
      return;
    }
    const scope = scopeOf(f, clearers.get(f.signature) ?? []);
    const key = `${f.signature}\u0000${f.node}\u0000${scope}`;
    let g = groups.get(key);
    if (!g) groups.set(key, (g = { signature: f.signature, node: f.node, scope, members: [] }));
    g.members.push(index);
  });
  const ref = (index: number): EvidenceRef => {
    const f = inputs[index] as ChainInput;
    return {
      signature: f.signature,
      node: f.node,
      ...(f.file !== undefined ? { file: f.file } : {}),
      ...(f.line !== undefined ? { line: f.line } : {}),
      time: f.time,
      index,
    };
  };
  const sortKey = (a: number, b: number): number => {
    const fa = inputs[a] as ChainInput;
    const fb = inputs[b] as ChainInput;
    const ma = ms[a] ?? Infinity;
    const mb = ms[b] ?? Infinity;
    if (ma !== mb) return ma < mb ? -1 : 1;
    if (fa.file !== fb.file) return (fa.file ?? '') < (fb.file ?? '') ? -1 : 1;
    return (fa.line ?? 0) - (fb.line ?? 0);
  };
  const activities: Activity[] = [];
  for (const g of groups.values()) {
    const members = [...g.members].sort(sortKey);
    const mine = clearers.get(g.signature) ?? [];
    const clears = mine
      .flatMap((c) => (recoveries.get(c.id) ?? []).filter((i) => reaches(inputs[i] as ChainInput, c, inputs[g.members[0] as number] as ChainInput)))
      .sort(sortKey);
    const spans = mine.length > 0 ? stateSpans(members, clears, inputs, ms, ref) : [eventSpan(members, inputs, ref)];
    const timed = members.filter((i) => (inputs[i] as ChainInput).time !== null);
    const sortedTimes = [...timed].sort((a, b) => (ms[a] ?? 0) - (ms[b] ?? 0)).map((i) => (inputs[i] as ChainInput).time as string);
    const services = new Set(members.flatMap((i) => ((inputs[i] as ChainInput).file ? [serviceOfLog((inputs[i] as ChainInput).file as string)] : [])));
    activities.push({
      signature: g.signature,
      node: g.node,
      scope: g.scope,
      members,
      spans,
      first: sortedTimes[0] ?? null,
      last: sortedTimes[sortedTimes.length - 1] ?? null,
      count: members.length,
      services,
      status: (spans[spans.length - 1] as Span).end !== null ? 'recovered' : 'current',
      isState: mine.length > 0,
    });
  }
  return activities;
}

/** How one recovery signature ends a state. */
interface Clearer {
  readonly id: string;
  readonly scope: ClearScope;
  readonly key: string | undefined;
}

/** What a finding must share with a recovery besides the node, under these clearers. */
function scopeOf(f: ChainInput, clearers: readonly Clearer[]): string {
  const parts: string[] = [];
  if (clearers.some((c) => c.scope === 'service')) parts.push(f.file === undefined ? '' : serviceOfLog(f.file));
  for (const key of [...new Set(clearers.flatMap((c) => (c.key === undefined ? [] : [c.key])))].sort()) parts.push(`${key}=${f.fields?.[key] ?? ''}`);
  return parts.join('\u0000');
}

/** Does this recovery end the state `member` belongs to (every member shares node and scope)? */
function reaches(recovery: ChainInput, clearer: Clearer, member: ChainInput): boolean {
  if (clearer.scope !== 'cluster' && recovery.node !== member.node) return false;
  if (clearer.scope === 'service' && (recovery.file === undefined || member.file === undefined || serviceOfLog(recovery.file) !== serviceOfLog(member.file))) {
    return false;
  }
  return clearer.key === undefined || (recovery.fields?.[clearer.key] ?? '') === (member.fields?.[clearer.key] ?? '');
}

/** Spans of a state: each begins at a finding and ends at the first recovery after the finding before the next span. */
function stateSpans(
  members: readonly number[],
  clears: readonly number[],
  inputs: readonly ChainInput[],
  ms: readonly (number | null)[],
  ref: (i: number) => EvidenceRef,
): Span[] {
  const spans: Span[] = [];
  const at = (i: number): ChainInput => inputs[i] as ChainInput;
  const before = (a: number, b: number): boolean => orderAt(at(a), ms[a] ?? null, at(b), ms[b] ?? null) < 0;
  const recoveryAfter = (last: number, next?: number): number | undefined => clears.find((c) => before(last, c) && (next === undefined || before(c, next)));
  let start = members[0] as number;
  let inSpan: number[] = [start];
  let last = start;
  for (const m of members.slice(1)) {
    const recovery = recoveryAfter(last, m);
    if (recovery !== undefined) {
      spans.push({ start: ref(start), began: at(start).file !== undefined, end: ref(recovery), members: inSpan });
      start = m;
      inSpan = [];
    }
    inSpan.push(m);
    last = m;
  }
  const recovery = recoveryAfter(last);
  spans.push({ start: ref(start), began: at(start).file !== undefined, end: recovery === undefined ? null : ref(recovery), members: inSpan });
  return spans;
}

function eventSpan(members: readonly number[], inputs: readonly ChainInput[], ref: (i: number) => EvidenceRef): Span {
  const start = members[0] as number;
  return { start: ref(start), began: (inputs[start] as ChainInput).file !== undefined, end: null, members };
}
