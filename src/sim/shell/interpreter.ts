/**
 * Runs parsed scripts against a node: expansion, redirections, exit codes, the builtins that
 * change the shell itself (`cd`, `export`, `.`, `exit`), and program lookup with dash's
 * `sh: 1: NAME: not found` / 127 for anything not installed.
 */
import { normalisePath } from '../state/vfs.js';
import { appendLog } from '../state/logging.js';
import type { ClusterState, SimNode } from '../state/types.js';
import { expandGlob, hasGlob } from './glob.js';
import { parse, type AndOr, type Command, type List, type Pipeline, type Redirection } from './parse.js';
import { ShellSyntaxError, tokenize, type Word } from './tokenize.js';
import { fail, result, type ProgramContext, type ProgramDef, type ProgramResult } from './types.js';

/**
 * Looks a program up for a node; undefined when it is not installed there. `env` is the calling
 * shell's: inside a container it holds `container` (podman and docker set it), and some tools
 * exist only there.
 */
export type ProgramLookup = (name: string, node: SimNode, env?: ReadonlyMap<string, string>) => ProgramDef | undefined;

class ExitSignal {
  constructor(readonly code: number) {}
}

type Target = 'out' | 'err' | 'null' | { readonly path: string; readonly append: boolean };

/** The state of one shell process. */
interface Shell {
  readonly cluster: ClusterState;
  readonly node: SimNode;
  readonly lookup: ProgramLookup;
  readonly env: Map<string, string>;
  cwd: string;
  lastCode: number;
  /** `$1`…, as `set --` gives them (the fetch command keeps its grep patterns there). */
  positional: readonly string[];
  readonly signal: AbortSignal;
}

/** A special or positional parameter's value (`$?`, `$$`, `$#`, `$0`, `$1`…), or a variable's. */
function paramValue(sh: Shell, name: string): string {
  if (name === '?') return String(sh.lastCode);
  if (name === '$') return '4242';
  if (name === '#') return String(sh.positional.length);
  if (name === '0') return 'sh';
  if (/^[1-9]$/.test(name)) return sh.positional[Number(name) - 1] ?? '';
  if (name === '@') return sh.positional.join(' ');
  return sh.env.get(name) ?? '';
}

function expandWord(sh: Shell, word: Word): string[] {
  // "$@" alone is one word per positional parameter, none when there are none (POSIX 2.5.2).
  const only = word.parts.length === 1 ? word.parts[0] : undefined;
  if (only?.kind === 'var' && only.name === '@') return only.quoted ? [...sh.positional] : sh.positional.flatMap((a) => a.split(/\s+/).filter(Boolean));
  let text = '';
  let pattern = '';
  let fields: string[] | undefined;
  for (const p of word.parts) {
    if (p.kind === 'text') {
      text += p.text;
      pattern += p.quoted ? p.text.replace(/[\\*?[\]]/g, '\\$&') : p.text;
      continue;
    }
    const value = paramValue(sh, p.name);
    if (!p.quoted && /\s/.test(value.trim()) && word.parts.length === 1) fields = value.trim().split(/\s+/);
    text += value;
    pattern += p.quoted ? value.replace(/[\\*?[\]]/g, '\\$&') : value;
  }
  if (fields) return fields;
  if (word.parts.length > 0 && word.parts.every((p) => p.kind === 'var' && !p.quoted) && text === '') return [];
  if (hasGlob(word.parts)) {
    const matches = expandGlob(sh.node.fs, pattern, sh.cwd);
    if (matches.length > 0) return matches;
  }
  return [text];
}

function readFileForShell(sh: Shell, path: string): string | undefined {
  if (path === '/dev/null') return '';
  const e = sh.node.fs.get(normalisePath(path, sh.cwd));
  if (!e || e.kind === 'dir') return undefined;
  return sh.node.fs.read(e);
}

function writeTarget(sh: Shell, target: { path: string; append: boolean }, text: string): void {
  const path = normalisePath(target.path, sh.cwd);
  const now = sh.cluster.clock.now();
  const e = sh.node.fs.get(path);
  if (e?.kind === 'log') {
    if (text !== '') appendLog(sh.node, path, text.replace(/\n$/, '').split('\n'), now);
    return;
  }
  const prev = target.append && e?.kind === 'file' ? (e.content ?? '') : '';
  const content = prev + text;
  sh.node.fs.put(path, { kind: 'file', size: Buffer.byteLength(content), mtime: now, content });
}

