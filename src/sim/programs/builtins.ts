/** Shell-level programs: true, false, echo, printf, test/[, command -v, sleep, timeout, sudo, sh -c. */
import { normalisePath } from '../state/vfs.js';
import { fail, result, sleep, type ProgramContext, type ProgramDef, type ProgramResult } from '../shell/types.js';
import { programPath } from './paths.js';

function echo(ctx: ProgramContext): ProgramResult {
  const args = [...ctx.args];
  let newline = true;
  if (args[0] === '-n') {
    newline = false;
    args.shift();
  }
  return result(args.join(' ') + (newline ? '\n' : ''));
}

function printf(ctx: ProgramContext): ProgramResult {
  const [fmt = '', ...args] = ctx.args;
  let i = 0;
  const out = fmt
    .replace(/\\n/g, '\n')
    .replace(/\\t/g, '\t')
    .replace(/%[sd%]/g, (m) => (m === '%%' ? '%' : (args[i++] ?? '')));
  return result(out);
}

function testExpr(ctx: ProgramContext, args: string[]): boolean | 'error' {
  if (args[0] === '!') {
    const r = testExpr(ctx, args.slice(1));
    return r === 'error' ? r : !r;
  }
  if (args.length === 0) return false;
  if (args.length === 1) return (args[0] ?? '') !== '';
  if (args.length === 2) {
    const [op, operand = ''] = args;
    const e = ctx.node.fs.get(normalisePath(operand, ctx.cwd));
    switch (op) {
      case '-e':
        return e !== undefined;
      case '-f':
        return e !== undefined && e.kind !== 'dir' && e.kind !== 'socket';
      case '-d':
        return e?.kind === 'dir';
      case '-S':
        return e?.kind === 'socket';
      case '-s':
        return e !== undefined && e.kind !== 'dir' && ctx.node.fs.sizeOf(e) > 0;
      case '-r':
      case '-w':
        return e !== undefined;
      case '-x':
        return e?.kind === 'dir';
      case '-n':
        return operand !== '';
      case '-z':
        return operand === '';
      default:
        return 'error';
    }
  }
  const [a = '', op, b = ''] = args;
  switch (op) {
    case '=':
    case '==':
      return a === b;
    case '!=':
      return a !== b;
    case '-eq':
      return Number(a) === Number(b);
    case '-ne':
      return Number(a) !== Number(b);
    case '-gt':
      return Number(a) > Number(b);
    case '-ge':
      return Number(a) >= Number(b);
    case '-lt':
      return Number(a) < Number(b);
    case '-le':
      return Number(a) <= Number(b);
    default:
      return 'error';
  }
}

function test(ctx: ProgramContext): ProgramResult {
  const args = [...ctx.args];
  if (ctx.name === '[') {
    if (args[args.length - 1] !== ']') return fail('sh: 1: [: missing ]', 2);
    args.pop();
  }
  const r = testExpr(ctx, args);
  if (r === 'error') {
    // dash names the word it stumbled on: the unary operator, or what follows one (`[ -f a b ]`: a).
    const rest = args[0] === '!' ? args.slice(1) : args;
    const bad = rest.length >= 3 && /^-[a-zA-Z]$/.test(rest[0] ?? '') ? rest[1] : rest[0];
    return fail(`sh: 1: ${ctx.name}: ${bad ?? ''}: unexpected operator`, 2);
  }
  return result('', '', r ? 0 : 1);
}

const BUILTIN_NAMES = new Set(['cd', 'pwd', 'echo', 'exit', 'export', 'printf', 'test', '[', 'true', 'false', 'command', '.', 'source', 'set', 'unset']);

function command(ctx: ProgramContext, lookup: (name: string) => boolean): ProgramResult | Promise<ProgramResult> {
  const args = [...ctx.args];
  if (args[0] === '-v' || args[0] === '-V') {
    const verbose = args.shift() === '-V';
    let out = '';
    let code = 0;
    for (const name of args) {
      if (BUILTIN_NAMES.has(name)) out += verbose ? `${name} is a shell builtin\n` : `${name}\n`;
      else if (lookup(name)) out += verbose ? `${name} is ${programPath(name)}\n` : `${programPath(name)}\n`;
      else {
        code = 127;
        if (verbose) out += `${name}: not found\n`;
      }
    }
    return result(out, '', code === 127 ? 127 : 0);
  }
  if (args.length === 0) return result('');
  return ctx.run(args, ctx.stdin);
}

