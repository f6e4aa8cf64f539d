/** Disk tools: df, du, find, rm, ls, fuser, lsof, answered from the node's disk and files. */
import { diskUsed, isRunning } from '../state/derive.js';
import { removeFile } from '../state/actions.js';
import { normalisePath, SIM_ROOT_DEVICE } from '../state/vfs.js';
import type { SimNode } from '../state/types.js';
import { fail, result, type ProgramContext, type ProgramDef, type ProgramResult } from '../shell/types.js';

interface Mount {
  readonly source: string;
  readonly target: string;
  readonly size: number;
  readonly used: number;
}

function mounts(node: SimNode): Mount[] {
  const g = 1024 ** 3;
  const used = diskUsed(node);
  return [
    { source: 'udev', target: '/dev', size: 16 * g, used: 0 },
    { source: 'tmpfs', target: '/run', size: 3.2 * g, used: 9_961_472 },
    { source: node.disk.device, target: '/', size: node.disk.size, used },
    { source: 'tmpfs', target: '/dev/shm', size: 16 * g, used: 0 },
    { source: '/dev/sda3', target: '/boot', size: 205_520_896, used: 81_788_928 },
  ].map((m) => ({ ...m, size: Math.round(m.size) }));
}

function mountOf(node: SimNode, path: string): Mount | undefined {
  const all = mounts(node);
  return all.filter((m) => path === m.target || path.startsWith(m.target === '/' ? '/' : `${m.target}/`)).sort((a, b) => b.target.length - a.target.length)[0];
}

function df(ctx: ProgramContext): ProgramResult {
  let block = 1024;
  const paths: string[] = [];
  const args = [...ctx.args];
  for (let i = 0; i < args.length; i++) {
    const a = args[i] as string;
    if (a === '-B') block = parseBlock(args[++i] ?? '1');
    else if (a.startsWith('-B')) block = parseBlock(a.slice(2));
    else if (a.startsWith('--block-size=')) block = parseBlock(a.slice(13));
    else if (a === '-k') block = 1024;
    else if (a.startsWith('-')) continue;
    else paths.push(a);
  }
  let err = '';
  let rows: Mount[] = [];
  if (paths.length === 0) rows = mounts(ctx.node);
  for (const p of paths) {
    const abs = normalisePath(p, ctx.cwd);
    const m = ctx.node.fs.exists(abs) || abs === '/dev' || abs === '/run' ? mountOf(ctx.node, abs) : undefined;
    if (!m) err += `df: ${p}: No such file or directory\n`;
    else rows.push(m);
  }
  if (rows.length === 0) return fail(err, 1);
  const header = ['Filesystem', block === 1 ? '1-blocks' : `${block}-blocks`, 'Used', 'Available', 'Capacity', 'Mounted on'];
  const cells = rows.map((m) => {
    const avail = m.size - m.used;
    const pct = m.size === 0 ? '-' : `${Math.ceil((m.used * 100) / (m.used + avail))}%`;
    return [m.source, String(Math.ceil(m.size / block)), String(Math.ceil(m.used / block)), String(Math.floor(avail / block)), pct, m.target];
  });
  const widths = [0, 1, 2, 3, 4].map((i) => Math.max(i === 0 ? 14 : 5, (header[i] ?? '').length, ...cells.map((c) => (c[i] ?? '').length)));
  const line = (c: string[]): string =>
    `${(c[0] ?? '').padEnd(widths[0] ?? 0)} ${[1, 2, 3, 4].map((i) => (c[i] ?? '').padStart(widths[i] ?? 0)).join(' ')} ${c[5] ?? ''}\n`;
  return result(line(header) + cells.map(line).join(''), err, err ? 1 : 0);
}

function parseBlock(v: string): number {
  const m = /^(\d*)([KMG]?)$/i.exec(v);
  if (!m) return 1024;
  const mult = { '': 1, K: 1024, M: 1024 ** 2, G: 1024 ** 3 }[(m[2] ?? '').toUpperCase()] ?? 1;
  return Number(m[1] || '1') * mult;
}

function blocksOf(size: number): number {
  return Math.ceil(size / 4096) * 4096;
}