async function withRedirections(
  sh: Shell,
  redirs: readonly Redirection[],
  stdin: string,
  body: (stdin: string) => Promise<ProgramResult>,
): Promise<ProgramResult> {
  const fds: Record<number, Target> = { 1: 'out', 2: 'err' };
  let input = stdin;
  for (const r of redirs) {
    if (r.op === '>&') {
      const t = typeof r.target === 'string' ? r.target : '1';
      fds[r.fd] = t === '-' ? 'null' : (fds[Number(t)] ?? 'out');
      continue;
    }
    const path = typeof r.target === 'string' ? r.target : (expandWord(sh, r.target)[0] ?? '');
    if (r.op === '<') {
      const text = readFileForShell(sh, path);
      if (text === undefined) return fail(`sh: 1: cannot open ${path}: No such file`, 2);
      input = text;
      continue;
    }
    fds[r.fd] = path === '/dev/null' ? 'null' : { path, append: r.op === '>>' };
  }
  const res = await body(input);
  let out = '';
  let err = '';
  const route = (fd: number, text: string): void => {
    if (text === '') return;
    const t = fds[fd] ?? (fd === 2 ? 'err' : 'out');
    if (t === 'out') out += text;
    else if (t === 'err') err += text;
    else if (t !== 'null') writeTarget(sh, t, text);
  };
  route(1, res.stdout);
  route(2, res.stderr);
  return { stdout: out, stderr: err, code: res.code };
}

async function runBuiltin(sh: Shell, argv: string[], stdin: string): Promise<ProgramResult | undefined> {
  const [name, ...args] = argv;
  switch (name) {
    case 'cd': {
      const dir = normalisePath(args[0] ?? '/root', sh.cwd);
      const e = sh.node.fs.get(dir);
      if (!e || e.kind !== 'dir') return fail(`sh: 1: cd: can't cd to ${args[0] ?? ''}`, 2);
      sh.cwd = dir;
      return result('');
    }
    case 'pwd':
      return result(`${sh.cwd}\n`);
    case 'exit':
      throw new ExitSignal(args[0] === undefined ? sh.lastCode : Number(args[0]) & 255);
    case 'export':
      for (const a of args) {
        const eq = a.indexOf('=');
        if (eq > 0) sh.env.set(a.slice(0, eq), a.slice(eq + 1));
      }
      return result('');
    case 'unset':
      for (const a of args) sh.env.delete(a);
      return result('');
    case 'set':
      // `set -- a b` sets the positional parameters; options (`set -e`...) are accepted and ignored.
      if (args[0] === '--') sh.positional = args.slice(1);
      return result('');
    case '.':
    case 'source': {
      const file = args[0];
      if (!file) return fail('sh: 1: .: .: file name required', 2);
      const text = readFileForShell(sh, file);
      if (text === undefined) return fail(`sh: 1: .: cannot open ${file}: No such file`, 2);
      return runText(sh, text, stdin);
    }
    default:
      return undefined;
  }
}

async function runArgv(sh: Shell, argv: readonly string[], stdin: string, signal: AbortSignal): Promise<ProgramResult> {
  const [name] = argv;
  if (name === undefined) return result('');
  const builtin = await runBuiltin(sh, [...argv], stdin);
  if (builtin) return builtin;
  const base = name.includes('/') ? name.slice(name.lastIndexOf('/') + 1) : name;
  const def = sh.lookup(base, sh.node, sh.env);
  if (!def) return fail(`sh: 1: ${name}: not found`, 127);
  const ctx: ProgramContext = {
    cluster: sh.cluster,
    node: sh.node,
    name: base,
    args: argv.slice(1),
    stdin,
    env: sh.env,
    cwd: sh.cwd,
    signal,
    run: (next, input, sig) => runArgv(sh, next, input, sig ?? signal),
    runScript: (script, input, extraEnv) =>
      runScript({ cluster: sh.cluster, node: sh.node, lookup: sh.lookup, env: new Map([...sh.env, ...(extraEnv ?? [])]), cwd: sh.cwd, signal }, script, input),
  };
  return def.run(ctx);
}

async function runCommand(sh: Shell, cmd: Command, stdin: string): Promise<ProgramResult> {
  switch (cmd.type) {
    case 'simple':
      return withRedirections(sh, cmd.redirs, stdin, async (input) => {
        const words = cmd.words.flatMap((w) => expandWord(sh, w));
        const assignments: [string, string][] = [];
        while (words.length > 0 && /^[A-Za-z_][A-Za-z0-9_]*=/.test(words[0] ?? '')) {
          const w = words.shift() as string;
          const eq = w.indexOf('=');
          assignments.push([w.slice(0, eq), w.slice(eq + 1)]);
        }
        for (const [k, v] of assignments) sh.env.set(k, v);
        return runArgv(sh, words, input, sh.signal);
      });
    case 'group':
      return withRedirections(sh, cmd.redirs, stdin, (input) => (cmd.subshell ? runSubshell(sh, cmd.body, input) : runList(sh, cmd.body, input)));
    case 'for':
      return withRedirections(sh, cmd.redirs, stdin, async (input) => {
        // Like sh: the words are expanded once, before the first iteration; no iteration is status 0.
        const items = cmd.items.flatMap((w) => expandWord(sh, w));
        let out = '';
        let err = '';
        let code = 0;
        for (const item of items) {
          sh.env.set(cmd.name, item);
          try {
            const r = await runList(sh, cmd.body, input);
            out += r.stdout;
            err += r.stderr;
            code = r.code;
          } catch (e) {
            if (e instanceof PartialExit) throw new PartialExit(e.code, out + e.stdout, err + e.stderr);
            throw e;
          }
        }
        return { stdout: out, stderr: err, code };
      });
    case 'if':
      return withRedirections(sh, cmd.redirs, stdin, async (input) => {
        let out = '';
        let err = '';
        for (const b of cmd.branches) {
          const c = await runList(sh, b.cond, input);
          out += c.stdout;
          err += c.stderr;
          if (c.code === 0) {
            const r = await runList(sh, b.body, input);
            return { stdout: out + r.stdout, stderr: err + r.stderr, code: r.code };
          }
        }
        if (cmd.otherwise) {
          const r = await runList(sh, cmd.otherwise, input);
          return { stdout: out + r.stdout, stderr: err + r.stderr, code: r.code };
        }
        return { stdout: out, stderr: err, code: 0 };
      });
  }
}

