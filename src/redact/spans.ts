/**
 * Secrets found in a text, as ranges of the original text. Every rule reports ranges instead of
 * rewriting the text, so rules never see each other's output (no rule can re-match a `****` another
 * one wrote) and the text is rebuilt once, in one pass.
 */

/** What replaces a secret. */
export const REDACTED = '****';

/** A range `[start, end)` of the text that is a secret, and what to show instead. */
export interface SecretSpan {
  readonly start: number;
  readonly end: number;
  /** Shown instead of the range; `REDACTED` when absent. */
  readonly replacement?: string;
}

/** Collects spans; empty ranges are ignored. */
export class SpanList {
  readonly spans: SecretSpan[] = [];

  /** Records `[start, end)` as a secret. */
  add(start: number, end: number, replacement?: string): void {
    if (end <= start) return;
    this.spans.push(replacement === undefined ? { start, end } : { start, end, replacement });
  }
}

/**
 * Rebuilds `text` with every span replaced. Overlapping spans are merged: a span inside another
 * keeps the outer one's replacement, two that only overlap become one `REDACTED`.
 */
export function applySpans(text: string, spans: readonly SecretSpan[], options: { keepLines?: boolean } = {}): string {
  if (spans.length === 0) return text;
  const sorted = [...spans].sort((a, b) => a.start - b.start || b.end - a.end);
  const parts: string[] = [];
  let pos = 0;
  let current: { start: number; end: number; replacement: string } | null = null;
  const flush = (): void => {
    if (!current) return;
    parts.push(
      text.slice(pos, current.start),
      options.keepLines ? lineByLine(text.slice(current.start, current.end), current.replacement) : current.replacement,
    );
    pos = current.end;
  };
  for (const span of sorted) {
    if (current && span.start < current.end) {
      if (span.end > current.end) current = { start: current.start, end: span.end, replacement: REDACTED };
      continue;
    }
    flush();
    current = { start: span.start, end: span.end, replacement: span.replacement ?? REDACTED };
  }
  flush();
  parts.push(text.slice(pos));
  return parts.join('');
}

/** A replacement that keeps the line breaks of what it replaces: each non-blank piece becomes `REDACTED`. */
function lineByLine(original: string, replacement: string): string {
  if (!original.includes('\n')) return replacement;
  return original
    .split('\n')
    .map((piece) => (piece.trim() === '' ? piece : REDACTED))
    .join('\n');
}
