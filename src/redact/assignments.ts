/**
 * `name = value` in all the forms cluster text carries: ini and oslo lines (`rabbit_password =
 * x`, `keystone_authtoken.password = x log_opt_values`), env (`export OS_PASSWORD=x`,
 * `MYSQL_PWD=x mysql`), YAML (`password: x`, block scalars), JSON and Python dicts
 * (`"password": "x"`, `'X-Auth-Token': 'x'`), HTTP headers, XML (`<password>x</password>`,
 * `passwd='x'`), command-line options (`--os-password x`), and the space-separated forms of
 * `.netrc` or redis (`password x`, `requirepass x`).
 *
 * The scan is keyword-driven and linear: one regex finds words that may name a secret, the name
 * around each is read by hand (at most `MAX_NAME` characters), and the scan resumes after it.
 */
import { classifyKey, type KeyKind } from './keys.js';
import type { SpanList } from './spans.js';
import { isPlaceholder, LineEnds, looksRandom, readsAsProse, readValue, trimEnd } from './values.js';

/** Words one of which every secret's name contains. */
const TRIGGER = /pass|pwd|secret|token|cred|cookie|psk|key|kek|sig|auth/gi;
/** Longer runs of name characters are not names. */
const MAX_NAME = 128;
/** Names that take their value after a space, without `=` or `:`. */
const SPACE_NAMES = new Set(['password', 'passwd', 'passphrase', 'requirepass', 'masterauth']);
/** `Authorization` schemes, kept in front of the hidden credentials. */
const AUTH_SCHEME = /^(?:Bearer|Basic|Digest|Token|Negotiate|NTLM|OAuth|ApiKey|AWS4-HMAC-SHA256|SharedKey|Key)$/i;

function isNameChar(c: string | undefined): boolean {
  if (c === undefined) return false;
  const code = c.charCodeAt(0);
  return (code >= 48 && code <= 57) || (code >= 65 && code <= 90) || (code >= 97 && code <= 122) || c === '_' || c === '.' || c === '-';
}

type Separator = '=' | ':' | ' ' | 'xml';

/** Adds the secret values of `name = value` forms in `text` to `spans`. */
export function findAssignments(text: string, spans: SpanList): void {
  const trigger = new RegExp(TRIGGER.source, TRIGGER.flags);
  const lines = new LineEnds(text);
  const clauses = new ClauseEnds(text);
  // Logs repeat the same names (`keystone...`, `auth_url`) thousands of times: judge each once.
  const kinds = new Map<string, KeyKind | null>();
  let floor = 0;
  let m: RegExpExecArray | null;
  while ((m = trigger.exec(text)) !== null) {
    let start = m.index;
    while (start > floor && start > m.index - MAX_NAME && isNameChar(text[start - 1])) start--;
    let end = m.index + m[0].length;
    while (isNameChar(text[end])) end++;
    floor = end;
    trigger.lastIndex = end;
    if (end - start > MAX_NAME || (start > 0 && isNameChar(text[start - 1]))) continue;
    // A name ends before trailing dots and dashes (`the password.`, `KEY-----`).
    let nameEnd = end;
    while (nameEnd > start && (text[nameEnd - 1] === '.' || text[nameEnd - 1] === '-')) nameEnd--;
    const name = text.slice(start, nameEnd);
    let kind = kinds.get(name);
    if (kind === undefined) {
      kind = classifyKey(name);
      if (kinds.size < 4096) kinds.set(name, kind);
    }
    if (kind === null) continue;
    const resume = assignment(text, start, nameEnd, name, kind, spans, lines, clauses);
    if (resume > end) {
      floor = resume;
      trigger.lastIndex = resume;
    }
  }
}

