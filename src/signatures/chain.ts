import { readActivities, timeMs, type Activity, type ChainInput, type EvidenceRef, type Span } from './activity.js';
import { SEVERITIES, type Signature } from './schema.js';
import { compareNodes } from '../inventory/node-order.js';

export type { ChainInput, EvidenceRef } from './activity.js';
export { serviceOfLog } from './service.js';

/**
 * How far apart a cause and its effect may be logged and still be linked: an effect may be logged
 * up to this long before its cause (clocks of two nodes, a log line written late) or after its
 * cause ended (an RPC times out a minute after the call that the stopped broker lost).
 */
export const CAUSAL_GRACE_MS = 2 * 60_000;

/** Which evidence puts a causal link in time. */
export interface LinkEvidence {
  /** The cause's finding that began the span in force when the effect began. */
  readonly cause: EvidenceRef;
  /** False when the cause is a probe observation: it held then, since an unknown time. */
  readonly causeBegan: boolean;
  /** The recovery that ended that span of the cause, or `null` when it held to the end. */
  readonly causeUntil: EvidenceRef | null;
  /** The effect's finding that began it. */
  readonly effect: EvidenceRef;
  /** False when the effect is a probe observation (it began at an unknown time before it). */
  readonly effectBegan: boolean;
  readonly graceMs: number;
}

/** One consequence in the chain: a signature seen on some nodes, aggregated. */
export interface ChainLink {
  readonly signature: string;
  readonly nodes: readonly string[];
  /** Services whose logs showed it (`cinder-scheduler`, `neutron-server`), for log signatures. */
  readonly services?: readonly string[];
  readonly firstSeen: string | null;
  readonly lastSeen: string | null;
  readonly count: number;
  /** Hops from the root cause through `leadsTo`. */
  readonly depth: number;
  /** The signature before it in the chain: the cause that was in force when it began. */
  readonly cause: string;
  readonly evidence: LinkEvidence;
  /** Every occurrence of it is over (recovered, or ended with a recovered cause). */
  readonly recovered: boolean;
}

/** A root cause and its consequences, in causal then time order. */
export interface CausalChain {
  readonly root: { readonly signature: string; readonly node: string; readonly time: string | null };
  readonly links: readonly ChainLink[];
}

/** Why a finding is no longer a problem at the end of the window. */
export interface Recovery {
  /** The recovery finding (`Server startup complete`, `alarm cleared`, `Reconnected`). */
  readonly by: EvidenceRef;
  /** For a consequence that ended with its recovered cause: that cause. */
  readonly cause?: { readonly signature: string; readonly node: string };
}

/** Findings read in time order: what is still a problem, what recovered, and the causal chain. */
export interface TimeReading {
  /** The chain of the current problems; `null` when nothing is a problem at the end of the window. */
  readonly chain: CausalChain | null;
  readonly activities: readonly Activity[];
  /** By finding index: what ended it; findings absent here still hold (or are events). */
  readonly recovered: ReadonlyMap<number, Recovery>;
  /** Activities that are problems at the end of the window. */
  readonly current: readonly Activity[];
}

/** Options of `readChain`. */
export interface ReadChainOptions {
  /** Default `CAUSAL_GRACE_MS`. */
  readonly graceMs?: number;
}

/**
 * Links findings into a causal chain, in time. A cause explains an effect when the cause leads to
 * it (directly or through signatures not seen) and one of the cause's spans was in force when the
 * effect began, give or take the grace. States that recovered are not current problems, and a
 * consequence whose occurrences all fall within a recovered cause's span ended with it; neither
 * can be the root. Among the current problems nothing current explains, the one explaining most
 * wins (then severity, then the earliest). Recoveries themselves are never causes or consequences.
 */
