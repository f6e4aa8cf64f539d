/** The mini shell's parser: lists, and-or chains, pipelines, `if`, `for`, `{ }` groups, subshells, redirections. */
import { isUnquoted, literalText, ShellSyntaxError, type Token, type Word } from './tokenize.js';

/** A redirection attached to a command. */
export interface Redirection {
  readonly fd: number;
  readonly op: '>' | '>>' | '<' | '>&';
  /** File word, or the fd digit (or `-`) for `>&`. */
  readonly target: Word | string;
}

/** A command in a pipeline. */
export type Command =
  | { readonly type: 'simple'; readonly words: readonly Word[]; readonly redirs: readonly Redirection[] }
  | {
      readonly type: 'if';
      readonly branches: readonly { readonly cond: List; readonly body: List }[];
      readonly otherwise?: List;
      readonly redirs: readonly Redirection[];
    }
  | { readonly type: 'for'; readonly name: string; readonly items: readonly Word[]; readonly body: List; readonly redirs: readonly Redirection[] }
  /** `{ list; }` runs in the shell itself; `( list )` (`subshell`) in a copy of it. */
  | { readonly type: 'group'; readonly subshell: boolean; readonly body: List; readonly redirs: readonly Redirection[] };

/** Commands joined by `|`, optionally negated with `!`. */
export interface Pipeline {
  readonly negate: boolean;
  readonly commands: readonly Command[];
}

/** Pipelines joined by `&&` / `||`. */
export interface AndOr {
  readonly first: Pipeline;
  readonly rest: readonly { readonly op: '&&' | '||'; readonly pipeline: Pipeline }[];
}

/** A sequence of and-or chains (`;`, newline). */
export type List = readonly AndOr[];

// `in` is left out: it is only reserved right after `for NAME`, which parseFor checks itself.
const KEYWORDS = new Set(['if', 'then', 'else', 'elif', 'fi', 'for', 'do', 'done', '{', '}']);

function isSeparator(t: Token | undefined): boolean {
  return t?.type === 'op' && t.op === ';';
}

class Parser {
  private pos = 0;
  constructor(private readonly tokens: readonly Token[]) {}

  private peek(): Token | undefined {
    return this.tokens[this.pos];
  }

  private keywordAt(): string | undefined {
    const t = this.peek();
    if (t?.type !== 'word' || !isUnquoted(t.word)) return undefined;
    const text = literalText(t.word);
    return KEYWORDS.has(text) ? text : undefined;
  }

  private isOp(op: string): boolean {
    const t = this.peek();
    return t?.type === 'op' && t.op === op;
  }

  private unexpected(): ShellSyntaxError {
    const t = this.peek();
    const what = !t ? 'end of file' : t.type === 'word' ? literalText(t.word) : t.type === 'op' ? t.op : 'redirection';
    return new ShellSyntaxError(`Syntax error: "${what}" unexpected`);
  }

  parseProgram(): List {
    const list = this.parseList([]);
    if (this.pos < this.tokens.length) throw this.unexpected();
    return list;
  }

  /** Parses until one of `stops` (keywords or `)`) or the end. */
  private parseList(stops: readonly string[]): List {
    const items: AndOr[] = [];
    for (;;) {
      while (this.isOp(';')) this.pos++;
      const t = this.peek();
      if (!t) break;
      const kw = this.keywordAt();
      if (kw && stops.includes(kw)) break;
      if (t.type === 'op' && t.op === ')' && stops.includes(')')) break;
      items.push(this.parseAndOr());
      if (this.isOp(';') || this.isOp('&')) {
        this.pos++;
        continue;
      }
      const next = this.peek();
      if (!next) break;
      const k2 = this.keywordAt();
      if ((k2 && stops.includes(k2)) || (next.type === 'op' && next.op === ')' && stops.includes(')'))) break;
      throw this.unexpected();
    }
    return items;
  }

  private parseAndOr(): AndOr {
    const first = this.parsePipeline();
    const rest: { op: '&&' | '||'; pipeline: Pipeline }[] = [];
    for (;;) {
      const t = this.peek();
      if (t?.type === 'op' && (t.op === '&&' || t.op === '||')) {
        this.pos++;
        while (this.isOp(';')) this.pos++;
        rest.push({ op: t.op, pipeline: this.parsePipeline() });
      } else break;
    }
    return { first, rest };
  }

