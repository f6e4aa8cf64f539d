/**
 * A small, strict XML reader for the documents our tools print (crm_mon): elements, attributes,
 * character data, the five predefined entities and numeric character references, comments,
 * CDATA, processing instructions and a DOCTYPE line. No namespaces, no DTD entities.
 * It never throws: malformed input gives `{ ok: false, error }`.
 */

/** One XML element with its attributes, child elements and concatenated text. */
export interface XmlElement {
  readonly name: string;
  readonly attributes: Readonly<Record<string, string>>;
  readonly children: readonly XmlElement[];
  readonly text: string;
}

/** The result of `parseXml`: the root element, or where and why the text is not XML. */
export type XmlParseResult = { readonly ok: true; readonly root: XmlElement } | { readonly ok: false; readonly error: string };

interface MutableElement {
  name: string;
  attributes: Record<string, string>;
  children: MutableElement[];
  text: string;
}

const NAME = /[A-Za-z_:][-A-Za-z0-9_:.]*/y;
const PREDEFINED: Readonly<Record<string, string>> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" };

class XmlSyntaxError extends Error {}

/** Parses one XML document; the input must hold exactly one root element. */
export function parseXml(input: string): XmlParseResult {
  try {
    return { ok: true, root: new Reader(input).document() };
  } catch (error) {
    if (error instanceof XmlSyntaxError) return { ok: false, error: error.message };
    throw error;
  }
}

/** The first child element called `name`, if any. */
export function childElement(element: XmlElement, name: string): XmlElement | undefined {
  return element.children.find((c) => c.name === name);
}

/** Every child element called `name`. */
export function childElements(element: XmlElement, name: string): XmlElement[] {
  return element.children.filter((c) => c.name === name);
}

/** Replaces entity and character references in `text`. */
export function decodeEntities(text: string): string {
  return text.replace(/&(#x[0-9A-Fa-f]+|#[0-9]+|[A-Za-z]+);/g, (whole, ref: string) => {
    if (ref.startsWith('#x')) return safeCodePoint(Number.parseInt(ref.slice(2), 16)) ?? whole;
    if (ref.startsWith('#')) return safeCodePoint(Number.parseInt(ref.slice(1), 10)) ?? whole;
    return PREDEFINED[ref] ?? whole;
  });
}

function safeCodePoint(code: number): string | undefined {
  return Number.isInteger(code) && code >= 0 && code <= 0x10ffff ? String.fromCodePoint(code) : undefined;
}

class Reader {
  private pos = 0;

  constructor(private readonly src: string) {}

  document(): XmlElement {
    this.skipMisc();
    if (!this.src.startsWith('<', this.pos)) this.fail('expected a root element');
    const root = this.element();
    this.skipMisc();
    if (this.pos < this.src.length) this.fail('unexpected content after the root element');
    return root;
  }

  private fail(message: string): never {
    const line = this.src.slice(0, this.pos).split('\n').length;
    throw new XmlSyntaxError(`${message} (line ${line})`);
  }

  private skipSpace(): void {
    while (this.pos < this.src.length && /\s/.test(this.src[this.pos] ?? '')) this.pos++;
  }

  /** Skips whitespace, comments, processing instructions and a DOCTYPE around the root. */
  private skipMisc(): void {
    for (;;) {
      this.skipSpace();
      if (this.src.startsWith('<?', this.pos)) this.skipPast('?>');
      else if (this.src.startsWith('<!--', this.pos)) this.skipPast('-->');
      else if (this.src.startsWith('<!DOCTYPE', this.pos)) this.skipPast('>');
      else return;
    }
  }

  private skipPast(terminator: string): string {
    const end = this.src.indexOf(terminator, this.pos);
    if (end < 0) this.fail(`unterminated construct, expected "${terminator}"`);
    const skipped = this.src.slice(this.pos, end);
    this.pos = end + terminator.length;
    return skipped;
  }

  private name(): string {
    NAME.lastIndex = this.pos;
    const m = NAME.exec(this.src);
    if (!m) this.fail('expected a name');
    this.pos += m[0].length;
    return m[0];
  }

  private element(): MutableElement {
    this.pos++; // '<'
    const el: MutableElement = { name: this.name(), attributes: {}, children: [], text: '' };
    for (;;) {
      this.skipSpace();
      if (this.src.startsWith('/>', this.pos)) {
        this.pos += 2;
        return el;
      }
      if (this.src.startsWith('>', this.pos)) {
        this.pos++;
        break;
      }
      const attr = this.name();
      this.skipSpace();
      if (this.src[this.pos] !== '=') this.fail(`expected "=" after attribute ${attr}`);
      this.pos++;
      this.skipSpace();
      const quote = this.src[this.pos];
      if (quote !== '"' && quote !== "'") this.fail(`expected a quoted value for attribute ${attr}`);
      this.pos++;
      const raw = this.skipPast(quote);
      if (raw.includes('<')) this.fail(`"<" in the value of attribute ${attr}`);
      el.attributes[attr] = decodeEntities(raw);
    }
    this.content(el);
    return el;
  }

  private content(el: MutableElement): void {
    for (;;) {
      if (this.pos >= this.src.length) this.fail(`element <${el.name}> is not closed`);
      if (this.src.startsWith('</', this.pos)) {
        this.pos += 2;
        const closing = this.name();
        if (closing !== el.name) this.fail(`</${closing}> closes <${el.name}>`);
        this.skipSpace();
        if (this.src[this.pos] !== '>') this.fail(`expected ">" after </${closing}`);
        this.pos++;
        return;
      }
      if (this.src.startsWith('<!--', this.pos)) this.skipPast('-->');
      else if (this.src.startsWith('<![CDATA[', this.pos)) {
        this.pos += 9;
        el.text += this.skipPast(']]>');
      } else if (this.src.startsWith('<?', this.pos)) this.skipPast('?>');
      else if (this.src.startsWith('<', this.pos)) el.children.push(this.element());
      else {
        const next = this.src.indexOf('<', this.pos);
        const end = next < 0 ? this.src.length : next;
        el.text += decodeEntities(this.src.slice(this.pos, end));
        this.pos = end;
      }
    }
  }
}
