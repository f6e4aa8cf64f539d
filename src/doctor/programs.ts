/**
 * The programs a shell script runs, read from its text: the doctor derives each probe's tools
 * from the probe's own command, so the list cannot fall behind a change of command. Reads the
 * POSIX subset our fixed command templates use (quotes, `;`, `&&`, `||`, `|`, `if`/`then`/`fi`,
 * `for ... do ... done`, redirections); shell builtins are not programs.
 */

const BUILTINS = new Set([
  'echo',
  'printf',
  'test',
  '[',
  'true',
  'false',
  'command',
  'cd',
  'pwd',
  'exit',
  'export',
  'set',
  'unset',
  'read',
  'shift',
  'return',
  'break',
  'continue',
  '.',
  ':',
  'local',
  'trap',
  'wait',
]);

/**
 * Container engines the probes try first and fall back from (`src/deployment/container-script.ts`):
 * a node without them runs the host's tools, so they are never a missing tool. Nor is OVN's
 * `ovn-appctl`: the OVN probes run it only where OVN is deployed, and say "no OVN" elsewhere. Nor
 * `systemctl`: the libvirt probe asks it only whether the modular daemons' units are enabled, and
 * reads libvirtd where there is none (SysV nodes).
 */
const OPTIONAL = new Set(['docker', 'podman', 'ovn-appctl', 'systemctl']);

/** Words that open or continue a compound command: the next word starts a command again. */
const RESERVED = new Set(['if', 'then', 'else', 'elif', 'fi', 'do', 'done', 'while', 'until', '!', '{', '}', 'case', 'esac']);

/** Programs that run the command given in their arguments, and how many option words they take. */
const WRAPPERS: Readonly<Record<string, (args: readonly string[]) => number>> = {
  // timeout [-s SIG] [-k DUR] [--foreground] DURATION COMMAND...
  timeout: (args) => {
    let i = 0;
    while (args[i]?.startsWith('-')) i += args[i] === '-s' || args[i] === '-k' ? 2 : 1;
    return i + 1;
  },
  // sudo [-n] [-u USER] [--] COMMAND...
  sudo: (args) => {
    let i = 0;
    while (args[i]?.startsWith('-')) {
      if (args[i] === '--') return i + 1;
      i += args[i] === '-u' || args[i] === '-g' ? 2 : 1;
    }
    return i;
  },
  nice: (args) => (args[0] === '-n' ? 2 : args[0]?.startsWith('-') ? 1 : 0),
  nohup: () => 0,
  exec: () => 0,
};

type Token = { readonly kind: 'word'; readonly text: string } | { readonly kind: 'op' };

/** Splits a script into words and command separators, dropping redirections and their targets. */
function tokenize(script: string): Token[] {
  const tokens: Token[] = [];
  let word = '';
  let inWord = false;
  let dropNext = false;
  const end = (): void => {
    if (!inWord) return;
    if (dropNext) dropNext = false;
    else tokens.push({ kind: 'word', text: word });
    word = '';
    inWord = false;
  };
  for (let i = 0; i < script.length; i++) {
    const c = script[i] ?? '';
    if (c === "'") {
      const close = script.indexOf("'", i + 1);
      word += script.slice(i + 1, close < 0 ? undefined : close);
      inWord = true;
      i = close < 0 ? script.length : close;
    } else if (c === '"') {
      let j = i + 1;
      while (j < script.length && script[j] !== '"') {
        if (script[j] === '\\') j++;
        word += script[j] ?? '';
        j++;
      }
      inWord = true;
      i = j;
    } else if (c === '\\') {
      word += script[i + 1] ?? '';
      inWord = true;
      i++;
    } else if (/\s/.test(c)) {
      end();
      if (c === '\n') tokens.push({ kind: 'op' });
    } else if (c === ';' || c === '&' || c === '|' || c === '(' || c === ')') {
      end();
      tokens.push({ kind: 'op' });
      if ((c === '&' || c === '|') && script[i + 1] === c) i++;
    } else if (c === '>' || c === '<') {
      // A redirection: drop a file descriptor number just before it, and its target word.
      if (inWord && /^\d+$/.test(word)) {
        word = '';
        inWord = false;
      } else end();
      if (script[i + 1] === '>' || script[i + 1] === '&') i++;
      if (script[i] === '&' && /\d|-/.test(script[i + 1] ?? '')) {
        i++;
        continue;
      }
      dropNext = true;
    } else {
      word += c;
      inWord = true;
    }
  }
  end();
  return tokens;
}

/** The programs `script` runs, each once, in order of first appearance. */
export function programsOf(script: string): string[] {
  const found: string[] = [];
  const tokens = tokenize(script);
  let atStart = true;
  let skipUntilDo = false;
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i] as Token;
    if (t.kind === 'op') {
      atStart = true;
      continue;
    }
    if (skipUntilDo) {
      if (t.text === 'do') {
        skipUntilDo = false;
        atStart = true;
      }
      continue;
    }
    if (!atStart) continue;
    if (t.text === 'for') {
      skipUntilDo = true;
      continue;
    }
    if (RESERVED.has(t.text) || /^[A-Za-z_][A-Za-z0-9_]*=/.test(t.text)) continue;
    atStart = false;
    let name = t.text;
    let j = i;
    // `timeout 20 ceph -s`: the program that matters is the one the wrapper runs.
    for (let wrapper = WRAPPERS[name]; wrapper; wrapper = WRAPPERS[name]) {
      if (!found.includes(name)) found.push(name);
      const rest: string[] = [];
      for (let k = j + 1; k < tokens.length && tokens[k]?.kind === 'word'; k++) rest.push((tokens[k] as { text: string }).text);
      const skip = wrapper(rest);
      const next = rest[skip];
      if (next === undefined) break;
      j += skip + 1;
      name = next;
    }
    if (!WRAPPERS[name] && !BUILTINS.has(name) && !OPTIONAL.has(name) && !found.includes(name)) found.push(name);
  }
  return found;
}
