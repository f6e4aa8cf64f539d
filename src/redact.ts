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
import { applySpans, SpanList } from './redact/spans.js';
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

/** Replaces the secrets in `text` by `****`, keeping enough around them to be readable. */
export function redact(text: string, options: RedactOptions = {}): string {
  if (text === '') return text;
  const spans = new SpanList();
  findPrivateKeys(text, spans);
  findUrlCredentials(text, spans);
  findTokens(text, spans);
  findCommandSecrets(text, spans);
  findAssignments(text, spans);
  const redacted = applySpans(text, spans.spans, options);
  if (!options.cut) return redacted;
  const tail = new SpanList();
  findCutTail(redacted, tail);
  return applySpans(redacted, tail.spans);
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
  if (typeof value === 'string') return redact(value) as T;
  if (Array.isArray(value)) return value.map((v: unknown) => redactDeep(v)) as T;
  if (value instanceof Map) return new Map([...value].map(([k, v]: [unknown, unknown]) => [k, redactDeep(v)])) as T;
  if (value instanceof Set) return new Set([...value].map((v: unknown) => redactDeep(v))) as T;
  if (value !== null && typeof value === 'object' && !(value instanceof Date) && !Buffer.isBuffer(value)) {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = redactDeep(v);
    return out as T;
  }
  return value;
}
