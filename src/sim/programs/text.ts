/** Text tools over the virtual files: cat, zcat, head, tail, sort, uniq, wc, stat. */
import { fail, result, type ProgramContext, type ProgramDef, type ProgramResult } from '../shell/types.js';
import { SIM_ROOT_DEVICE } from '../state/vfs.js';
import { linesOf, openFile, textOf } from './files.js';

function readInputs(ctx: ProgramContext, files: readonly string[], tool: string, decompress = false): { texts: { name: string; text: string }[]; err: string } {
  if (files.length === 0) return { texts: [{ name: '-', text: ctx.stdin }], err: '' };
  const texts: { name: string; text: string }[] = [];
  let err = '';
  for (const f of files) {
    const o = openFile(ctx, f, decompress);
    if (o.ok) texts.push({ name: f, text: o.text });
    else if (o.why === 'directory') err += `${tool}: ${f}: Is a directory\n`;
    else
      err +=
        tool === 'head' || tool === 'tail'
          ? `${tool}: cannot open '${f}' for reading: No such file or directory\n`
          : `${tool}: ${f}: No such file or directory\n`;
  }
  return { texts, err };
}

function cat(ctx: ProgramContext, decompress: boolean): ProgramResult {
  const files = ctx.args.filter((a) => a !== '-' && !a.startsWith('-'));
  const { texts, err } = readInputs(ctx, files, ctx.name, decompress);
  return result(texts.map((t) => t.text).join(''), err, err ? 1 : 0);
}

function parseCount(args: string[], flag: string): { n: number; fromStart: boolean; files: string[]; bytes: boolean; zero: boolean } | string {
  let n = 10;
  let fromStart = false;
  let bytes = false;
  let zero = false;
  const files: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const a = args[i] as string;
    if (a === '-n' || a === '-c') {
      const v = args[++i] ?? '';
      bytes = a === '-c';
      fromStart = v.startsWith('+');
      n = Number(v.replace(/^[+-]/, ''));
      if (!Number.isInteger(n)) return `${flag}: invalid number of ${bytes ? 'bytes' : 'lines'}: '${v}'`;
    } else if (/^-[nc]\+?\d+$/.test(a)) {
      bytes = a[1] === 'c';
      fromStart = a.includes('+');
      n = Number(a.slice(2).replace('+', ''));
    } else if (/^-\d+$/.test(a)) n = Number(a.slice(1));
    else if (a === '-z' || a === '--zero-terminated') zero = true;
    else if (a === '-q' || a === '-F' || a === '-f') continue;
    else files.push(a);
  }
  return { n, fromStart, files, bytes, zero };
}

function headTail(ctx: ProgramContext, tail: boolean): ProgramResult {
  const p = parseCount([...ctx.args], ctx.name);
  if (typeof p === 'string') return fail(p, 1);
  const { texts, err } = readInputs(ctx, p.files, ctx.name);
  let out = '';
  for (const [i, t] of texts.entries()) {
    if (texts.length > 1) out += `${i > 0 ? '\n' : ''}==> ${t.name} <==\n`;
    if (p.bytes) {
      const b = Buffer.from(t.text);
      out += (tail ? (p.fromStart ? b.subarray(p.n - 1) : b.subarray(Math.max(0, b.length - p.n))) : b.subarray(0, p.n)).toString();
      continue;
    }
    const sep = p.zero ? '\0' : '\n';
    const lines = linesOf(t.text, sep);
    const pick = tail ? (p.fromStart ? lines.slice(Math.max(0, p.n - 1)) : lines.slice(Math.max(0, lines.length - p.n))) : lines.slice(0, p.n);
    out += textOf(pick, sep);
  }
  return result(out, err, err ? 1 : 0);
}

function sort(ctx: ProgramContext): ProgramResult {
  let numeric = false;
  let reverse = false;
  let unique = false;
  let zero = false;
  let key: number | undefined;
  const files: string[] = [];
  const args = [...ctx.args];
  for (let i = 0; i < args.length; i++) {
    const a = args[i] as string;
    if (a === '-k') key = Number.parseInt(args[++i] ?? '1', 10);
    else if (a === '-t') i++;
    else if (/^-[a-zA-Z]+$/.test(a)) {
      numeric ||= a.includes('n') || a.includes('h');
      reverse ||= a.includes('r');
      unique ||= a.includes('u');
      zero ||= a.includes('z');
    } else files.push(a);
  }
  const { texts, err } = readInputs(ctx, files, 'sort');
  const field = (l: string): string => (key === undefined ? l : (l.trim().split(/\s+/)[key - 1] ?? ''));
  const sep = zero ? '\0' : '\n';
  let lines = texts.flatMap((t) => linesOf(t.text, sep));
  lines.sort((x, y) => {
    const c = numeric ? (Number.parseFloat(field(x)) || 0) - (Number.parseFloat(field(y)) || 0) : field(x) < field(y) ? -1 : field(x) > field(y) ? 1 : 0;
    return reverse ? -c : c;
  });
  if (unique) lines = lines.filter((l, i) => i === 0 || l !== lines[i - 1]);
  return result(textOf(lines, sep), err, err ? 2 : 0);
}