/** Handles one secret name at `[start, end)`; returns where the scan may resume. */
function assignment(text: string, start: number, end: number, name: string, kind: KeyKind, spans: SpanList, lines: LineEnds, clauses: ClauseEnds): number {
  const option = name.startsWith('--');
  let i = end;
  let closedQuote = false;
  if (text[i] === '\\' && (text[i + 1] === '"' || text[i + 1] === "'")) {
    i += 2;
    closedQuote = true;
  } else if (text[i] === '"' || text[i] === "'") {
    i++;
    closedQuote = true;
  }
  const blanksBefore = skipBlanks(text, i);
  let sep: Separator;
  let p = blanksBefore;
  const xml = text[start - 1] === '<' && text[end] === '>';
  if (xml) {
    sep = 'xml';
    p = end + 1;
  } else if (text[p] === '|' && inTableCell(text, start)) {
    // `| secret | cT2v... |`: a row of the openstack CLI's tables.
    p = skipBlanks(text, p + 1);
    let cellEnd = p;
    const eol = lines.at(p);
    while (cellEnd < eol && text[cellEnd] !== '|') cellEnd++;
    const valueEnd = trimEnd(text, p, cellEnd);
    const value = text.slice(p, valueEnd);
    if (kind === 'random' ? looksRandom(value) : !isPlaceholder(value) && !(keyFile(name) && isPath(value))) spans.add(p, valueEnd);
    return cellEnd;
  } else if (text[p] === '=' && text[p + 1] !== '=') {
    sep = '=';
    p += text[p + 1] === '>' ? 2 : 1;
  } else if (text[p] === ':' && text[p + 1] !== ':') {
    sep = ':';
    p++;
  } else if (blanksBefore > i && !closedQuote && (option || SPACE_NAMES.has(name.toLowerCase()))) {
    sep = ' ';
  } else {
    return end;
  }
  const spaced = sep === ' ' || ((sep === ':' || sep === '=') && (text[p] === ' ' || text[p] === '\t'));
  p = skipBlanks(text, p);
  if (sep === 'xml') {
    const close = text.indexOf('<', p);
    const valueEnd = close < 0 ? lines.at(p) : Math.min(close, lines.at(p));
    if (!isPlaceholder(text.slice(p, valueEnd))) spans.add(p, valueEnd);
    return valueEnd;
  }
  const c = text[p];
  // `{`/`[` open a structure, not a value; `-x` after `--password ` or `passwd ` is the next flag.
  if (c === undefined || c === '{' || c === '[' || ((option || sep === ' ') && c === '-')) return p;
  if (kind === 'authorization') return authorization(text, p, atLineStart(text, start), spans, lines);

  const quoted = c === '"' || c === "'" || c === '`' || (c === '\\' && (text[p + 1] === '"' || text[p + 1] === "'"));
  if (!quoted && spaced && sep !== ' ' && kind !== 'userpass' && atLineStart(text, start)) {
    // A whole line `name = value` or `name: value`: the value is the rest of the line, spaces
    // included. `NAME=value` (no blanks) is an env assignment, maybe before a command: one word.
    const eol = lines.at(p);
    let valueEnd = trimEnd(text, p, eol);
    // `"password = x"`: a quote opened before the name closes the value.
    const opener = text[start - 1];
    if (!closedQuote && (opener === '"' || opener === "'")) {
      const close = text.indexOf(opener, p);
      if (close >= 0 && close < valueEnd) valueEnd = close;
    }
    if (text.startsWith('```', valueEnd - 3) && valueEnd - 3 >= p) valueEnd -= 3;
    const value = text.slice(p, valueEnd);
    if (/^[|>][+-]?$/.test(value)) return blockScalar(text, start, eol, spans, lines);
    if (keyFile(name) && isPath(value)) return eol;
    if (kind === 'random' ? looksRandom(value) : !isPlaceholder(value)) spans.add(p, valueEnd);
    return eol;
  }
  const range = readValue(text, p, lines);
  if (range === null) return p;
  const value = text.slice(range.start, range.end);
  if (isPlaceholder(value) || (keyFile(name) && isPath(value))) return range.end;
  if (kind === 'userpass') return userPassword(text, range.start, range.end, spans);
  if (kind === 'random' && !looksRandom(value)) return range.end;
  if (!range.quoted && spaced && (sep === '=' || (sep === ':' && isCompound(name)))) {
    // `group.option = value` inside a line (oslo's log_opt_values), or a config key quoted in a
    // message (`openstack CLI failed: db_password: a b c`): the value may hold spaces.
    spans.add(range.start, clauses.at(p, lines.at(p)));
    // Names inside the clause are still read (a quoted value after one would outlast the clause).
    return range.end;
  }
  if (!range.quoted) {
    // `package.module:attr` (a paste.deploy entry point such as keystonemiddleware.auth_token:filter_factory).
    if (sep === ':' && !spaced && name.includes('.') && /^[a-z_][a-z0-9_]*$/.test(value)) return range.end;
    if (spaced && !option && readsAsProse(text, range.start, range.end)) return range.end;
    // `for token: keystonemiddleware...InvalidToken: Token authorization failed`: a word ending in
    // a colon is the next label of a message, not a value.
    if (spaced && !option && value.endsWith(':')) return range.end;
  }
  spans.add(range.start, range.end);
  return range.end;
}

