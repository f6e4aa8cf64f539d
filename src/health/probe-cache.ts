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
  /** Per node, per probe id. */
  private readonly answers = new Map<string, Map<string, CachedAnswer<O>>>();

  /** The answer of `probeId` on `node` if it was read at most `maxAgeMs` before `now`. */
  fresh(probeId: string, node: string, maxAgeMs: number, now: Date): CachedAnswer<O> | undefined {
    const hit = this.answers.get(node)?.get(probeId);
    if (!hit) return undefined;
    const age = now.getTime() - hit.readAt.getTime();
    // A clock that went back makes an age negative: that answer's time can no longer be trusted.
    if (age < 0 || age > maxAgeMs) {
      this.forget(node, probeId);
      return undefined;
    }
    return hit;
  }

  /** Keeps an `ok` answer read at `readAt`; anything else forgets the node's previous answer. */
  put(probeId: string, node: string, outcome: O, readAt: Date): void {
    if (outcome.kind !== 'ok') {
      this.forget(node, probeId);
      return;
    }
    const ofNode = this.answers.get(node) ?? new Map<string, CachedAnswer<O>>();
    ofNode.set(probeId, { outcome, readAt });
    this.answers.set(node, ofNode);
  }

  /** Forgets a node's answers (it was unreachable: what it had installed may have changed), or only those of `probeId`. */
  forget(node: string, probeId?: string): void {
    if (probeId === undefined) {
      this.answers.delete(node);
      return;
    }
    const ofNode = this.answers.get(node);
    ofNode?.delete(probeId);
    if (ofNode?.size === 0) this.answers.delete(node);
  }

  /** How many answers are kept. */
  get size(): number {
    let n = 0;
    for (const ofNode of this.answers.values()) n += ofNode.size;
    return n;
  }
}
