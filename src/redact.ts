/**
 * The one redaction step every outgoing text passes through: Slack posts and files, the console
 * and `--json`, `stackmedic diagnose`, post-mortems, and what the store keeps for display.
 * Cluster output is full of credentials: oslo config files, transport URLs in logs, openrc
 * exports, tokens in debug lines, keys in keyrings. Redaction is applied where text leaves, so
 * that no command author has to remember it, and it is idempotent so applying it twice is harmless.
 *
 * Each rule family (src/redact/) reports the ranges it finds in the original text; the text is
 * rebuilt once. Every rule reads the text in one linear pass: no input makes redaction slow.
 */
import { findAssignments } from './redact/assignments.js';
import { findCommandSecrets } from './redact/commands.js';
import { findCutTail } from './redact/cut.js';
import { findPrivateKeys } from './redact/pem.js';
import { applySpans, REDACTED, SpanList, type SecretSpan } from './redact/spans.js';
import { findTokens } from './redact/tokens.js';
import { findUrlCredentials } from './redact/urls.js';

export { REDACTED } from './redact/spans.js';

/** How the text to redact came to be. */
export interface RedactOptions {
  /**
   * A cap cut the text at its end: the fragment after its last separator may be the first half of
   * a secret, and is hidden unless it reads as a plain word.
   */
  readonly cut?: boolean;
  /**
   * Keep the text's line breaks (a secret over several lines becomes one `****` per line), for
   * callers that number or split the lines afterwards.
   */
  readonly keepLines?: boolean;
}

function secretSpans(text: string): SecretSpan[] {
  const spans = new SpanList();
  findPrivateKeys(text, spans);
  findUrlCredentials(text, spans);
  findTokens(text, spans);
  findCommandSecrets(text, spans);
  findAssignments(text, spans);
  return spans.spans;
}

/** Replaces the secrets in `text` by `****`, keeping enough around them to be readable. */
export function redact(text: string, options: RedactOptions = {}): string {
  if (text === '') return text;
  const redacted = applySpans(text, secretSpans(text), options);
  return options.cut ? hideCutTail(redacted) : redacted;
}

/**
 * Hides only the fragment at the end of an output a cap cut (see `RedactOptions.cut`), leaving the
 * rest raw for the parsers that read it; the doors redact the whole of it later.
 */
export function hideCutTail(text: string): string {
  const tail = new SpanList();
  findCutTail(text, tail);
  return applySpans(text, tail.spans);
}

/**
 * A text whose secrets are found once, so that pieces of it can be shown redacted in their
 * context: a field captured from the middle of a log record is hidden when it lies inside a
 * secret of the record, though alone it would look like nothing.
 */
export class RedactableText {
  private readonly spans: readonly SecretSpan[];

  constructor(readonly text: string) {
    this.spans = secretSpans(text);
  }

  /** `text.slice(start, end)` with every secret that falls in it, even partly, hidden. */
  slice(start = 0, end = this.text.length): string {
    if (start === 0 && end === this.text.length) return applySpans(this.text, this.spans);
    const inside = this.spans
      .filter((s) => s.start < end && s.end > start)
      .map((s) =>
        s.start >= start && s.end <= end
          ? { start: s.start - start, end: s.end - start, ...(s.replacement ? { replacement: s.replacement } : {}) }
          : { start: Math.max(s.start, start) - start, end: Math.min(s.end, end) - start, replacement: REDACTED },
      );
    return applySpans(this.text.slice(start, end), inside);
  }
}

/**
 * Redacts, then cuts to at most `max` characters ending with `marker`: in that order, so that a
 * secret is recognised whole before the cut could halve it.
 */
export function redactAndCut(text: string, max: number, marker = '...'): string {
  const redacted = redact(text);
  if (redacted.length <= max) return redacted;
  return `${redact(redacted.slice(0, Math.max(0, max - marker.length)), { cut: true })}${marker}`;
}

/**
 * Applies `redact` to every string inside a JSON-like value (Block Kit payloads, reply data,
 * rows to store). Plain objects and arrays are copied; Maps and Sets keep their kind; dates and
 * buffers are left as they are.
 */
export function redactDeep<T>(value: T): T {
  // Outputs repeat their strings (ids, node names, paths, times) many times; redaction is a pure
  // function of the string, so each distinct one is redacted once per call.
  return redactWith(value, new Map());
}

function redactWith<T>(value: T, seen: Map<string, string>): T {
  if (typeof value === 'string') {
    let out = seen.get(value);
    if (out === undefined) seen.set(value, (out = redact(value)));
    return out as T;
  }
  if (Array.isArray(value)) return value.map((v: unknown) => redactWith(v, seen)) as T;
  if (value instanceof Map) return new Map([...value].map(([k, v]: [unknown, unknown]) => [k, redactWith(v, seen)])) as T;
  if (value instanceof Set) return new Set([...value].map((v: unknown) => redactWith(v, seen))) as T;
  if (value !== null && typeof value === 'object' && !(value instanceof Date) && !Buffer.isBuffer(value)) {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = redactWith(v, seen);
    return out as T;
  }
  return value;
}