function uniq(ctx: ProgramContext): ProgramResult {
  const count = ctx.args.includes('-c');
  const lines = linesOf(ctx.stdin);
  const out: string[] = [];
  let prev: string | undefined;
  let n = 0;
  for (const l of [...lines, undefined]) {
    if (l === prev) {
      n++;
      continue;
    }
    if (prev !== undefined) out.push(count ? `${String(n).padStart(7)} ${prev}` : prev);
    prev = l;
    n = 1;
  }
  return result(textOf(out));
}

function wc(ctx: ProgramContext): ProgramResult {
  const flags = ctx.args.filter((a) => a.startsWith('-')).join('');
  const files = ctx.args.filter((a) => !a.startsWith('-'));
  const wantLines = flags.includes('l');
  const wantBytes = flags.includes('c') || !wantLines;
  const rows: { counts: number[]; name: string }[] = [];
  let err = '';
  const count = (text: string): number[] => [...(wantLines ? [linesOf(text).length] : []), ...(wantBytes ? [Buffer.byteLength(text)] : [])];
  if (files.length === 0) rows.push({ counts: count(ctx.stdin), name: '' });
  for (const f of files) {
    const o = openFile(ctx, f);
    if (!o.ok) {
      err += `wc: ${f}: ${o.why === 'missing' ? 'No such file or directory' : 'Is a directory'}\n`;
      continue;
    }
    rows.push({ counts: count(o.text), name: f });
  }
  if (rows.length > 1) rows.push({ counts: rows[0]?.counts.map((_, i) => rows.reduce((n, r) => n + (r.counts[i] ?? 0), 0)) ?? [], name: 'total' });
  const width = rows.length > 1 || (rows[0]?.counts.length ?? 0) > 1 ? Math.max(...rows.flatMap((r) => r.counts.map((c) => String(c).length))) : 0;
  const out = rows.map((r) => `${r.counts.map((c) => String(c).padStart(width)).join(' ')}${r.name ? ` ${r.name}` : ''}\n`).join('');
  return result(out, err, err ? 1 : 0);
}

function stat(ctx: ProgramContext): ProgramResult {
  const args = [...ctx.args];
  let fmt = '  File: %n\n  Size: %s\n';
  const files: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const a = args[i] as string;
    if (a === '-c' || a === '--format' || a === '--printf') fmt = (args[++i] ?? '') + (a === '--printf' ? '' : '\n');
    else if (a.startsWith('--format=')) fmt = `${a.slice(9)}\n`;
    else if (a === '-L' || a === '--') continue;
    else files.push(a);
  }
  let out = '';
  let err = '';
  for (const f of files) {
    const o = openFile(ctx, f);
    const e = o.ok ? o.entry : ctx.node.fs.get(f);
    if (!e) {
      err += `stat: cannot statx '${f}': No such file or directory\n`;
      continue;
    }
    const mtime = ctx.node.fs.mtimeOf(e);
    out += fmt.replace(/%([sYnyFUdi])/g, (_, k: string) => {
      switch (k) {
        case 'd':
          return String(SIM_ROOT_DEVICE);
        case 'i':
          return String(ctx.node.fs.inodeOf(e));
        case 's':
          return String(ctx.node.fs.sizeOf(e));
        case 'Y':
          return String(Math.floor(mtime / 1000));
        case 'y':
          return `${new Date(mtime).toISOString().replace('T', ' ').replace('Z', '')}000000 +0000`;
        case 'F':
          return e.kind === 'dir' ? 'directory' : e.kind === 'socket' ? 'socket' : 'regular file';
        case 'U':
          return 'root';
        default:
          return f;
      }
    });
  }
  return result(out, err, err ? 1 : 0);
}

/** Text tools. */
export const textPrograms: Record<string, ProgramDef> = {
  cat: { run: (ctx) => cat(ctx, false) },
  zcat: { run: (ctx) => cat(ctx, true) },
  head: { run: (ctx) => headTail(ctx, false) },
  tail: { run: (ctx) => headTail(ctx, true) },
  sort: { run: sort },
  uniq: { run: uniq },
  wc: { run: wc },
  stat: { run: stat },
};
