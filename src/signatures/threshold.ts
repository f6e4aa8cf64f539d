import type { LogFinding } from './matcher.js';
import type { Signature } from './schema.js';

/**
 * Counting thresholds, applied to findings after matching (no extra scan of the logs): a
 * signature with `threshold: { count, withinMinutes }` keeps its findings on a node only where
 * at least `count` of them fall within `withinMinutes`; an isolated one is noise.
 */
export function applyThresholds(findings: readonly LogFinding[], signatures: readonly Signature[]): LogFinding[] {
  const thresholds = new Map(signatures.filter((s) => s.threshold !== undefined).map((s) => [s.id, s.threshold as NonNullable<Signature['threshold']>]));
  if (thresholds.size === 0 || !findings.some((f) => thresholds.has(f.signature))) return [...findings];
  const keep = new Set<LogFinding>();
  const groups = new Map<string, LogFinding[]>();
  for (const f of findings) {
    if (!thresholds.has(f.signature)) continue;
    const key = `${f.signature}\u0000${f.node}`;
    groups.set(key, [...(groups.get(key) ?? []), f]);
  }
  for (const group of groups.values()) {
    const { count, withinMinutes } = thresholds.get((group[0] as LogFinding).signature) as NonNullable<Signature['threshold']>;
    const timed = group.filter((f) => f.timeMs !== null).sort((a, b) => (a.timeMs as number) - (b.timeMs as number));
    const window = withinMinutes * 60_000;
    let from = 0;
    for (let to = 0; to < timed.length; to++) {
      while (((timed[to] as LogFinding).timeMs as number) - ((timed[from] as LogFinding).timeMs as number) > window) from++;
      if (to - from + 1 >= count) for (let i = from; i <= to; i++) keep.add(timed[i] as LogFinding);
    }
    // Without timestamps the spacing is unknown: only their number can be counted.
    const untimed = group.filter((f) => f.timeMs === null);
    if (untimed.length >= count) for (const f of untimed) keep.add(f);
  }
  return findings.filter((f) => !thresholds.has(f.signature) || keep.has(f));
}
