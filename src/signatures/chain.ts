import { basename, dirname } from 'node:path';
import { unrotatedPath } from './globs.js';
import { SEVERITIES, type Signature } from './schema.js';

/** The part of a finding the causal chain needs (log findings and probe fact hits both have it). */
export interface ChainInput {
  readonly signature: string;
  readonly node: string;
  /** Log file the finding came from, when it came from a log (gives the service name). */
  readonly file?: string;
  readonly time: string | null;
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
}

/** A root cause and its consequences, in causal then time order. */
export interface CausalChain {
  readonly root: { readonly signature: string; readonly node: string; readonly time: string | null };
  readonly links: readonly ChainLink[];
}

interface Group {
  signature: string;
  node: string;
  first: string | null;
  last: string | null;
  count: number;
  services: Set<string>;
}

/**
 * Links findings into a causal chain. Findings are grouped by signature and node; a group is a
 * root-cause candidate when no other present signature that leads to it (directly or through
 * signatures not seen) was seen before it ended. Among candidates the one explaining most of what
 * was seen wins (then severity, then the earliest). Signatures that clear another (alarm cleared,
 * reconnected) are recoveries, not causes or consequences, and stay out of the chain.
 */
export function buildCausalChain(findings: readonly ChainInput[], signatures: readonly Signature[]): CausalChain | null {
  const byId = new Map(signatures.map((s) => [s.id, s]));
  const groups = groupFindings(findings.filter((f) => byId.get(f.signature)?.clears === undefined));
  if (groups.length === 0) return null;
  const reach = reachability(signatures);
  const present = new Set(groups.map((g) => g.signature));
  const explained = (g: Group): number => [...(reach.get(g.signature) ?? [])].filter((id) => present.has(id)).length;
  let candidates = groups.filter(
    (g) => !groups.some((h) => h.signature !== g.signature && reach.get(h.signature)?.has(g.signature) && notAfter(h.first, g.last)),
  );
  if (candidates.length === 0) candidates = groups;
  const severity = (g: Group): number => SEVERITIES.indexOf(byId.get(g.signature)?.severity ?? 'info');
  const [root] = [...candidates].sort(
    (a, b) => explained(b) - explained(a) || severity(a) - severity(b) || compareTime(a.first, b.first) || b.count - a.count,
  ) as [Group];
  return { root: { signature: root.signature, node: root.node, time: root.first }, links: chainLinks(root.signature, groups, reach) };
}

/**
 * Consequences of the root, each at the length of the longest causal path leading to it from the
 * root through the signatures seen, so the chain reads as a story (disk full -> alarm -> broker
 * stopped -> clients cut off) rather than collapsing everything the root can reach into one step.
 */
function chainLinks(rootId: string, groups: readonly Group[], reach: ReadonlyMap<string, ReadonlySet<string>>): ChainLink[] {
  const seenIds = [...new Set(groups.map((g) => g.signature))];
  const reachable = seenIds.filter((id) => id !== rootId && reach.get(rootId)?.has(id));
  const depth = new Map<string, number>([[rootId, 0]]);
  // Longest path by relaxation; the cap keeps a cyclic operator catalog from looping.
  for (let round = 0; round < reachable.length; round++) {
    let changed = false;
    for (const [from, d] of [...depth]) {
      for (const to of reachable) {
        if (reach.get(from)?.has(to) && (depth.get(to) ?? -1) < d + 1 && d + 1 <= reachable.length) {
          depth.set(to, d + 1);
          changed = true;
        }
      }
    }
    if (!changed) break;
  }
  const links: ChainLink[] = [];
  for (const id of reachable) {
    const seen = groups.filter((g) => g.signature === id);
    const services = [...new Set(seen.flatMap((g) => [...g.services]))].sort();
    links.push({
      signature: id,
      nodes: [...new Set(seen.map((g) => g.node))].sort(compareNodes),
      ...(services.length > 0 ? { services } : {}),
      firstSeen: seen.map((g) => g.first).sort(compareTime)[0] ?? null,
      lastSeen:
        seen
          .map((g) => g.last)
          .sort(compareTime)
          .reverse()
          .find((t) => t !== null) ?? null,
      count: seen.reduce((n, g) => n + g.count, 0),
      depth: depth.get(id) ?? 1,
    });
  }
  return links.sort((a, b) => a.depth - b.depth || compareTime(a.firstSeen, b.firstSeen));
}

function groupFindings(findings: readonly ChainInput[]): Group[] {
  const groups = new Map<string, Group>();
  for (const f of findings) {
    const key = `${f.signature}\u0000${f.node}`;
    let g = groups.get(key);
    if (!g) {
      g = { signature: f.signature, node: f.node, first: f.time, last: f.time, count: 0, services: new Set() };
      groups.set(key, g);
    }
    g.count++;
    if (compareTime(f.time, g.first) < 0) g.first = f.time;
    if (f.time !== null && (g.last === null || f.time > g.last)) g.last = f.time;
    if (f.file) g.services.add(serviceOfLog(f.file));
  }
  return [...groups.values()];
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

/** `a` was not after `b`; an unknown time does not rule a cause out. */
function notAfter(a: string | null, b: string | null): boolean {
  return a === null || b === null || a <= b;
}

/** Orders ISO times, unknown last. */
function compareTime(a: string | null, b: string | null): number {
  if (a === b) return 0;
  if (a === null) return 1;
  if (b === null) return -1;
  return a < b ? -1 : 1;
}

/** `node-9` before `node-10`. */
function compareNodes(a: string, b: string): number {
  return a.localeCompare(b, 'en', { numeric: true });
}

/**
 * Service name of a log file: `/var/log/cinder/cinder-scheduler.log` is `cinder-scheduler`,
 * `/var/log/neutron/server.log` is `neutron-server`.
 */
export function serviceOfLog(file: string): string {
  const live = unrotatedPath(file);
  const base = basename(live).replace(/\.log$/, '');
  const project = basename(dirname(live));
  return base.startsWith(project) || project === 'log' ? base : `${project}-${base}`;
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
        .map((l) => `${title(l.signature)} ${where(l)}`)
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