export function readChain(inputs: readonly ChainInput[], signatures: readonly Signature[], options: ReadChainOptions = {}): TimeReading {
  const graceMs = options.graceMs ?? CAUSAL_GRACE_MS;
  const byId = new Map(signatures.map((s) => [s.id, s]));
  const reach = reachability(signatures);
  const activities = readActivities(inputs, signatures);
  const cover = (h: Activity, g: Activity, effect: Span): Span | undefined => {
    if (h.signature === g.signature || !reach.get(h.signature)?.has(g.signature)) return undefined;
    return h.spans.find((span) => inForce(span, effect, graceMs));
  };
  const settled = settle(activities, cover, graceMs);
  const isCurrent = (a: Activity): boolean => a.status === 'current' && !settled.has(a);
  const recovered = new Map<number, Recovery>();
  for (const a of activities) {
    for (const span of a.spans) if (span.end) for (const i of span.members) recovered.set(i, { by: span.end });
    const ended = settled.get(a);
    if (ended?.span.end) {
      for (const i of a.members) recovered.set(i, { by: ended.span.end, cause: { signature: ended.cause.signature, node: ended.cause.node } });
    }
  }
  const current = activities.filter(isCurrent);
  if (current.length === 0) return { chain: null, activities, recovered, current };
  const lastSpan = (a: Activity): Span => a.spans[a.spans.length - 1] as Span;
  let candidates = current.filter((g) => !current.some((h) => cover(h, g, lastSpan(g))));
  if (candidates.length === 0) candidates = current;
  const severity = (a: Activity): number => SEVERITIES.indexOf(byId.get(a.signature)?.severity ?? 'info');
  const explained = new Map(candidates.map((c) => [c, new Set([...reachedFrom(c, activities, cover).keys()].map((a) => a.signature)).size]));
  const [root] = [...candidates].sort(
    (a, b) => (explained.get(b) ?? 0) - (explained.get(a) ?? 0) || severity(a) - severity(b) || compareTime(a.first, b.first) || b.count - a.count,
  ) as [Activity];
  const links = chainLinks(root, activities, cover, isCurrent, graceMs);
  return { chain: { root: { signature: root.signature, node: root.node, time: root.first }, links }, activities, recovered, current };
}

/** The causal chain of the current problems (see `readChain`), or `null` when there are none. */
export function buildCausalChain(findings: readonly ChainInput[], signatures: readonly Signature[], options: ReadChainOptions = {}): CausalChain | null {
  return readChain(findings, signatures, options).chain;
}

type Cover = (h: Activity, g: Activity, effect: Span) => Span | undefined;

/**
 * Was `cause` in force when `effect` began? Unknown times never rule a cause out, and a probe fact
 * has none: its time is when it was (first) observed, not when the state began, and a scheduler
 * keeps that first time while the fact holds.
 */
function inForce(cause: Span, effect: Span, graceMs: number): boolean {
  const t = timeMs(effect.start.time);
  if (t === null || !effect.began) return true;
  const start = cause.began ? timeMs(cause.start.time) : null;
  if (start !== null && start > t + graceMs) return false;
  const end = cause.end ? timeMs(cause.end.time) : null;
  return end === null || t <= end + graceMs;
}

/**
 * Current activities that ended with a recovered cause: every occurrence of them fell within the
 * span of a recovered state that explains them, and no current problem explains them.
 */
function settle(activities: readonly Activity[], cover: Cover, graceMs: number): Map<Activity, { span: Span; cause: Activity }> {
  const settled = new Map<Activity, { span: Span; cause: Activity }>();
  const isCurrent = (a: Activity): boolean => a.status === 'current' && !settled.has(a);
  for (let changed = true; changed;) {
    changed = false;
    for (const g of activities) {
      if (!isCurrent(g)) continue;
      const span = g.spans[g.spans.length - 1] as Span;
      const last = timeMs(g.last);
      if (!span.began || last === null || activities.some((h) => isCurrent(h) && cover(h, g, span))) continue;
      for (const h of activities) {
        if (h.status !== 'recovered') continue;
        const cause = cover(h, g, span);
        const end = cause?.end ? timeMs(cause.end.time) : null;
        if (cause && end !== null && last <= end + graceMs) {
          settled.set(g, { span: cause, cause: h });
          changed = true;
          break;
        }
      }
    }
  }
  return settled;
}

/** Activities reached from `root` through causes in force, with the pair of spans that links each. */
function reachedFrom(root: Activity, activities: readonly Activity[], cover: Cover): Map<Activity, true> {
  const reached = new Map<Activity, true>();
  const queue = [root];
  while (queue.length > 0) {
    const x = queue.shift() as Activity;
    for (const y of activities) {
      if (y === root || y.signature === root.signature || reached.has(y)) continue;
      if (y.spans.some((span) => cover(x, y, span))) {
        reached.set(y, true);
        queue.push(y);
      }
    }
  }
  return reached;
}

/**
 * Consequences of the root, each at the length of the longest causal path leading to it from the
 * root through the signatures seen, so the chain reads as a story (disk full -> alarm -> broker
 * stopped -> clients cut off) rather than collapsing everything the root can reach into one step.
 */
