/**
 * Multi-literal search over raw bytes (Wu-Manber): a shift table over 3-byte blocks lets the scan
 * jump up to `m - 2` bytes at a time (m = the shortest literal), and only positions whose block
 * ends some literal's prefix are verified byte by byte. Measured on generated OpenStack logs it is
 * several times faster than one regular expression alternating the same literals, because
 * irregexp tries every alternative at every position whose first character is plausible.
 *
 * Without case folding, two cursors scan the two halves of a block (split at a line start) in one
 * loop. Each step of one cursor waits for its table lookup, which waits for its bytes; a second,
 * independent cursor fills that wait, which nearly halves the time per byte. The halves are
 * independent because hits are per line and no literal holds a newline.
 */

/** Blocks shorter than this are scanned by one cursor: splitting them would gain nothing. */
const SPLIT_MIN_BYTES = 64 << 10;

const HASH_BITS = 15;
const HASH_MASK = (1 << HASH_BITS) - 1;

/** ASCII case folding table (other bytes unchanged). */
const FOLD = new Uint8Array(256).map((_, i) => (i >= 65 && i <= 90 ? i + 32 : i));
const IDENTITY = new Uint8Array(256).map((_, i) => i);

/** Searches a set of byte strings in buffers; reports where lines holding one begin. */
export class LiteralSearcher {
  private readonly m: number;
  private readonly shift: Uint8Array;
  private readonly buckets: (Uint8Array[] | undefined)[];
  private readonly table: Uint8Array;
  /** False when a literal holds a newline: a hit could then cross the split. */
  private readonly splittable: boolean;
  /** Hits of the second half, kept until the first half's are out (reused between searches). */
  private readonly later: number[] = [];

  /**
   * @param literals non-empty byte strings, each at least 3 bytes long
   * @param ignoreCase fold ASCII letters (the literals must already be lowercase)
   */
  constructor(literals: readonly Uint8Array[], ignoreCase = false) {
    if (literals.length === 0) throw new Error('LiteralSearcher needs at least one literal');
    this.table = ignoreCase ? FOLD : IDENTITY;
    this.splittable = literals.every((l) => !l.includes(10));
    this.m = Math.min(...literals.map((l) => l.length));
    if (this.m < 3) throw new Error('LiteralSearcher literals must be at least 3 bytes long');
    const maxShift = Math.min(this.m - 2, 255);
    this.shift = new Uint8Array(1 << HASH_BITS).fill(maxShift);
    this.buckets = new Array<Uint8Array[] | undefined>(1 << HASH_BITS);
    for (const literal of literals) {
      for (let j = 2; j < this.m; j++) {
        const h = hash(literal[j - 2] as number, literal[j - 1] as number, literal[j] as number);
        const s = this.m - 1 - j;
        if (s < (this.shift[h] as number)) this.shift[h] = s;
      }
      const h = hash(literal[this.m - 3] as number, literal[this.m - 2] as number, literal[this.m - 1] as number);
      (this.buckets[h] ??= []).push(literal);
    }
  }

  /**
   * Appends to `out` the offset of each hit in `buf[start, end)`, at most one per line: after a
   * hit the search resumes at the next line, since one hit is enough to make a record a candidate.
   */
  search(buf: Uint8Array, start: number, end: number, out: number[]): void {
    if (this.table === IDENTITY) this.searchExact(buf, start, end, out);
    else this.searchFolded(buf, start, end, out);
  }

  // Two kinds of loop: without case folding, the three table loads per step are a third of the
  // cost of the scan, and a flag tested inside the loop would cost almost as much.
  private searchExact(buf: Uint8Array, start: number, end: number, out: number[]): void {
    const { m, shift } = this;
    let mid = -1;
    if (this.splittable && end - start >= SPLIT_MIN_BYTES) {
      const nl = indexOfNewline(buf, start + ((end - start) >> 1), end);
      if (nl >= 0) mid = nl + 1;
    }
    if (mid < 0) {
      this.scanExact(buf, start + m - 1, end, out);
      return;
    }
    const later = this.later;
    later.length = 0;
    let a = start + m - 1;
    let b = mid + m - 1;
    while (a < mid && b < end) {
      const sa = shift[hash(buf[a - 2] as number, buf[a - 1] as number, buf[a] as number)] as number;
      const sb = shift[hash(buf[b - 2] as number, buf[b - 1] as number, buf[b] as number)] as number;
      a = sa !== 0 ? a + sa : this.verifyExact(buf, a, mid, out);
      b = sb !== 0 ? b + sb : this.verifyExact(buf, b, end, later);
    }
    this.scanExact(buf, a, mid, out);
    this.scanExact(buf, b, end, later);
    for (const hit of later) out.push(hit);
  }

  /** One cursor from window end `pos` to `end`. */
  private scanExact(buf: Uint8Array, pos: number, end: number, out: number[]): void {
    const shift = this.shift;
    while (pos < end) {
      const s = shift[hash(buf[pos - 2] as number, buf[pos - 1] as number, buf[pos] as number)] as number;
      pos = s !== 0 ? pos + s : this.verifyExact(buf, pos, end, out);
    }
  }

  /** At a zero shift: records a hit and returns where the next line's search starts, else `pos + 1`. */
  private verifyExact(buf: Uint8Array, pos: number, end: number, out: number[]): number {
    const from = pos - this.m + 1;
    const h = hash(buf[pos - 2] as number, buf[pos - 1] as number, buf[pos] as number);
    if (!matchesAny(this.buckets[h] as Uint8Array[], buf, from, end, IDENTITY)) return pos + 1;
    out.push(from);
    const nl = indexOfNewline(buf, pos, end);
    return nl < 0 ? end : nl + this.m;
  }

  private searchFolded(buf: Uint8Array, start: number, end: number, out: number[]): void {
    const { m, shift, buckets, table } = this;
    let pos = start + m - 1;
    while (pos < end) {
      const h = hash(table[buf[pos - 2] as number] as number, table[buf[pos - 1] as number] as number, table[buf[pos] as number] as number);
      const s = shift[h] as number;
      if (s !== 0) {
        pos += s;
        continue;
      }
      const from = pos - m + 1;
      if (matchesAny(buckets[h] as Uint8Array[], buf, from, end, table)) {
        out.push(from);
        const nl = indexOfNewline(buf, pos, end);
        if (nl < 0) return;
        pos = nl + m;
      } else {
        pos++;
      }
    }
  }
}

function hash(a: number, b: number, c: number): number {
  return ((a << 10) ^ (b << 5) ^ c) & HASH_MASK;
}

function matchesAny(candidates: readonly Uint8Array[], buf: Uint8Array, from: number, end: number, table: Uint8Array): boolean {
  for (const literal of candidates) {
    const n = literal.length;
    if (from + n > end) continue;
    let k = 0;
    while (k < n && table[buf[from + k] as number] === literal[k]) k++;
    if (k === n) return true;
  }
  return false;
}

function indexOfNewline(buf: Uint8Array, from: number, end: number): number {
  const nl = buf.indexOf(10, from);
  return nl < 0 || nl >= end ? -1 : nl;
}