/** `( list )`: variables, `cd` and `exit` stay inside; what it printed before an `exit` is kept. */
async function runSubshell(sh: Shell, list: List, stdin: string): Promise<ProgramResult> {
  const child: Shell = { ...sh, env: new Map(sh.env) };
  try {
    return await runList(child, list, stdin);
  } catch (e) {
    if (e instanceof PartialExit) return { stdout: e.stdout, stderr: e.stderr, code: e.code };
    throw e;
  }
}

async function runPipeline(sh: Shell, p: Pipeline, stdin: string): Promise<ProgramResult> {
  let input = stdin;
  let err = '';
  let last: ProgramResult = result('');
  for (const [i, cmd] of p.commands.entries()) {
    last = await runCommand(sh, cmd, input);
    err += last.stderr;
    if (i < p.commands.length - 1) input = last.stdout;
  }
  const code = p.negate ? (last.code === 0 ? 1 : 0) : last.code;
  sh.lastCode = code;
  return { stdout: last.stdout, stderr: err, code };
}

async function runAndOr(sh: Shell, a: AndOr, stdin: string): Promise<ProgramResult> {
  let r = await runPipeline(sh, a.first, stdin);
  let out = r.stdout;
  let err = r.stderr;
  for (const { op, pipeline } of a.rest) {
    if ((op === '&&' && r.code !== 0) || (op === '||' && r.code === 0)) continue;
    r = await runPipeline(sh, pipeline, stdin);
    out += r.stdout;
    err += r.stderr;
  }
  return { stdout: out, stderr: err, code: r.code };
}

async function runList(sh: Shell, list: List, stdin: string): Promise<ProgramResult> {
  let out = '';
  let err = '';
  let code = 0;
  for (const item of list) {
    try {
      const r = await runAndOr(sh, item, stdin);
      out += r.stdout;
      err += r.stderr;
      code = r.code;
    } catch (e) {
      if (e instanceof ExitSignal) throw new PartialExit(e.code, out, err);
      if (e instanceof PartialExit) throw new PartialExit(e.code, out + e.stdout, err + e.stderr);
      throw e;
    }
    sh.lastCode = code;
  }
  return { stdout: out, stderr: err, code };
}

class PartialExit {
  constructor(
    readonly code: number,
    readonly stdout: string,
    readonly stderr: string,
  ) {}
}

async function runText(sh: Shell, script: string, stdin: string): Promise<ProgramResult> {
  let list: List;
  try {
    list = parse(tokenize(script));
  } catch (e) {
    if (e instanceof ShellSyntaxError) return fail(`sh: 1: ${e.message}`, 2);
    throw e;
  }
  return runList(sh, list, stdin);
}

/** Options of one top-level script run. */
export interface RunScriptOptions {
  readonly cluster: ClusterState;
  readonly node: SimNode;
  readonly lookup: ProgramLookup;
  readonly env?: Map<string, string>;
  readonly cwd?: string;
  readonly signal?: AbortSignal;
}

/** Runs `script` as `sh -c` would on the node and returns what it printed and its exit code. */
export async function runScript(o: RunScriptOptions, script: string, stdin = ''): Promise<ProgramResult> {
  const sh: Shell = {
    cluster: o.cluster,
    node: o.node,
    lookup: o.lookup,
    env:
      o.env ??
      new Map([
        ['HOME', '/root'],
        ['PATH', '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin'],
        ['USER', 'root'],
      ]),
    cwd: o.cwd ?? '/root',
    lastCode: 0,
    positional: [],
    signal: o.signal ?? new AbortController().signal,
  };
  try {
    return await runText(sh, script, stdin);
  } catch (e) {
    if (e instanceof PartialExit) return { stdout: e.stdout, stderr: e.stderr, code: e.code };
    if (e instanceof ExitSignal) return result('', '', e.code);
    throw e;
  }
}