  private parsePipeline(): Pipeline {
    let negate = false;
    const t = this.peek();
    if (t?.type === 'word' && isUnquoted(t.word) && literalText(t.word) === '!') {
      negate = true;
      this.pos++;
    }
    const commands = [this.parseCommand()];
    while (this.isOp('|')) {
      this.pos++;
      commands.push(this.parseCommand());
    }
    return { negate, commands };
  }

  private parseRedirs(into: Redirection[]): void {
    for (;;) {
      const t = this.peek();
      if (t?.type !== 'redir') return;
      this.pos++;
      if (t.op === '>&') {
        into.push({ fd: t.fd, op: '>&', target: t.target ?? '1' });
        continue;
      }
      const w = this.peek();
      if (w?.type !== 'word') throw this.unexpected();
      this.pos++;
      into.push({ fd: t.fd, op: t.op, target: w.word });
    }
  }

  private parseCommand(): Command {
    const kw = this.keywordAt();
    if (kw === 'if') return this.parseIf();
    if (kw === 'for') return this.parseFor();
    if (kw === '{') {
      this.pos++;
      const body = this.parseList(['}']);
      if (body.length === 0) throw this.unexpected();
      this.expectKeyword('}');
      return { type: 'group', subshell: false, body, redirs: this.parseTrailingRedirs() };
    }
    if (kw) throw this.unexpected();
    if (this.isOp('(')) {
      this.pos++;
      const body = this.parseList([')']);
      if (!this.isOp(')')) throw this.unexpected();
      this.pos++;
      return { type: 'group', subshell: true, body, redirs: this.parseTrailingRedirs() };
    }
    const words: Word[] = [];
    const redirs: Redirection[] = [];
    for (;;) {
      this.parseRedirs(redirs);
      const t = this.peek();
      if (t?.type !== 'word') break;
      words.push(t.word);
      this.pos++;
    }
    if (words.length === 0 && redirs.length === 0) throw this.unexpected();
    return { type: 'simple', words, redirs };
  }

  private parseTrailingRedirs(): Redirection[] {
    const redirs: Redirection[] = [];
    this.parseRedirs(redirs);
    return redirs;
  }

  /** `for NAME [in WORD...]; do LIST; done`; without `in`, dash loops over the (empty) positional parameters. */
  private parseFor(): Command {
    this.expectKeyword('for');
    const t = this.peek();
    if (t?.type !== 'word') throw this.unexpected();
    const name = literalText(t.word);
    if (!isUnquoted(t.word) || !/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) throw new ShellSyntaxError('Syntax error: Bad for loop variable');
    this.pos++;
    // Newlines (tokenized as `;`) may come before `in`.
    let j = this.pos;
    while (isSeparator(this.tokens[j])) j++;
    const next = this.tokens[j];
    const items: Word[] = [];
    if (next?.type === 'word' && isUnquoted(next.word) && literalText(next.word) === 'in') {
      this.pos = j + 1;
      for (let w = this.peek(); w?.type === 'word'; w = this.peek()) {
        items.push(w.word);
        this.pos++;
      }
      if (!this.isOp(';')) throw this.unexpected();
    }
    while (this.isOp(';')) this.pos++;
    this.expectKeyword('do');
    const body = this.parseList(['done']);
    if (body.length === 0) throw this.unexpected();
    this.expectKeyword('done');
    return { type: 'for', name, items, body, redirs: this.parseTrailingRedirs() };
  }

  private expectKeyword(kw: string): void {
    if (this.keywordAt() !== kw) throw this.unexpected();
    this.pos++;
  }

  private parseIf(): Command {
    this.expectKeyword('if');
    const branches: { cond: List; body: List }[] = [];
    let otherwise: List | undefined;
    let cond = this.parseList(['then']);
    this.expectKeyword('then');
    let body = this.parseList(['elif', 'else', 'fi']);
    branches.push({ cond, body });
    for (;;) {
      const kw = this.keywordAt();
      if (kw === 'elif') {
        this.pos++;
        cond = this.parseList(['then']);
        this.expectKeyword('then');
        body = this.parseList(['elif', 'else', 'fi']);
        branches.push({ cond, body });
        continue;
      }
      if (kw === 'else') {
        this.pos++;
        otherwise = this.parseList(['fi']);
      }
      break;
    }
    this.expectKeyword('fi');
    const redirs = this.parseTrailingRedirs();
    return otherwise ? { type: 'if', branches, otherwise, redirs } : { type: 'if', branches, redirs };
  }
}

/** Parses a token list into a command list. */
export function parse(tokens: readonly Token[]): List {
  return new Parser(tokens).parseProgram();
}
