/** grep, egrep, fgrep and zgrep over the virtual files, with GNU grep's flags, output and exit codes. */
import { fail, result, type ProgramContext, type ProgramDef, type ProgramResult } from '../shell/types.js';
import { linesOf, openFile } from './files.js';

/** Translates a POSIX basic regular expression to a JavaScript one. */
function breToJs(p: string): string {
  let out = '';
  for (let i = 0; i < p.length; i++) {
    const c = p[i] as string;
    if (c === '\\') {
      const n = p[i + 1] ?? '';
      i++;
      if ('|(){}?+'.includes(n)) out += n;
      else out += `\\${n}`;
    } else if ('|(){}?+'.includes(c)) out += `\\${c}`;
    else out += c;
  }
  return out;
}

function compile(patterns: readonly string[], mode: 'F' | 'E' | 'G', ignoreCase: boolean): RegExp | string {
  try {
    const src = patterns.map((p) => (mode === 'F' ? p.replace(/[.*+?^${}()|[\]\\]/g, '\\$&') : mode === 'E' ? p : breToJs(p))).map((s) => `(?:${s})`).join('|');
    return new RegExp(src, ignoreCase ? 'i' : '');
  } catch {
    return 'grep: Unmatched ( or \\(';
  }
}

function grep(ctx: ProgramContext): ProgramResult {
  const decompress = ctx.name === 'zgrep';
  let mode: 'F' | 'E' | 'G' = ctx.name === 'egrep' ? 'E' : ctx.name === 'fgrep' ? 'F' : 'G';
  const patterns: string[] = [];
  const files: string[] = [];
  const f = { H: false, h: false, n: false, i: false, c: false, v: false, l: false, q: false, s: false, o: false };
  const args = [...ctx.args];
  let endOfOptions = false;
  for (let i = 0; i < args.length; i++) {
    const a = args[i] as string;
    if (endOfOptions || !a.startsWith('-') || a === '-') {
      files.push(a);
      continue;
    }
    if (a === '--') {
      endOfOptions = true;
      continue;
    }
    if (a === '-e' || a === '--regexp') {
      patterns.push(args[++i] ?? '');
      continue;
    }
    if (a.startsWith('--regexp=')) {
      patterns.push(a.slice(9));
      continue;
    }
    if (a === '-m' || a === '-A' || a === '-B' || a === '-C') {
      i++;
      continue;
    }
    if (a.startsWith('--')) continue;
    for (let j = 1; j < a.length; j++) {
      const ch = a[j] as string;
      if (ch === 'E' || ch === 'F' || ch === 'G') mode = ch;
      else if (ch === 'e') {
        patterns.push(a.slice(j + 1) || (args[++i] ?? ''));
        break;
      } else if (ch in f) f[ch as keyof typeof f] = true;
      else if (ch === 'a' || ch === 'r' || ch === 'R' || ch === 'I') continue;
      else return fail(`grep: invalid option -- '${ch}'\nUsage: grep [OPTION]... PATTERNS [FILE]...\nTry 'grep --help' for more information.`, 2);
    }
  }
  if (patterns.length === 0) {
    const p = files.shift();
    if (p === undefined) return fail("Usage: grep [OPTION]... PATTERNS [FILE]...\nTry 'grep --help' for more information.", 2);
    patterns.push(p);
  }
  const re = compile(patterns, mode, f.i);
  if (typeof re === 'string') return fail(re, 2);
  const showName = f.H || (!f.h && files.length > 1);
  let out = '';
  let err = '';
  let matched = false;
  let error = false;
  const inputs = files.length === 0 ? [{ name: '(standard input)', text: ctx.stdin, binary: false }] : [];
  for (const file of files) {
    const o = openFile(ctx, file, decompress);
    if (!o.ok) {
      error = true;
      if (!f.s) err += `grep: ${file}: ${o.why === 'missing' ? 'No such file or directory' : 'Is a directory'}\n`;
      continue;
    }
    inputs.push({ name: file, text: o.text, binary: o.entry.kind === 'log' && o.entry.gzip && !decompress });
  }
  for (const input of inputs) {
    if (input.binary) continue;
    let count = 0;
    for (const [idx, line] of linesOf(input.text).entries()) {
      if (re.test(line) === f.v) continue;
      count++;
      matched = true;
      if (f.q) return result('', err, 0);
      if (f.c || f.l) continue;
      const text = f.o && !f.v ? (line.match(re)?.[0] ?? line) : line;
      out += `${showName ? `${input.name}:` : ''}${f.n ? `${idx + 1}:` : ''}${text}\n`;
    }
    if (f.l && count > 0) out += `${input.name}\n`;
    else if (f.c) out += `${showName ? `${input.name}:` : ''}${count}\n`;
  }
  return result(out, err, error && !(f.q && matched) ? 2 : matched ? 0 : 1);
}

/** The grep family. */
export const grepPrograms: Record<string, ProgramDef> = {
  grep: { run: grep },
  egrep: { run: grep },
  fgrep: { run: grep },
  zgrep: { run: grep },
};
