/**
 * PEM private keys (`-----BEGIN RSA PRIVATE KEY-----`, OPENSSH, EC, ENCRYPTED, PGP ... BLOCK),
 * over several lines or collapsed onto one as log evidence is. The body is hidden up to the END
 * line, or to the end of the text when a cap cut the block; and an END line whose BEGIN was cut
 * away (the start of a capped output, the second half of a split message) hides the base64
 * lines before it.
 */
import { REDACTED, type SpanList } from './spans.js';

const BEGIN = '-----BEGIN ';
const END = '-----END ';
const PRIVATE_LABEL = /^[A-Z0-9 ]*PRIVATE KEY(?: BLOCK)?$/;
/** Longest label looked at (`ENCRYPTED PRIVATE KEY`, `OPENSSH PRIVATE KEY`, `PGP PRIVATE KEY BLOCK`). */
const MAX_LABEL = 40;

/** The label of a `-----BEGIN label-----` or `-----END label-----` line whose marker is at `at`. */
function labelAt(text: string, at: number, marker: string): { label: string; end: number } | null {
  const from = at + marker.length;
  const close = text.indexOf('-----', from);
  if (close < 0 || close - from > MAX_LABEL) return null;
  const label = text.slice(from, close);
  return PRIVATE_LABEL.test(label) ? { label, end: close + 5 } : null;
}

/** Adds private key bodies in `text` to `spans`. */
export function findPrivateKeys(text: string, spans: SpanList): void {
  let covered = 0;
  const footers = new Set<number>();
  for (let at = text.indexOf(BEGIN); at >= 0; at = text.indexOf(BEGIN, at + 1)) {
    if (at < covered) continue;
    const head = labelAt(text, at, BEGIN);
    if (!head) continue;
    const footer = `${END}${head.label}-----`;
    const tail = text.indexOf(footer, head.end);
    if (tail < 0) {
      spans.add(head.end, text.length, ` ${REDACTED} ${footer}`);
      return;
    }
    spans.add(head.end, tail, ` ${REDACTED} `);
    footers.add(tail);
    covered = tail + footer.length;
  }
  let afterLastBlock = 0;
  for (let at = text.indexOf(END); at >= 0; at = text.indexOf(END, at + 1)) {
    const foot = labelAt(text, at, END);
    if (!foot) continue;
    if (footers.has(at)) {
      afterLastBlock = foot.end;
      continue;
    }
    const start = orphanBodyStart(text, at, afterLastBlock);
    if (start < at) spans.add(start, at, `${REDACTED} `);
    afterLastBlock = foot.end;
  }
}

/** Start of the base64 words (lines, or words once collapsed) right before an orphan END at `at`. */
function orphanBodyStart(text: string, at: number, floor: number): number {
  let start = at;
  let p = at;
  for (;;) {
    while (p > floor && /\s/.test(text[p - 1] as string)) p--;
    let q = p;
    while (q > floor && /[A-Za-z0-9+/=]/.test(text[q - 1] as string)) q--;
    // Body lines are 64 (PEM) or 70 (OpenSSH) characters; only the last one may be shorter.
    if (q === p || (start !== at && p - q < 16)) return start;
    start = q;
    p = q;
    if (q > floor && !/\s/.test(text[q - 1] as string)) return start;
  }
}