function du(ctx: ProgramContext): ProgramResult {
  let block = 1024;
  let summarize = false;
  let total = false;
  const paths: string[] = [];
  const args = [...ctx.args];
  for (let i = 0; i < args.length; i++) {
    const a = args[i] as string;
    if (a === '-B') block = parseBlock(args[++i] ?? '1');
    else if (a.startsWith('-B')) block = parseBlock(a.slice(2));
    else if (a.startsWith('--block-size=')) block = parseBlock(a.slice(13));
    else if (/^-[a-zA-Z]+$/.test(a)) {
      summarize ||= a.includes('s');
      total ||= a.includes('c');
      if (a.includes('b')) block = 1;
    } else paths.push(a);
  }
  if (paths.length === 0) paths.push('.');
  let out = '';
  let err = '';
  let sum = 0;
  for (const p of paths) {
    const abs = normalisePath(p, ctx.cwd);
    if (!ctx.node.fs.exists(abs)) {
      err += `du: cannot access '${p}': No such file or directory\n`;
      continue;
    }
    const dirTotals = new Map<string, number>();
    let size = 0;
    for (const [path, e] of ctx.node.fs.walk(abs)) {
      const s = e.kind === 'dir' ? 4096 : blocksOf(ctx.node.fs.sizeOf(e));
      size += s;
      if (!summarize) {
        for (let d = e.kind === 'dir' ? path : path.slice(0, path.lastIndexOf('/')) || '/'; d.startsWith(abs); d = d.slice(0, d.lastIndexOf('/')) || '/') {
          dirTotals.set(d, (dirTotals.get(d) ?? 0) + s);
          if (d === abs || d === '/') break;
        }
      }
    }
    sum += size;
    if (summarize) out += `${Math.ceil(size / block)}\t${p}\n`;
    else {
      const rel = (d: string): string => (d === abs ? p : `${p.replace(/\/$/, '')}${d.slice(abs.length)}`);
      for (const d of [...dirTotals.keys()].sort().reverse()) out += `${Math.ceil((dirTotals.get(d) ?? 0) / block)}\t${rel(d)}\n`;
    }
  }
  if (total) out += `${Math.ceil(sum / block)}\ttotal\n`;
  return result(out, err, err ? 1 : 0);
}

function sizeTest(spec: string): (size: number) => boolean {
  const m = /^([+-]?)(\d+)([ckMGb]?)$/.exec(spec);
  if (!m) return () => false;
  const unit = { c: 1, k: 1024, M: 1024 ** 2, G: 1024 ** 3, b: 512, '': 512 }[m[3] ?? ''] ?? 512;
  const n = Number(m[2]);
  return (size) => {
    const units = Math.ceil(size / unit);
    return m[1] === '+' ? units > n : m[1] === '-' ? units < n : units === n;
  };
}

