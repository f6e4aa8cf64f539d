/**
 * Reads the Erlang terms that old `rabbitmqctl` (3.7 and earlier) prints, e.g.
 * `[{nodes,[{disc,['rabbit@a']}]},{running_nodes,['rabbit@a']},{cluster_name,<<"rabbit@a">>}]`.
 * Atoms, quoted atoms, strings, binaries, integers, floats, lists and tuples; never throws.
 */

/** An Erlang term as plain data. */
export type ErlangTerm =
  | { readonly type: 'atom'; readonly value: string }
  | { readonly type: 'string'; readonly value: string }
  | { readonly type: 'binary'; readonly value: string }
  | { readonly type: 'number'; readonly value: number }
  | { readonly type: 'list'; readonly items: readonly ErlangTerm[] }
  | { readonly type: 'tuple'; readonly items: readonly ErlangTerm[] };

class TermSyntaxError extends Error {}

/** Parses one term, with optional surrounding whitespace and a trailing `.`. */
export function parseErlangTerm(text: string): { ok: true; term: ErlangTerm } | { ok: false; error: string } {
  const reader = new TermReader(text);
  try {
    const term = reader.term();
    reader.end();
    return { ok: true, term };
  } catch (error) {
    if (error instanceof TermSyntaxError) return { ok: false, error: error.message };
    throw error;
  }
}

/** The text of an atom, string or binary term. */
export function termText(term: ErlangTerm | undefined): string | undefined {
  return term && (term.type === 'atom' || term.type === 'string' || term.type === 'binary') ? term.value : undefined;
}

/** For a proplist `[{key, value}, ...]`: the value of `key`. */
export function proplistGet(term: ErlangTerm | undefined, key: string): ErlangTerm | undefined {
  if (term?.type !== 'list') return undefined;
  for (const item of term.items) {
    if (item.type === 'tuple' && item.items.length === 2 && termText(item.items[0]) === key) return item.items[1];
  }
  return undefined;
}

class TermReader {
  private pos = 0;

  constructor(private readonly src: string) {}

  private fail(message: string): never {
    throw new TermSyntaxError(`${message} at offset ${this.pos}`);
  }

  private space(): void {
    while (this.pos < this.src.length && /\s/.test(this.src[this.pos] ?? '')) this.pos++;
  }

  end(): void {
    this.space();
    if (this.src[this.pos] === '.') this.pos++;
    this.space();
    if (this.pos < this.src.length) this.fail('unexpected text after the term');
  }

  term(): ErlangTerm {
    this.space();
    const c = this.src[this.pos];
    if (c === undefined) this.fail('unexpected end of input');
    if (c === '[') return { type: 'list', items: this.sequence('[', ']') };
    if (c === '{') return { type: 'tuple', items: this.sequence('{', '}') };
    if (c === "'") return { type: 'atom', value: this.quoted("'") };
    if (c === '"') return { type: 'string', value: this.quoted('"') };
    if (this.src.startsWith('<<', this.pos)) {
      this.pos += 2;
      this.space();
      const value = this.src[this.pos] === '"' ? this.quoted('"') : '';
      this.space();
      if (!this.src.startsWith('>>', this.pos)) this.fail('expected ">>"');
      this.pos += 2;
      return { type: 'binary', value };
    }
    const number = /^-?\d+(\.\d+)?(e-?\d+)?/.exec(this.src.slice(this.pos));
    if (number) {
      this.pos += number[0].length;
      return { type: 'number', value: Number(number[0]) };
    }
    const atom = /^[a-z][A-Za-z0-9_@.-]*/.exec(this.src.slice(this.pos));
    if (atom) {
      this.pos += atom[0].length;
      return { type: 'atom', value: atom[0] };
    }
    return this.fail(`unexpected character ${JSON.stringify(c)}`);
  }

  private sequence(open: string, close: string): ErlangTerm[] {
    this.pos++; // open
    const items: ErlangTerm[] = [];
    this.space();
    if (this.src[this.pos] === close) {
      this.pos++;
      return items;
    }
    for (;;) {
      items.push(this.term());
      this.space();
      const c = this.src[this.pos];
      if (c === ',') this.pos++;
      else if (c === close) {
        this.pos++;
        return items;
      } else this.fail(`expected "," or "${close}" after an element of "${open}"`);
    }
  }

  private quoted(quote: string): string {
    this.pos++;
    let value = '';
    for (;;) {
      const c = this.src[this.pos];
      if (c === undefined) this.fail('unterminated quoted text');
      this.pos++;
      if (c === quote) return value;
      if (c === '\\') {
        const next = this.src[this.pos] ?? '';
        this.pos++;
        value += next === 'n' ? '\n' : next === 't' ? '\t' : next;
      } else value += c;
    }
  }
}
