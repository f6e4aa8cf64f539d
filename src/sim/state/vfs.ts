/**
 * The virtual file system of one simulated node. Only what the emulated tools look at is modelled:
 * regular files with a size (big cache files carry no content), log files whose text is produced
 * lazily (500 nodes must not build their logs up front), sockets, and dynamic /proc files.
 */

/** A log file whose older content is generated on first read and which then only grows. */
export class LogFile {
  private lines: string[] | undefined;
  private pending: string[] = [];
  private bytes = 0;

  /** `seed` yields the lines present before the simulation starts; called at most once. */
  constructor(private readonly seed: () => readonly string[]) {}

  /** Appends lines without materialising the seed: cheap on nodes nobody reads. */
  append(lines: readonly string[]): void {
    if (this.lines) {
      for (const l of lines) {
        this.lines.push(l);
        this.bytes += Buffer.byteLength(l) + 1;
      }
    } else {
      this.pending.push(...lines);
    }
  }

  private materialise(): string[] {
    if (!this.lines) {
      this.lines = [...this.seed(), ...this.pending];
      this.pending = [];
      this.bytes = this.lines.reduce((n, l) => n + Buffer.byteLength(l) + 1, 0);
    }
    return this.lines;
  }

  /** The whole text, newline-terminated like a real log file. */
  text(): string {
    const lines = this.materialise();
    return lines.length === 0 ? '' : `${lines.join('\n')}\n`;
  }

  /** Size in bytes of `text()`. */
  size(): number {
    this.materialise();
    return this.bytes;
  }
}

/** One entry of the virtual file system. */
export type VEntry =
  | { readonly kind: 'dir'; mtime: number }
  | { readonly kind: 'file'; size: number; mtime: number; content?: string }
  | { readonly kind: 'log'; readonly log: LogFile; mtime: number; readonly gzip: boolean }
  | { readonly kind: 'socket'; mtime: number }
  | { readonly kind: 'proc'; readonly read: () => string };

/** Normalises a path: absolute, no trailing slash, no `.`/`..`/`//`. */
export function normalisePath(path: string, cwd = '/'): string {
  const parts: string[] = [];
  const full = path.startsWith('/') ? path : `${cwd}/${path}`;
  for (const p of full.split('/')) {
    if (p === '' || p === '.') continue;
    if (p === '..') parts.pop();
    else parts.push(p);
  }
  return `/${parts.join('/')}`;
}

function parentOf(path: string): string {
  const i = path.lastIndexOf('/');
  return i <= 0 ? '/' : path.slice(0, i);
}

/** A file held open after `rm`: its space stays used until the holder closes it (as on Linux). */
export interface DeletedOpenFile {
  readonly path: string;
  readonly size: number;
  readonly holder: string;
}

/** The per-node file tree. */
/** Device number every simulated file lives on (253:0, a first device-mapper volume, as `stat %d` prints it). */
export const SIM_ROOT_DEVICE = 64768;

export class VirtualFs {
  private readonly entries = new Map<string, VEntry>();
  /** Inode numbers, given out on first look: a replaced file is a new entry, so it gets a new number. */
  private readonly inodes = new WeakMap<VEntry, number>();
  private nextInode = 1_835_008;
  private readonly children = new Map<string, Set<string>>();
  /** Unlinked files whose space is still held by a process (`lsof +L1` territory). */
  readonly deletedOpen: DeletedOpenFile[] = [];

  constructor(private readonly clockMs: () => number) {
    this.entries.set('/', { kind: 'dir', mtime: clockMs() });
  }

  get(path: string): VEntry | undefined {
    return this.entries.get(normalisePath(path));
  }

  exists(path: string): boolean {
    return this.entries.has(normalisePath(path));
  }

  /** Creates the directory and its parents. */
  mkdirp(path: string): void {
    const p = normalisePath(path);
    if (this.entries.has(p)) return;
    const parent = parentOf(p);
    this.mkdirp(parent);
    this.entries.set(p, { kind: 'dir', mtime: this.clockMs() });
    this.link(parent, p);
  }

  private link(parent: string, child: string): void {
    let set = this.children.get(parent);
    if (!set) {
      set = new Set();
      this.children.set(parent, set);
    }
    set.add(child.slice(child.lastIndexOf('/') + 1));
  }

  /** Writes (creates or replaces) an entry, creating parent directories. */
  put(path: string, entry: VEntry): void {
    const p = normalisePath(path);
    const parent = parentOf(p);
    this.mkdirp(parent);
    this.entries.set(p, entry);
    this.link(parent, p);
  }

  /** Removes one non-directory entry; returns what was removed. */
  remove(path: string): VEntry | undefined {
    const p = normalisePath(path);
    const e = this.entries.get(p);
    if (!e || e.kind === 'dir') return undefined;
    this.entries.delete(p);
    this.children.get(parentOf(p))?.delete(p.slice(p.lastIndexOf('/') + 1));
    return e;
  }

  /** Names in a directory, sorted like `ls`. */
  list(path: string): string[] {
    return [...(this.children.get(normalisePath(path)) ?? [])].sort();
  }

  /** Size of an entry in bytes (directories count as 4096, like ext4). */
  /** The entry's inode number (`stat %i`, `find -printf %i`). */
  inodeOf(e: VEntry): number {
    let n = this.inodes.get(e);
    if (n === undefined) {
      n = this.nextInode++;
      this.inodes.set(e, n);
    }
    return n;
  }

  sizeOf(e: VEntry): number {
    switch (e.kind) {
      case 'dir':
        return 4096;
      case 'file':
        return e.size;
      case 'log':
        return e.log.size();
      case 'socket':
        return 0;
      case 'proc':
        return 0;
    }
  }

  /** Text content of a readable entry (big cache files read as NUL-free filler is pointless: empty). */
  read(e: VEntry): string {
    switch (e.kind) {
      case 'file':
        return e.content ?? '';
      case 'log':
        return e.log.text();
      case 'proc':
        return e.read();
      default:
        return '';
    }
  }

  mtimeOf(e: VEntry): number {
    return e.kind === 'proc' ? this.clockMs() : e.mtime;
  }

  /** Every entry below `root` (inclusive), depth first, in name order. */
  *walk(root: string): Generator<[string, VEntry]> {
    const p = normalisePath(root);
    const e = this.entries.get(p);
    if (!e) return;
    yield [p, e];
    if (e.kind !== 'dir') return;
    for (const name of this.list(p)) yield* this.walk(p === '/' ? `/${name}` : `${p}/${name}`);
  }

  /** Bytes used by files on the root file system (what `df /` counts above the base usage). */
  usedBytes(): number {
    let total = 0;
    for (const [path, e] of this.entries) {
      if (path.startsWith('/proc') || path.startsWith('/run') || path.startsWith('/var/run')) continue;
      if (e.kind === 'file') total += e.size;
      else if (e.kind === 'log') total += e.log.size();
    }
    return total + this.deletedOpen.reduce((n, f) => n + f.size, 0);
  }
}