function find(ctx: ProgramContext): ProgramResult {
  const args = [...ctx.args];
  const roots: string[] = [];
  while (args.length > 0 && !(args[0] as string).startsWith('-')) roots.push(args.shift() as string);
  if (roots.length === 0) roots.push('.');
  const tests: ((path: string, size: number, kind: string, mtime: number) => boolean)[] = [];
  let printf: string | undefined;
  for (let i = 0; i < args.length; i++) {
    const a = args[i] as string;
    const v = args[i + 1] ?? '';
    switch (a) {
      case '-xdev':
      case '-mount':
      case '-print':
        break;
      case '-maxdepth':
      case '-mindepth':
        i++;
        break;
      case '-type':
        i++;
        tests.push((_p, _s, kind) => (v === 'f' ? kind === 'file' || kind === 'log' : v === 'd' ? kind === 'dir' : v === 's' ? kind === 'socket' : false));
        break;
      case '-size': {
        i++;
        const t = sizeTest(v);
        tests.push((_p, size, kind) => kind !== 'dir' && t(size));
        break;
      }
      case '-name': {
        i++;
        const re = new RegExp(
          `^${v
            .replace(/[.+^${}()|\\]/g, '\\$&')
            .replace(/\*/g, '.*')
            .replace(/\?/g, '.')}$`,
        );
        tests.push((p) => re.test(p.slice(p.lastIndexOf('/') + 1)));
        break;
      }
      case '-mtime':
      case '-mmin': {
        i++;
        const per = a === '-mtime' ? 86_400_000 : 60_000;
        const n = Number(v.replace(/^[+-]/, ''));
        const now = ctx.cluster.clock.now();
        tests.push((_p, _s, _k, mtime) => {
          const age = Math.floor((now - mtime) / per);
          return v.startsWith('+') ? age > n : v.startsWith('-') ? age < n : age === n;
        });
        break;
      }
      case '-printf':
        i++;
        printf = v;
        break;
      default:
        return fail(`find: unknown predicate \`${a}'`, 1);
    }
  }
  let out = '';
  let err = '';
  for (const root of roots) {
    const abs = normalisePath(root, ctx.cwd);
    if (!ctx.node.fs.exists(abs)) {
      err += `find: \u2018${root}\u2019: No such file or directory\n`;
      continue;
    }
    for (const [path, e] of ctx.node.fs.walk(abs)) {
      const shown = root === abs ? path : `${root.replace(/\/$/, '')}${path.slice(abs.length)}`;
      const size = ctx.node.fs.sizeOf(e);
      const mtime = ctx.node.fs.mtimeOf(e);
      if (!tests.every((t) => t(path, size, e.kind, mtime))) continue;
      if (printf === undefined) out += `${shown}\n`;
      else {
        out += printf
          .replace(/\\t/g, '\t')
          .replace(/\\n/g, '\n')
          .replace(/\\0/g, '\0')
          .replace(/%(T@|[spfhDi%])/g, (_, k: string) => {
            if (k === 's') return String(size);
            if (k === 'D') return String(SIM_ROOT_DEVICE);
            if (k === 'i') return String(ctx.node.fs.inodeOf(e));
            if (k === 'T@') return `${Math.floor(mtime / 1000)}.${String(mtime % 1000).padStart(3, '0')}0000000`;
            if (k === 'p') return shown;
            if (k === 'f') return shown.slice(shown.lastIndexOf('/') + 1);
            if (k === 'h') return shown.slice(0, shown.lastIndexOf('/')) || '/';
            return '%';
          });
      }
    }
  }
  return result(out, err, err ? 1 : 0);
}

function rm(ctx: ProgramContext): ProgramResult {
  let force = false;
  let recursive = false;
  let verbose = false;
  const paths: string[] = [];
  let end = false;
  for (const a of ctx.args) {
    if (!end && a === '--') end = true;
    else if (!end && /^-[a-zA-Z]+$/.test(a)) {
      force ||= a.includes('f');
      recursive ||= a.includes('r') || a.includes('R');
      verbose ||= a.includes('v');
    } else paths.push(a);
  }
  if (paths.length === 0 && !force) return fail("rm: missing operand\nTry 'rm --help' for more information.", 1);
  let out = '';
  let err = '';
  for (const p of paths) {
    const abs = normalisePath(p, ctx.cwd);
    const e = ctx.node.fs.get(abs);
    if (!e) {
      if (!force) err += `rm: cannot remove '${p}': No such file or directory\n`;
      continue;
    }
    if (e.kind === 'dir') {
      if (!recursive) {
        err += `rm: cannot remove '${p}': Is a directory\n`;
        continue;
      }
      for (const [child, ce] of [...ctx.node.fs.walk(abs)].reverse()) {
        if (ce.kind !== 'dir') removeFile(ctx.cluster, ctx.node, child);
      }
      if (verbose) out += `removed directory '${p}'\n`;
      continue;
    }
    removeFile(ctx.cluster, ctx.node, abs);
    if (verbose) out += `removed '${p}'\n`;
  }
  return result(out, err, err ? 1 : 0);
}

/** `realpath [-e] [--] PATH...`: the simulated file system has no symlinks, so the name normalised. */
function realpath(ctx: ProgramContext): ProgramResult {
  let mustExist = false;
  let end = false;
  const paths: string[] = [];
  for (const a of ctx.args) {
    if (!end && a === '--') end = true;
    else if (!end && (a === '-e' || a === '--canonicalize-existing')) mustExist = true;
    else if (!end && a.startsWith('-')) return fail(`realpath: unrecognized option '${a}'`, 1);
    else paths.push(a);
  }
  if (paths.length === 0) return fail('realpath: missing operand', 1);
  let out = '';
  let err = '';
  for (const p of paths) {
    const abs = normalisePath(p, ctx.cwd);
    if (mustExist && !ctx.node.fs.exists(abs)) err += `realpath: ${p}: No such file or directory\n`;
    else out += `${abs}\n`;
  }
  return result(out, err, err ? 1 : 0);
}

