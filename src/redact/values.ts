/**
 * Reading the value that follows a name or a flag, and telling secrets from what only sits where a
 * secret could: placeholders (`<None>`, `${DB_PASSWORD}`, `****`) and prose (`Invalid token: The
 * request you have made requires authentication`).
 */
import { REDACTED } from './spans.js';

/** Characters that end an unquoted value inside a line. */
const WORD_END = new Set([' ', '\t', '\n', '\r', '\0', ',', ';', '&', '"', "'", '`', ')', '}', ']', '<', '>', '|', '\\']);

/** Whether `c` ends an unquoted value. */
export function endsWord(c: string | undefined): boolean {
  return c === undefined || WORD_END.has(c);
}

/** A value found in the text: its range, and whether it was quoted. */
export interface ValueRange {
  readonly start: number;
  readonly end: number;
  readonly quoted: boolean;
}

/**
 * Ends of lines of one text, remembered: the scans ask for the end of the line at many positions
 * of one long line, and searching again each time would make them quadratic.
 */
export class LineEnds {
  private from = -1;
  private end = -1;
  constructor(private readonly text: string) {}

  /** Index of the end of the line holding `pos` (its `\n`, or the text's length). */
  at(pos: number): number {
    if (pos >= this.from && pos <= this.end) return this.end;
    const nl = this.text.indexOf('\n', pos);
    this.from = pos;
    this.end = nl < 0 ? this.text.length : nl;
    return this.end;
  }
}

/**
 * The value starting at `pos`: inside its quotes when quoted (`"..."`, `'...'`, `` `...` ``, or
 * JSON-escaped `\"...\"`; an unclosed quote runs to the end of the line), else the run of
 * characters up to the next delimiter. `null` when nothing value-like starts there.
 */
export function readValue(text: string, pos: number, lines: LineEnds = new LineEnds(text)): ValueRange | null {
  const c = text[pos];
  if (c === undefined || c === '\n' || c === '\r') return null;
  let open = '';
  if (c === '"' || c === "'" || c === '`') open = c;
  else if (c === '\\' && (text[pos + 1] === '"' || text[pos + 1] === "'")) open = `\\${text[pos + 1]}`;
  if (open !== '') {
    const start = pos + open.length;
    const eol = lines.at(start);
    let i = start;
    while (i < eol) {
      if (open.length === 1 && text[i] === '\\') {
        i += 2;
        continue;
      }
      if (text.startsWith(open, i)) return { start, end: i, quoted: true };
      i++;
    }
    return { start, end: trimEnd(text, start, eol), quoted: true };
  }
  let end = pos;
  while (end < text.length && !endsWord(text[end])) end++;
  return end > pos ? { start: pos, end, quoted: false } : null;
}

/** `end` moved back over trailing blanks (and a `\r`) of `[start, end)`. */
export function trimEnd(text: string, start: number, end: number): number {
  let e = end;
  while (e > start && (text[e - 1] === ' ' || text[e - 1] === '\t' || text[e - 1] === '\r')) e--;
  return e;
}

/**
 * Values that are not secrets themselves: nothing, already redacted, a reference to one
 * (`${DB_PASSWORD}`, `$OS_PASSWORD`, `%(password)s`, `<None>`), or a boolean or null.
 */
export function isPlaceholder(value: string): boolean {
  const v = value.trim();
  if (v === '' || /^\*{3,}$/.test(v) || v.startsWith(REDACTED)) return true;
  if (/^<[^<>]*>$/.test(v) || /^\[[A-Z_ -]*\]$/.test(v)) return true;
  if (/^\$\{?[A-Za-z_]\w*\}?$/.test(v) || /^%\([\w.-]+\)s$/.test(v)) return true;
  // Jinja and Helm templates, and Ansible Vault ciphertext: references to a secret, not the secret.
  if (/^\{\{.*\}\}$/.test(v) || /^\{%.*%\}$/.test(v) || v.startsWith('!vault')) return true;
  return /^(?:none|null|nil|~|true|false|yes|no|redacted|hidden|masked|filtered|x{3,})$/i.test(v);
}

/**
 * Whether a bare value looks machine-made (a key, a token, a generated password) rather than a
 * word: long, or mixing digits, symbols or inner capitals with letters.
 */
export function looksRandom(value: string): boolean {
  if (value.length < 6 || isPlaceholder(value)) return false;
  // Words and numbers joined by `_`, `-` or `.` make an identifier (`rabbitmq_monitor_30000`).
  const parts = value.split(/[_.-]/);
  if (parts.length > 1 && parts.every((p) => /^(?:[A-Za-z]*|\d*)$/.test(p))) return false;
  if (/\d/.test(value) && /[A-Za-z]/.test(value)) return true;
  if (/[+/=]/.test(value) || (/.[A-Z]/.test(value) && /[a-z]/.test(value))) return true;
  // A long run of letters without the `_` or `.` of identifiers (`created_at`, `nova.conf`).
  return value.length >= 16 && /^[A-Za-z0-9~-]+$/.test(value);
}

/** Words after `password`/`token` and a colon or a space that make it prose, not a value. */
const PROSE_WORDS = new Set(
  (
    'a an the for of is was are were be been to in on at by with from and or not no has have had must should will may can cannot could would ' +
    'does did do if when that this it its expired expires changed change required reset update updated authentication incorrect invalid ' +
    'missing mismatch failed failure denied rejected accepted prompt policy length complexity field attribute value values verification ' +
    'validation provided supplied given set unset empty too please enter'
  ).split(' '),
);

/**
 * Whether the unquoted word at `[start, end)` after a weak separator (`token: `, `password `)
 * reads as prose: a common word, or a plain word followed by another plain word.
 */
export function readsAsProse(text: string, start: number, end: number): boolean {
  const word = text.slice(start, end);
  const bare = word.replace(/[.:!?]+$/, '');
  if (PROSE_WORDS.has(bare.toLowerCase())) return true;
  if (!/^[A-Za-z][a-z]*$/.test(bare)) return false;
  if (text[end] !== ' ') return false;
  let i = end + 1;
  const nextStart = i;
  while (i < text.length && /[A-Za-z]/.test(text[i] as string)) i++;
  // The next word must be a word, not the next `name:` or `name=` of a list of settings.
  return i > nextStart && text[i] !== ':' && text[i] !== '=';
}