async function timeout(ctx: ProgramContext): Promise<ProgramResult> {
  const args = [...ctx.args];
  while (args[0]?.startsWith('-')) {
    const opt = args.shift() as string;
    if ((opt === '-s' || opt === '-k') && args.length > 0) args.shift();
  }
  const dur = args.shift();
  const m = dur ? /^(\d+(?:\.\d+)?)([smhd]?)$/.exec(dur) : null;
  if (!m) return fail(`timeout: invalid time interval '${dur ?? ''}'\nTry 'timeout --help' for more information.`, 125);
  const seconds = Number(m[1]) * ({ '': 1, s: 1, m: 60, h: 3600, d: 86400 }[m[2] ?? ''] ?? 1);
  if (args.length === 0) return fail("timeout: missing operand\nTry 'timeout --help' for more information.", 125);
  const ac = new AbortController();
  const onParent = (): void => ac.abort(ctx.signal.reason);
  ctx.signal.addEventListener('abort', onParent, { once: true });
  let timer: NodeJS.Timeout | undefined;
  const expired = new Promise<ProgramResult>((resolve) => {
    timer = setTimeout(() => {
      ac.abort(new Error('timeout'));
      resolve(result('', '', 124));
    }, seconds * 1000);
  });
  try {
    return await Promise.race([ctx.run(args, ctx.stdin, ac.signal), expired]);
  } catch (e) {
    if (ac.signal.aborted) return result('', '', 124);
    throw e;
  } finally {
    clearTimeout(timer);
    ctx.signal.removeEventListener('abort', onParent);
  }
}

function sudo(ctx: ProgramContext): Promise<ProgramResult> | ProgramResult {
  const args = [...ctx.args];
  while (args.length > 0) {
    const a = args[0] as string;
    if (a === '--') {
      args.shift();
      break;
    }
    if (!a.startsWith('-')) break;
    args.shift();
    if (a === '-u' || a === '-g') args.shift();
  }
  if (args.length === 0) return fail('usage: sudo -h | -K | -k | -V', 1);
  return ctx.run(args, ctx.stdin);
}

function shell(ctx: ProgramContext): Promise<ProgramResult> | ProgramResult {
  const args = [...ctx.args];
  const i = args.indexOf('-c');
  if (i >= 0) return ctx.runScript(args[i + 1] ?? '', ctx.stdin);
  if (args.length === 0) return ctx.runScript(ctx.stdin, '');
  return fail(`${ctx.name}: 0: cannot open ${args[0] ?? ''}: No such file`, 2);
}

async function sleepProgram(ctx: ProgramContext): Promise<ProgramResult> {
  const s = Number(ctx.args[0] ?? 'x');
  if (!Number.isFinite(s)) return fail(`sleep: invalid time interval '${ctx.args[0] ?? ''}'`, 1);
  await sleep(s * 1000, ctx.signal);
  return result('');
}

/** The shell-level programs; `command -v` needs to know what is installed, hence the factory. */
export function builtinPrograms(isInstalled: (name: string, ctx: ProgramContext) => boolean): Record<string, ProgramDef> {
  return {
    true: { run: () => result('') },
    false: { run: () => result('', '', 1) },
    ':': { run: () => result('') },
    echo: { run: echo },
    printf: { run: printf },
    test: { run: test },
    '[': { run: test },
    command: { run: (ctx) => command(ctx, (n) => isInstalled(n, ctx)) },
    which: {
      run: (ctx) => {
        const found = ctx.args.filter((n) => isInstalled(n, ctx));
        return result(found.map((n) => `${programPath(n)}\n`).join(''), '', found.length === ctx.args.length ? 0 : 1);
      },
    },
    timeout: { run: timeout },
    sudo: { run: sudo },
    sh: { run: shell },
    bash: { run: shell },
    sleep: { run: sleepProgram },
  };
}
