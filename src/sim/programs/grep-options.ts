/** GNU grep's command line: short flag clusters, options with values, long options, `--`. */

/** What a grep command line asks for. */
export interface GrepOptions {
  mode: 'F' | 'E' | 'G';
  readonly patterns: string[];
  readonly files: string[];
  ignoreCase: boolean;
  invert: boolean;
  count: boolean;
  listFiles: boolean;
  quiet: boolean;
  noMessages: boolean;
  onlyMatching: boolean;
  /** `-x`: the whole line must match; `-w`: the match must be a whole word. */
  lineRegexp: boolean;
  wordRegexp: boolean;
  lineNumbers: boolean;
  /** `-H`/`-h`, last one wins; undefined: names shown when there is more than one file. */
  withName: boolean | undefined;
  /** `-Z`: a NUL instead of the separator after file names. */
  nullAfterName: boolean;
  /** What stdin is called in the output (`--label`). */
  label: string;
  /** Explicit `-A`/`-B` win over `-C` whatever their order, as in GNU grep. */
  after: number | undefined;
  before: number | undefined;
  context: number | undefined;
  maxCount: number | undefined;
  /** `--` between non-adjacent groups; undefined with `--no-group-separator`. */
  groupSeparator: string | undefined;
}

const USAGE = "Usage: grep [OPTION]... PATTERNS [FILE]...\nTry 'grep --help' for more information.";

/** Flags without a value, by short letter and long name. */
const FLAGS: Record<string, (o: GrepOptions) => void> = {
  E: (o) => (o.mode = 'E'),
  F: (o) => (o.mode = 'F'),
  G: (o) => (o.mode = 'G'),
  i: (o) => (o.ignoreCase = true),
  y: (o) => (o.ignoreCase = true),
  v: (o) => (o.invert = true),
  c: (o) => (o.count = true),
  l: (o) => (o.listFiles = true),
  q: (o) => (o.quiet = true),
  s: (o) => (o.noMessages = true),
  o: (o) => (o.onlyMatching = true),
  x: (o) => (o.lineRegexp = true),
  w: (o) => (o.wordRegexp = true),
  n: (o) => (o.lineNumbers = true),
  H: (o) => (o.withName = true),
  h: (o) => (o.withName = false),
  Z: (o) => (o.nullAfterName = true),
  // Accepted and without effect here: text mode, recursion (the callers name files), binary skipping.
  a: () => undefined,
  r: () => undefined,
  R: () => undefined,
  I: () => undefined,
};

const LONG_FLAGS: Record<string, string> = {
  'extended-regexp': 'E',
  'fixed-strings': 'F',
  'basic-regexp': 'G',
  'ignore-case': 'i',
  'invert-match': 'v',
  count: 'c',
  'files-with-matches': 'l',
  quiet: 'q',
  silent: 'q',
  'no-messages': 's',
  'only-matching': 'o',
  'line-regexp': 'x',
  'word-regexp': 'w',
  'line-number': 'n',
  'with-filename': 'H',
  'no-filename': 'h',
  null: 'Z',
  text: 'a',
};

/** Options that take a value, by short letter, with their long names. */
const VALUED: Record<string, string> = { e: 'regexp', A: 'after-context', B: 'before-context', C: 'context', m: 'max-count' };
const LONG_VALUED: Record<string, string> = {
  ...Object.fromEntries(Object.entries(VALUED).map(([k, v]) => [v, k])),
  label: 'label',
  'group-separator': 'group-separator',
};

function own<T>(table: Record<string, T>, key: string): T | undefined {
  return Object.hasOwn(table, key) ? table[key] : undefined;
}

function contextLength(v: string): number | string {
  return /^\d+$/.test(v) ? Number(v) : `grep: ${v}: invalid context length argument`;
}

function setValued(o: GrepOptions, key: string, v: string): string | undefined {
  switch (key) {
    case 'e':
      o.patterns.push(v);
      return undefined;
    case 'm': {
      if (!/^-?\d+$/.test(v)) return `grep: invalid max count`;
      o.maxCount = Math.max(0, Number(v));
      return undefined;
    }
    case 'label':
      o.label = v;
      return undefined;
    case 'group-separator':
      o.groupSeparator = v;
      return undefined;
    default: {
      const n = contextLength(v);
      if (typeof n === 'string') return n;
      if (key === 'A') o.after = n;
      else if (key === 'B') o.before = n;
      else o.context = n;
      return undefined;
    }
  }
}

/** Parses grep's arguments; a string is the error grep prints (exit 2). */
export function parseGrepArgs(name: string, args: readonly string[]): GrepOptions | string {
  const o: GrepOptions = {
    mode: name === 'egrep' ? 'E' : name === 'fgrep' ? 'F' : 'G',
    patterns: [],
    files: [],
    ignoreCase: false,
    invert: false,
    count: false,
    listFiles: false,
    quiet: false,
    noMessages: false,
    onlyMatching: false,
    lineRegexp: false,
    wordRegexp: false,
    lineNumbers: false,
    withName: undefined,
    nullAfterName: false,
    label: '(standard input)',
    after: undefined,
    before: undefined,
    context: undefined,
    maxCount: undefined,
    groupSeparator: '--',
  };
  let explicitPatterns = false;
  for (let i = 0; i < args.length; i++) {
    const a = args[i] as string;
    if (a === '--') {
      o.files.push(...args.slice(i + 1));
      break;
    }
    if (!a.startsWith('-') || a === '-') {
      o.files.push(a);
      continue;
    }
    if (a.startsWith('--')) {
      const eq = a.indexOf('=');
      const long = a.slice(2, eq < 0 ? undefined : eq);
      if (long === 'no-group-separator') {
        o.groupSeparator = undefined;
        continue;
      }
      const flag = own(LONG_FLAGS, long);
      if (flag && eq < 0) {
        own(FLAGS, flag)?.(o);
        continue;
      }
      const key = own(LONG_VALUED, long);
      if (!key) return `grep: unrecognized option '${a}'\n${USAGE}`;
      const v = eq < 0 ? args[++i] : a.slice(eq + 1);
      if (v === undefined) return `grep: option '--${long}' requires an argument\n${USAGE}`;
      if (key === 'e') explicitPatterns = true;
      const problem = setValued(o, key, v);
      if (problem) return problem;
      continue;
    }
    // `-NUM` is `-C NUM`.
    if (/^-\d+$/.test(a)) {
      o.context = Number(a.slice(1));
      continue;
    }
    for (let j = 1; j < a.length; j++) {
      const ch = a[j] as string;
      if (own(VALUED, ch) !== undefined) {
        const v = j + 1 < a.length ? a.slice(j + 1) : args[++i];
        if (v === undefined) return `grep: option requires an argument -- '${ch}'\n${USAGE}`;
        if (ch === 'e') explicitPatterns = true;
        const problem = setValued(o, ch, v);
        if (problem) return problem;
        break;
      }
      const flag = own(FLAGS, ch);
      if (!flag) return `grep: invalid option -- '${ch}'\n${USAGE}`;
      flag(o);
    }
  }
  if (!explicitPatterns) {
    const p = o.files.shift();
    if (p === undefined) return USAGE;
    o.patterns.push(p);
  }
  return o;
}
