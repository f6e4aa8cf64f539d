/**
 * Required-literal extraction: for a regular expression, a set of plain strings such that every
 * match contains at least one of them. The matcher's prefilter only runs full regexes on records
 * that contain one, so most log lines cost a single combined search.
 *
 * The analysis is deliberately conservative: anything it does not fully understand (groups,
 * classes, escapes other than punctuation) ends the current literal run instead of guessing.
 */

/** Shortest literal worth prefiltering on: shorter ones match too many lines to be useful. */
export const MIN_LITERAL_LENGTH = 3;

const ESCAPABLE_LITERAL = /[\\^$.*+?()[\]{}|/\-'"`~!@#%&=:;,<> ]/;

/**
 * Literals (any one of which every match contains), or `null` when no literal of at least
 * `MIN_LITERAL_LENGTH` characters is guaranteed (the caller then needs explicit literals).
 */
export function requiredLiterals(source: string): string[] | null {
  const branches = splitTopLevelAlternation(source);
  const literals: string[] = [];
  for (const branch of branches) {
    const best = longestRequiredRun(branch);
    if (best === null || best.length < MIN_LITERAL_LENGTH) return null;
    literals.push(best);
  }
  return [...new Set(literals)];
}

function splitTopLevelAlternation(source: string): string[] {
  const branches: string[] = [];
  let depth = 0;
  let inClass = false;
  let start = 0;
  for (let i = 0; i < source.length; i++) {
    const c = source[i];
    if (c === '\\') {
      i++;
      continue;
    }
    if (inClass) {
      if (c === ']') inClass = false;
      continue;
    }
    if (c === '[') inClass = true;
    else if (c === '(') depth++;
    else if (c === ')') depth--;
    else if (c === '|' && depth === 0) {
      branches.push(source.slice(start, i));
      start = i + 1;
    }
  }
  branches.push(source.slice(start));
  return branches;
}

/** Index just past the group or class starting at `i` (which holds `(` or `[`). */
function skipBracketed(source: string, i: number): number {
  if (source[i] === '[') {
    let j = i + 1;
    if (source[j] === '^') j++;
    if (source[j] === ']') j++;
    for (; j < source.length; j++) {
      if (source[j] === '\\') j++;
      else if (source[j] === ']') return j + 1;
    }
    return source.length;
  }
  let depth = 0;
  let inClass = false;
  for (let j = i; j < source.length; j++) {
    const c = source[j];
    if (c === '\\') {
      j++;
      continue;
    }
    if (inClass) {
      if (c === ']') inClass = false;
      continue;
    }
    if (c === '[') inClass = true;
    else if (c === '(') depth++;
    else if (c === ')') {
      depth--;
      if (depth === 0) return j + 1;
    }
  }
  return source.length;
}

/** Where the quantifier after an atom ends, and whether it allows zero repetitions. */
function readQuantifier(source: string, i: number): { end: number; optional: boolean; repeats: boolean } {
  const c = source[i];
  let end = i;
  let optional = false;
  let repeats = false;
  if (c === '?' || c === '*') {
    optional = true;
    repeats = c === '*';
    end = i + 1;
  } else if (c === '+') {
    repeats = true;
    end = i + 1;
  } else if (c === '{') {
    const m = /^\{(\d*)(,?)(\d*)\}/.exec(source.slice(i));
    if (m) {
      optional = (m[1] ?? '') === '' || Number(m[1]) === 0;
      repeats = m[2] === ',' || Number(m[3] || m[1]) > 1;
      end = i + m[0].length;
    }
  }
  if (end > i && source[end] === '?') end++;
  return { end, optional, repeats };
}

/** Index just past the escape sequence starting at `i` (which holds a backslash). */
function escapeEnd(source: string, i: number): number {
  const e = source[i + 1];
  if (e === 'x') return i + 4;
  if (e === 'c') return i + 3;
  if (e === 'u') {
    if (source[i + 2] !== '{') return i + 6;
    const close = source.indexOf('}', i);
    return close < 0 ? source.length : close + 1;
  }
  if (e === 'p' || e === 'P' || e === 'k') {
    const close = source.indexOf(e === 'k' ? '>' : '}', i);
    return close < 0 ? source.length : close + 1;
  }
  return i + 2;
}

function longestRequiredRun(branch: string): string | null {
  let best = '';
  let run = '';
  const flush = (): void => {
    if (run.length > best.length) best = run;
    run = '';
  };
  let i = 0;
  while (i < branch.length) {
    const c = branch[i] as string;
    let atom: string | null = null;
    let next: number;
    if (c === '\\') {
      const e = branch[i + 1] ?? '';
      if (ESCAPABLE_LITERAL.test(e)) atom = e;
      next = escapeEnd(branch, i);
    } else if (c === '(' || c === '[') {
      next = skipBracketed(branch, i);
    } else if ('.^$'.includes(c)) {
      next = i + 1;
    } else {
      atom = c;
      next = i + 1;
    }
    const q = readQuantifier(branch, next);
    if (atom === null) {
      flush();
    } else if (q.optional) {
      flush();
    } else if (q.repeats) {
      run += atom;
      flush();
    } else {
      run += atom;
    }
    i = Math.max(q.end, next);
  }
  flush();
  return best === '' ? null : best;
}
