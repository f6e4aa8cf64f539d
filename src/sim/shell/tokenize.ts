/**
 * The mini shell's tokenizer: POSIX quoting (single, double, backslash), `$NAME` expansion markers,
 * operators and redirections. Words keep which parts were quoted, because only unquoted glob
 * characters expand.
 */

/** A piece of a word: literal text (quoted or not) or a variable reference. */
export type WordPart =
  { readonly kind: 'text'; readonly text: string; readonly quoted: boolean } | { readonly kind: 'var'; readonly name: string; readonly quoted: boolean };

/** A shell word made of parts, e.g. `"$HOME"/x*`. */
export interface Word {
  readonly parts: readonly WordPart[];
}

/** Control operators. */
export type Operator = ';' | '&&' | '||' | '|' | '&' | '(' | ')';

/** A token of the input. */
export type Token =
  | { readonly type: 'word'; readonly word: Word }
  | { readonly type: 'op'; readonly op: Operator }
  | { readonly type: 'redir'; readonly fd: number; readonly op: '>' | '>>' | '<' | '>&'; readonly target?: string };

/** Thrown for input the shell cannot parse; the message is what `sh` would print. */
export class ShellSyntaxError extends Error {}

const OPERATOR_CHARS = new Set([';', '&', '|', '(', ')', '<', '>', '\n']);

/** Plain text of a word when it has no variables (used for keywords and redirection targets). */
export function literalText(word: Word): string {
  return word.parts.map((p) => (p.kind === 'text' ? p.text : `$${p.name}`)).join('');
}

/** True when no part of the word was quoted (keywords must be unquoted). */
export function isUnquoted(word: Word): boolean {
  return word.parts.every((p) => !p.quoted);
}

/** Splits a command line into tokens. */
export function tokenize(input: string): Token[] {
  const tokens: Token[] = [];
  let parts: WordPart[] = [];
  let buf = '';
  let bufQuoted = false;
  let inWord = false;
  let i = 0;

  const flushText = (): void => {
    if (buf !== '') parts.push({ kind: 'text', text: buf, quoted: bufQuoted });
    buf = '';
  };
  const setQuoted = (q: boolean): void => {
    if (bufQuoted !== q) {
      flushText();
      bufQuoted = q;
    }
  };
  const endWord = (): void => {
    flushText();
    if (inWord) tokens.push({ type: 'word', word: { parts } });
    parts = [];
    inWord = false;
    bufQuoted = false;
  };
  const readVar = (quoted: boolean): boolean => {
    const rest = input.slice(i + 1);
    const m = /^(?:\{([A-Za-z_][A-Za-z0-9_]*)\}|([A-Za-z_][A-Za-z0-9_]*|[?$#0-9@]))/.exec(rest);
    if (!m) return false;
    flushText();
    parts.push({ kind: 'var', name: m[1] ?? m[2] ?? '', quoted });
    i += 1 + m[0].length;
    inWord = true;
    return true;
  };

  while (i < input.length) {
    const ch = input[i] as string;
    if (ch === "'") {
      const end = input.indexOf("'", i + 1);
      if (end < 0) throw new ShellSyntaxError('Syntax error: Unterminated quoted string');
      setQuoted(true);
      buf += input.slice(i + 1, end);
      inWord = true;
      i = end + 1;
      continue;
    }
    if (ch === '"') {
      setQuoted(true);
      inWord = true;
      i++;
      while (i < input.length && input[i] !== '"') {
        const c = input[i] as string;
        if (c === '\\' && i + 1 < input.length && '$`"\\\n'.includes(input[i + 1] as string)) {
          if (input[i + 1] !== '\n') buf += input[i + 1];
          i += 2;
          continue;
        }
        if (c === '$' && readVar(true)) {
          bufQuoted = true;
          continue;
        }
        buf += c;
        i++;
      }
      if (i >= input.length) throw new ShellSyntaxError('Syntax error: Unterminated quoted string');
      i++;
      continue;
    }
    if (ch === '\\') {
      if (input[i + 1] === '\n') {
        i += 2;
        continue;
      }
      setQuoted(true);
      buf += input[i + 1] ?? '';
      inWord = true;
      i += 2;
      continue;
    }
    if (ch === '$' && readVar(false)) {
      bufQuoted = false;
      continue;
    }
    if (ch === ' ' || ch === '\t') {
      endWord();
      i++;
      continue;
    }
    if (ch === '#' && !inWord) {
      while (i < input.length && input[i] !== '\n') i++;
      continue;
    }
    if (OPERATOR_CHARS.has(ch)) {
      // A word of digits right before `>`/`<` is a file descriptor number (`2>/dev/null`).
      let fd: number | undefined;
      if ((ch === '>' || ch === '<') && inWord && parts.length === 0 && !bufQuoted && /^\d$/.test(buf)) {
        fd = Number(buf);
        buf = '';
        inWord = false;
      }
      endWord();
      const two = input.slice(i, i + 2);
      if (ch === '>' || ch === '<') {
        if (two === '>&') {
          const m = /^>&(\d|-)/.exec(input.slice(i));
          if (!m) throw new ShellSyntaxError('Syntax error: Bad fd number');
          tokens.push({ type: 'redir', fd: fd ?? 1, op: '>&', target: m[1] });
          i += m[0].length;
        } else if (two === '>>') {
          tokens.push({ type: 'redir', fd: fd ?? 1, op: '>>' });
          i += 2;
        } else {
          tokens.push({ type: 'redir', fd: fd ?? (ch === '<' ? 0 : 1), op: ch });
          i += 1;
        }
        continue;
      }
      if (ch === '&' && two === '>') {
        throw new ShellSyntaxError('Syntax error: "&>" is not POSIX');
      }
      if (two === '&&' || two === '||') {
        tokens.push({ type: 'op', op: two });
        i += 2;
        continue;
      }
      tokens.push({ type: 'op', op: ch === '\n' ? ';' : (ch as Operator) });
      i++;
      continue;
    }
    setQuoted(false);
    buf += ch;
    inWord = true;
    i++;
  }
  endWord();
  return tokens;
}
