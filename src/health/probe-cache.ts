/** What the cache keeps of a probe's answer on a node: at least whether it was `ok` (a snapshot's NodeProbeOutcome). */
export interface CacheableOutcome {
  readonly kind: string;
}

/** A reused answer: what the probe said on that node, and when it was read. */
export interface CachedAnswer<O extends CacheableOutcome = CacheableOutcome> {
  readonly outcome: O;
  readonly readAt: Date;
}

/**
 * Answers of slowly changing probes (installed packages), per node, kept between snapshots of one
 * cluster so that a status every few seconds does not list every package of every node each time.
 * Only `ok` answers are kept: an unknown or failed read is asked again on the next snapshot, never
 * replayed. A reused answer keeps the time it was read, which the status shows, so nothing is
 * presented as read now that was read minutes ago.
 */
export class ProbeCache<O extends CacheableOutcome = CacheableOutcome> {
  private readonly answers = new Map<string, CachedAnswer<O>>();

  /** The answer of `probeId` on `node` if it was read at most `maxAgeMs` before `now`. */
  fresh(probeId: string, node: string, maxAgeMs: number, now: Date): CachedAnswer<O> | undefined {
    const hit = this.answers.get(key(probeId, node));
    if (!hit) return undefined;
    const age = now.getTime() - hit.readAt.getTime();
    // A clock that went back makes an age negative: that answer's time can no longer be trusted.
    if (age < 0 || age > maxAgeMs) {
      this.answers.delete(key(probeId, node));
      return undefined;
    }
    return hit;
  }

  /** Keeps an `ok` answer read at `readAt`; anything else forgets the node's previous answer. */
  put(probeId: string, node: string, outcome: O, readAt: Date): void {
    if (outcome.kind === 'ok') this.answers.set(key(probeId, node), { outcome, readAt });
    else this.answers.delete(key(probeId, node));
  }

  /** Forgets a node's answers (it was unreachable: what it had installed may have changed), or only those of `probeId`. */
  forget(node: string, probeId?: string): void {
    if (probeId !== undefined) {
      this.answers.delete(key(probeId, node));
      return;
    }
    for (const k of this.answers.keys()) if (k.endsWith(`\u0000${node}`)) this.answers.delete(k);
  }

  /** How many answers are kept. */
  get size(): number {
    return this.answers.size;
  }
}

function key(probeId: string, node: string): string {
  return `${probeId}\u0000${node}`;
}