/** Whether the name at `start` is the first cell of a table row (`| name |`). */
function inTableCell(text: string, start: number): boolean {
  let q = start;
  while (q > 0 && (text[q - 1] === ' ' || text[q - 1] === '\t')) q--;
  return text[q - 1] === '|';
}

/** `private_key: ~/.ssh/id_ed25519`: a key named by where it is kept. */
function keyFile(name: string): boolean {
  return /keys?$/i.test(name);
}

function isPath(value: string): boolean {
  return /^(?:\/|~\/|\.\.?\/)[^\s]*$/.test(value);
}

/** A name made of several words (`db_password`, `X-Auth-Token`, `adminPassword`): a key, not prose. */
function isCompound(name: string): boolean {
  return /[_.-]/.test(name.replace(/^-+/, '')) || /[a-z][A-Z]/.test(name);
}

/**
 * Where a spaced value inside a line ends: at the line's end or at what closes a structure.
 * Remembered like line ends: every name inside one clause would otherwise read it again.
 */
class ClauseEnds {
  private from = -1;
  private end = -1;
  constructor(private readonly text: string) {}

  at(p: number, eol: number): number {
    if (p < this.from || p > this.end) {
      let e = p;
      while (e < eol && !CLAUSE_END.has(this.text[e] as string)) e++;
      this.from = p;
      this.end = e;
    }
    return trimEnd(this.text, p, this.end);
  }
}

const CLAUSE_END = new Set([',', ';', '}', ']', ')', '|', '"', "'", '`', '\r']);

/** `user:password`: the part after the first colon. */
function userPassword(text: string, start: number, end: number, spans: SpanList): number {
  const colon = text.indexOf(':', start);
  if (colon >= 0 && colon + 1 < end) spans.add(colon + 1, end);
  return end;
}

/** `Authorization: Bearer x`: the scheme stays, the credentials after it go. */
function authorization(text: string, p: number, wholeLine: boolean, spans: SpanList, lines: LineEnds): number {
  const range = readValue(text, p, lines);
  if (range === null) return p;
  let start = range.start;
  let end = range.end;
  if (!range.quoted && wholeLine) end = trimEnd(text, p, lines.at(p));
  const first = /^[A-Za-z0-9-]+/.exec(text.slice(start, Math.min(end, start + 32)));
  if (first && AUTH_SCHEME.test(first[0])) {
    start = skipBlanks(text, start + first[0].length);
    if (!range.quoted && !wholeLine) {
      const credentials = readValue(text, start, lines);
      if (credentials === null) return end;
      end = credentials.end;
    }
  }
  if (!isPlaceholder(text.slice(start, end))) spans.add(start, end);
  return end;
}

/** YAML `password: |` (or `>`): the more indented lines after it are the value. */
function blockScalar(text: string, keyStart: number, eol: number, spans: SpanList, lines: LineEnds): number {
  const lineStart = text.lastIndexOf('\n', keyStart) + 1;
  const indent = skipBlanks(text, lineStart) - lineStart;
  let pos = eol + 1;
  let last = eol;
  while (pos < text.length) {
    const next = lines.at(pos);
    const blank = skipBlanks(text, pos);
    if (blank < next && blank - pos <= indent) break;
    last = next;
    pos = next + 1;
  }
  if (last > eol) spans.add(eol + 1, last);
  return last;
}

function skipBlanks(text: string, pos: number): number {
  let p = pos;
  while (text[p] === ' ' || text[p] === '\t') p++;
  return p;
}

/**
 * Whether the name at `start` begins its line, give or take indentation, an opening quote, a YAML
 * list dash, a comment mark or `export `: then its value is the rest of the line.
 */
export function atLineStart(text: string, start: number): boolean {
  let p = start;
  if (text[p - 1] === '"' || text[p - 1] === "'") p--;
  const back = (): void => {
    while (p > 0 && (text[p - 1] === ' ' || text[p - 1] === '\t')) p--;
  };
  back();
  if (p >= 6 && text.startsWith('export', p - 6) && (p === 6 || /\s/.test(text[p - 7] as string))) {
    p -= 6;
    back();
  }
  if (p > 0 && (text[p - 1] === '-' || text[p - 1] === '#' || text[p - 1] === ';')) {
    p--;
    back();
  }
  return p === 0 || text[p - 1] === '\n' || text[p - 1] === '\r' || text[p - 1] === '\0';
}