function ls(ctx: ProgramContext): ProgramResult {
  const paths = ctx.args.filter((a) => !a.startsWith('-'));
  const long = ctx.args.some((a) => a.startsWith('-') && a.includes('l'));
  if (paths.length === 0) paths.push('.');
  let out = '';
  let err = '';
  for (const p of paths) {
    const abs = normalisePath(p, ctx.cwd);
    const e = ctx.node.fs.get(abs);
    if (!e) {
      err += `ls: cannot access '${p}': No such file or directory\n`;
      continue;
    }
    const names = e.kind === 'dir' ? ctx.node.fs.list(abs) : [p];
    if (paths.length > 1) out += `${p}:\n`;
    for (const n of names) {
      if (!long) {
        out += `${n}\n`;
        continue;
      }
      const ce = e.kind === 'dir' ? ctx.node.fs.get(`${abs === '/' ? '' : abs}/${n}`) : e;
      if (!ce) continue;
      const type = ce.kind === 'dir' ? 'd' : ce.kind === 'socket' ? 's' : '-';
      const d = new Date(ctx.node.fs.mtimeOf(ce));
      const stamp = `${d.toUTCString().slice(8, 11)} ${String(d.getUTCDate()).padStart(2)} ${String(d.getUTCHours()).padStart(2, '0')}:${String(d.getUTCMinutes()).padStart(2, '0')}`;
      out += `${type}rw-r--r-- 1 root root ${String(ctx.node.fs.sizeOf(ce)).padStart(11)} ${stamp} ${n}\n`;
    }
  }
  return result(out, err, err ? 2 : 0);
}

function holders(node: SimNode, path: string): number[] {
  const pid = node.services.get('cinder-volume')?.pid ?? 0;
  return node.cinderOpenFiles.has(path) && isRunning(node, 'cinder-volume') ? [pid] : [];
}

function fuser(ctx: ProgramContext): ProgramResult {
  const paths = ctx.args.filter((a) => !a.startsWith('-'));
  let out = '';
  let err = '';
  let found = false;
  for (const p of paths) {
    const abs = normalisePath(p, ctx.cwd);
    if (!ctx.node.fs.exists(abs)) {
      err += `Specified filename ${p} does not exist.\n`;
      continue;
    }
    const pids = holders(ctx.node, abs);
    if (pids.length > 0) {
      found = true;
      err += `${p}:`;
      out += pids.map((x) => ` ${x}`).join('');
      err += '\n';
    }
  }
  return result(out, err, found ? 0 : 1);
}

function lsof(ctx: ProgramContext): ProgramResult {
  const terse = ctx.args.includes('-t');
  const deleted = ctx.args.includes('+L1');
  const paths = ctx.args.filter((a) => !a.startsWith('-') && !a.startsWith('+'));
  const rows: { pid: number; path: string; size: number; deleted: boolean }[] = [];
  if (deleted)
    for (const f of ctx.node.fs.deletedOpen) rows.push({ pid: ctx.node.services.get(f.holder)?.pid ?? 0, path: f.path, size: f.size, deleted: true });
  for (const p of paths) {
    const abs = normalisePath(p, ctx.cwd);
    const e = ctx.node.fs.get(abs);
    if (!e) continue;
    for (const pid of holders(ctx.node, abs)) rows.push({ pid, path: abs, size: ctx.node.fs.sizeOf(e), deleted: false });
  }
  if (rows.length === 0) return result('', '', 1);
  if (terse) return result([...new Set(rows.map((r) => r.pid))].map((p) => `${p}\n`).join(''));
  const head = 'COMMAND     PID   USER   FD   TYPE DEVICE    SIZE/OFF NLINK    NODE NAME\n';
  return result(
    head +
      rows
        .map(
          (r) =>
            `cinder-vo ${String(r.pid).padStart(5)} cinder   12w   REG  252,0 ${String(r.size).padStart(11)}     ${r.deleted ? 0 : 1} 1835012 ${r.path}${r.deleted ? ' (deleted)' : ''}\n`,
        )
        .join(''),
  );
}

/** Disk tools. */
export const diskPrograms: Record<string, ProgramDef> = {
  df: { run: df },
  du: { run: du },
  find: { run: find },
  rm: { run: rm },
  realpath: { run: realpath },
  ls: { run: ls },
  fuser: { run: fuser },
  lsof: { run: lsof },
};
