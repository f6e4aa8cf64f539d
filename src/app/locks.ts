/** Who holds a node. */
export interface LockHolder {
  readonly actor: string;
  readonly command: string;
  readonly since: Date;
}

/** Per-node locks: two runbooks never act on the same node at once. */
export class NodeLocks {
  private readonly held = new Map<string, LockHolder>();

  /** Takes every node in `nodes`, or none: returns the first conflicting holder. */
  tryAcquire(nodes: readonly string[], holder: LockHolder): { ok: true; release: () => void } | { ok: false; node: string; holder: LockHolder } {
    for (const n of nodes) {
      const h = this.held.get(n);
      if (h) return { ok: false, node: n, holder: h };
    }
    for (const n of nodes) this.held.set(n, holder);
    let released = false;
    return {
      ok: true,
      release: () => {
        if (released) return;
        released = true;
        for (const n of nodes) if (this.held.get(n) === holder) this.held.delete(n);
      },
    };
  }

  /** The holder of `node`, if any. */
  holderOf(node: string): LockHolder | undefined {
    return this.held.get(node);
  }
}
