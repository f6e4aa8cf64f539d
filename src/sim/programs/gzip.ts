/**
 * gzip and gunzip over the virtual files. Rotated logs are held as text marked `gzip`, so
 * decompressing one is reading its text; compressing marks it. gzip's messages and exit codes
 * (1 for errors, 2 for warnings such as a directory) are kept because scripts test them.
 */
import { LogFile, normalisePath, type VEntry } from '../state/vfs.js';
import { fail, result, type ProgramContext, type ProgramDef, type ProgramResult } from '../shell/types.js';
import { GZIP_BYTES, linesOf } from './files.js';

interface GzipOptions {
  decompress: boolean;
  toStdout: boolean;
  force: boolean;
  keep: boolean;
  quiet: boolean;
  readonly files: string[];
}

const FLAGS: Record<string, keyof Omit<GzipOptions, 'files'> | null> = {
  d: 'decompress',
  c: 'toStdout',
  f: 'force',
  k: 'keep',
  q: 'quiet',
  // Accepted without effect: verbosity, name saving, compression levels.
  v: null,
  n: null,
  N: null,
  ...Object.fromEntries([...'123456789'].map((d) => [d, null])),
};

const LONG: Record<string, string> = {
  decompress: 'd',
  uncompress: 'd',
  stdout: 'c',
  'to-stdout': 'c',
  force: 'f',
  keep: 'k',
  quiet: 'q',
  verbose: 'v',
  'no-name': 'n',
  name: 'N',
  fast: '1',
  best: '9',
};

function parseArgs(ctx: ProgramContext): GzipOptions | string {
  const o: GzipOptions = { decompress: ctx.name === 'gunzip', toStdout: false, force: false, keep: false, quiet: false, files: [] };
  const set = (letter: string): boolean => {
    if (!Object.hasOwn(FLAGS, letter)) return false;
    const key = FLAGS[letter];
    if (key) o[key] = true;
    return true;
  };
  const args = [...ctx.args];
  for (let i = 0; i < args.length; i++) {
    const a = args[i] as string;
    if (a === '--') {
      o.files.push(...args.slice(i + 1));
      break;
    }
    if (a.startsWith('--')) {
      const letter = Object.hasOwn(LONG, a.slice(2)) ? LONG[a.slice(2)] : undefined;
      if (!letter || !set(letter)) return `${ctx.name}: unrecognized option '${a}'\nTry \`${ctx.name} --help' for more information.`;
      continue;
    }
    if (a.startsWith('-') && a !== '-') {
      for (const ch of a.slice(1)) if (!set(ch)) return `${ctx.name}: invalid option -- '${ch}'\nTry \`${ctx.name} --help' for more information.`;
      continue;
    }
    o.files.push(a);
  }
  return o;
}

/** The text a compressed entry holds; undefined when it is not gzip data. */
function gunzipped(fsRead: (e: VEntry) => string, e: VEntry, path: string): string | undefined {
  if (e.kind === 'log') return e.gzip ? fsRead(e) : undefined;
  // Size-only placeholders of rotated files (e.g. an old syslog.N.gz): compressed, but no text is modelled.
  if (e.kind === 'file' && e.content === undefined && path.endsWith('.gz')) return '';
  return undefined;
}

function fromStdin(ctx: ProgramContext, o: GzipOptions): ProgramResult {
  if (!o.decompress) return result(ctx.stdin === '' ? '' : GZIP_BYTES);
  if (ctx.stdin === '') return fail(`\n${ctx.name}: stdin: unexpected end of file`, 1);
  if (o.force) return result(ctx.stdin);
  return fail(`\n${ctx.name}: stdin: not in gzip format`, 1);
}

function gzip(ctx: ProgramContext): ProgramResult {
  const o = parseArgs(ctx);
  if (typeof o === 'string') return fail(o, 1);
  if (o.files.length === 0 || (o.files.length === 1 && o.files[0] === '-')) return fromStdin(ctx, o);
  const fs = ctx.node.fs;
  let out = '';
  let err = '';
  let code = 0;
  const problem = (message: string, c: 0 | 1 | 2): void => {
    // gzip starts data errors on a new line (a -v progress line may be pending): hence the blank line.
    const lead = message.endsWith('not in gzip format') ? '\n' : '';
    if (!(o.quiet && c !== 1)) err += `${lead}${ctx.name}: ${message}\n`;
    code = Math.max(code, c);
  };
  for (const file of o.files) {
    const path = normalisePath(file, ctx.cwd);
    const e = fs.get(path);
    if (!e) {
      problem(`${file}: No such file or directory`, 1);
      continue;
    }
    if (e.kind === 'dir') {
      problem(`${file} is a directory -- ignored`, 2);
      continue;
    }
    if (e.kind === 'socket' || e.kind === 'proc') {
      problem(`${file} is not a directory or a regular file - ignored`, 2);
      continue;
    }
    if (o.decompress) {
      const text = gunzipped((x) => fs.read(x), e, path);
      if (text === undefined && !(o.force && o.toStdout)) {
        problem(`${file}: not in gzip format`, 1);
        continue;
      }
      if (o.toStdout) {
        out += text ?? fs.read(e);
        continue;
      }
      if (!path.endsWith('.gz')) {
        problem(`${file}: unknown suffix -- ignored`, 2);
        continue;
      }
      move(ctx, o, path, path.slice(0, -3), text ?? '', false, problem);
      continue;
    }
    if (o.toStdout) {
      out += GZIP_BYTES;
      continue;
    }
    if (path.endsWith('.gz')) {
      // A warning gzip 1.12 prints without changing its exit status.
      problem(`${file} already has .gz suffix -- unchanged`, 0);
      continue;
    }
    move(ctx, o, path, `${path}.gz`, fs.read(e), true, problem);
  }
  return result(out, err, code);
}

/** In-place (de)compression: the new file replaces the old one unless `-k`. */
function move(
  ctx: ProgramContext,
  o: GzipOptions,
  from: string,
  to: string,
  text: string,
  compressed: boolean,
  problem: (m: string, c: 0 | 1 | 2) => void,
): void {
  const fs = ctx.node.fs;
  const source = fs.get(from);
  if (source?.kind !== 'log' && source?.kind !== 'file') return;
  if (fs.exists(to) && !o.force) {
    problem(`${to} already exists; not overwritten`, 2);
    return;
  }
  const lines = linesOf(text);
  const log = source.kind === 'log' ? source.log : new LogFile(() => lines);
  fs.put(to, { kind: 'log', log, mtime: source.mtime, gzip: compressed });
  if (!o.keep) fs.remove(from);
}

/** gzip and gunzip. */
export const gzipPrograms: Record<string, ProgramDef> = {
  gzip: { run: gzip },
  gunzip: { run: gzip },
};