function chainLinks(root: Activity, activities: readonly Activity[], cover: Cover, isCurrent: (a: Activity) => boolean, graceMs: number): ChainLink[] {
  const reached = [...reachedFrom(root, activities, cover).keys()];
  const ids = [...new Set(reached.map((a) => a.signature))];
  const sources = [root, ...reached];
  /** For each effect signature, each cause signature with the first evidence linking them. */
  const parents = new Map<string, Map<string, LinkEvidence>>();
  for (const y of reached) {
    for (const x of sources) {
      for (const effect of y.spans) {
        const cause = cover(x, y, effect);
        if (!cause) continue;
        const byCause = parents.get(y.signature) ?? new Map<string, LinkEvidence>();
        parents.set(y.signature, byCause);
        const previous = byCause.get(x.signature);
        if (!previous || compareTime(effect.start.time, previous.effect.time) < 0) {
          byCause.set(x.signature, {
            cause: cause.start,
            causeBegan: cause.began,
            causeUntil: cause.end,
            effect: effect.start,
            effectBegan: effect.began,
            graceMs,
          });
        }
        break;
      }
    }
  }
  const depth = new Map<string, number>([[root.signature, 0]]);
  // Longest path by relaxation; the cap keeps a cyclic operator catalog from looping.
  for (let round = 0; round < ids.length; round++) {
    let changed = false;
    for (const id of ids) {
      for (const from of parents.get(id)?.keys() ?? []) {
        const d = depth.get(from);
        if (d !== undefined && d + 1 <= ids.length && (depth.get(id) ?? -1) < d + 1) {
          depth.set(id, d + 1);
          changed = true;
        }
      }
    }
    if (!changed) break;
  }
  const links: ChainLink[] = [];
  for (const id of ids) {
    const seen = reached.filter((a) => a.signature === id);
    const services = [...new Set(seen.flatMap((a) => [...a.services]))].sort();
    const d = depth.get(id) ?? 1;
    const [cause, evidence] = [...(parents.get(id) ?? new Map<string, LinkEvidence>())].sort(
      ([a, ea], [b, eb]) => (depth.get(b) ?? 0) - (depth.get(a) ?? 0) || compareTime(ea.cause.time, eb.cause.time),
    )[0] as [string, LinkEvidence];
    links.push({
      signature: id,
      nodes: [...new Set(seen.map((a) => a.node))].sort(compareNodes),
      ...(services.length > 0 ? { services } : {}),
      firstSeen: seen.map((a) => a.first).sort(compareTime)[0] ?? null,
      lastSeen:
        seen
          .map((a) => a.last)
          .sort(compareTime)
          .reverse()
          .find((t) => t !== null) ?? null,
      count: seen.reduce((n, a) => n + a.count, 0),
      depth: d,
      cause,
      evidence,
      recovered: !seen.some(isCurrent),
    });
  }
  return links.sort((a, b) => a.depth - b.depth || compareTime(a.firstSeen, b.firstSeen));
}

/** Every signature reachable from each signature through `leadsTo`. */
export function reachability(signatures: readonly Signature[]): Map<string, Set<string>> {
  const next = new Map(signatures.map((s) => [s.id, s.leadsTo]));
  const reach = new Map<string, Set<string>>();
  for (const s of signatures) {
    const seen = new Set<string>();
    const stack = [...s.leadsTo];
    while (stack.length > 0) {
      const id = stack.pop() as string;
      if (seen.has(id)) continue;
      seen.add(id);
      stack.push(...(next.get(id) ?? []));
    }
    reach.set(s.id, seen);
  }
  return reach;
}

/** Orders ISO times, unknown last. */
function compareTime(a: string | null, b: string | null): number {
  if (a === b) return 0;
  if (a === null) return 1;
  if (b === null) return -1;
  const am = timeMs(a) ?? 0;
  const bm = timeMs(b) ?? 0;
  return am === bm ? 0 : am < bm ? -1 : 1;
}

/** The chain on one line, for people: `Root disk full on node-10 -> RabbitMQ disk alarm on node-10 -> ...`. */
export function renderCausalChain(chain: CausalChain, signatures: readonly Signature[]): string {
  const title = (id: string): string => signatures.find((s) => s.id === id)?.title ?? id;
  const parts = [`${title(chain.root.signature)} on ${chain.root.node}`];
  const depths = [...new Set(chain.links.map((l) => l.depth))];
  for (const d of depths) {
    parts.push(
      chain.links
        .filter((l) => l.depth === d)
        .map((l) => `${title(l.signature)} ${where(l)}${l.recovered ? ' (recovered)' : ''}`)
        .join(' and '),
    );
  }
  return parts.join(' -> ');
}

function where(link: ChainLink): string {
  const nodes = link.nodes.length === 1 ? (link.nodes[0] as string) : `${link.nodes.length} nodes`;
  const services = link.services ?? [];
  if (services.length > 1) return `in ${services.length} services on ${nodes}`;
  return `on ${nodes}`;
}
