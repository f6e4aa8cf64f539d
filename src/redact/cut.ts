/**
 * The end of an output that a cap cut: its last, partial line may hold the first half of a
 * secret that no rule can recognise any more (`AKIAIOSFOD`, `eyJhbGciOiJIUz`, `nova:Zx9`). The
 * fragment after the last separator of that line is hidden unless it reads as a plain word.
 */
import { REDACTED, type SpanList } from './spans.js';

/** Characters a secret does not contain, so the fragment starts after the last of them. */
const SEPARATOR = /[\s=:"'`,;&|()<>{}[\]@]/;

/** Adds the fragment at the end of a cut `text` to `spans` when it may be part of a secret. */
export function findCutTail(text: string, spans: SpanList): void {
  let start = text.length;
  while (start > 0 && !SEPARATOR.test(text[start - 1] as string)) start--;
  const fragment = text.slice(start);
  if (fragment === '' || fragment.endsWith(REDACTED)) return;
  const before = text[start - 1];
  const afterFlag = /(?:^|\s)-{1,2}[A-Za-z][\w-]*[ \t]+$/.test(text.slice(Math.max(0, start - 40), start));
  // A plain word cut short (`authentica`) is not a secret, unless it is the value of something.
  const plainWord = /^[A-Za-z][a-z]*$/.test(fragment);
  if (!plainWord || before === '=' || before === ':' || afterFlag) spans.add(start, text.length);
}
