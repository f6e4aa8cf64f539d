/**
 * Secrets recognisable by their shape alone, wherever they appear: cloud and SaaS tokens (AWS
 * access key ids, GitHub, GitLab, Slack, Google, Stripe, npm, PyPI, Hugging Face, OpenAI-style
 * `sk-`), JSON Web Tokens, Keystone Fernet and PKIZ tokens, ceph keys (`AQ...==`), and the
 * credentials after `Bearer` or `Basic`.
 *
 * Every pattern starts with a look-behind that refuses to start inside a run of its own
 * characters, so a run is entered at most once and no input makes a pattern backtrack for long.
 */
import type { SpanList } from './spans.js';
import { looksRandom } from './values.js';

/** A token shape; `keep` characters of the match (its well-known prefix) stay readable. */
interface TokenShape {
  readonly pattern: RegExp;
  readonly keep: (match: string) => number;
}

const keepPrefix =
  (separator: string) =>
  (match: string): number =>
    match.indexOf(separator) + 1;

const SHAPES: readonly TokenShape[] = [
  { pattern: /(?<![A-Za-z0-9-])(?:xox[abposre]|xapp)-[A-Za-z0-9-]+/g, keep: keepPrefix('-') },
  { pattern: /(?<![A-Za-z0-9_])(?:ghp|gho|ghu|ghs|ghr)_[A-Za-z0-9]{20,}/g, keep: keepPrefix('_') },
  { pattern: /(?<![A-Za-z0-9_])github_pat_[A-Za-z0-9_]{20,}/g, keep: () => 'github_pat_'.length },
  { pattern: /(?<![A-Za-z0-9_-])glpat-[A-Za-z0-9_-]{20,}/g, keep: keepPrefix('-') },
  { pattern: /(?<![A-Z0-9])(?:AKIA|ASIA|AGPA|AIDA|AROA|AIPA|ANPA|ANVA|APKA)[A-Z0-9]{16}(?![A-Z0-9])/g, keep: () => 4 },
  { pattern: /(?<![A-Za-z0-9_-])AIza[0-9A-Za-z_-]{35}/g, keep: () => 4 },
  { pattern: /(?<![A-Za-z0-9_])(?:sk|rk)_(?:live|test)_[0-9A-Za-z]{16,}/g, keep: (m) => m.indexOf('_', 3) + 1 },
  { pattern: /(?<![A-Za-z0-9_-])sk-(?:proj-|ant-|svcacct-)?[A-Za-z0-9_-]{20,}/g, keep: () => 3 },
  { pattern: /(?<![A-Za-z0-9_])npm_[A-Za-z0-9]{36}/g, keep: keepPrefix('_') },
  { pattern: /(?<![A-Za-z0-9_-])pypi-[A-Za-z0-9_-]{50,}/g, keep: keepPrefix('-') },
  { pattern: /(?<![A-Za-z0-9_])hf_[A-Za-z0-9]{30,}/g, keep: keepPrefix('_') },
  { pattern: /(?<![A-Za-z0-9_.-])SG\.[A-Za-z0-9_-]{16,}\.[A-Za-z0-9_-]{16,}/g, keep: () => 3 },
  // JSON Web Tokens: base64url of `{"...` (header), `.`, base64url of `{"...` (claims), `.`, signature.
  { pattern: /(?<![A-Za-z0-9_-])eyJ[A-Za-z0-9_-]+\.eyJ[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*/g, keep: () => 0 },
  // Keystone Fernet tokens (`gAAAAA...`) and PKIZ tokens.
  { pattern: /(?<![A-Za-z0-9_-])gAAAAA[A-Za-z0-9_-]{40,}={0,2}/g, keep: () => 0 },
  { pattern: /(?<![A-Za-z0-9_-])PKIZ_[A-Za-z0-9_-]{20,}/g, keep: () => 0 },
  // A ceph key: 2 bytes of type (AQ for AES) and 28 bytes of key, base64: 40 characters.
  { pattern: /(?<![A-Za-z0-9+/])AQ[A-Za-z0-9+/]{36}==/g, keep: () => 0 },
];

/** `Bearer x` or `Basic x` anywhere: the word after the scheme, when it is not a plain word. */
const SCHEME_CREDENTIALS = /(?<![A-Za-z0-9-])(?:Bearer|Basic)[ \t]+(?=[A-Za-z0-9._~+/=-])/g;

/** Adds shaped tokens in `text` to `spans`. */
export function findTokens(text: string, spans: SpanList): void {
  for (const shape of SHAPES) {
    const re = new RegExp(shape.pattern.source, shape.pattern.flags);
    let m: RegExpExecArray | null;
    while ((m = re.exec(text)) !== null) spans.add(m.index + shape.keep(m[0]), m.index + m[0].length);
  }
  const re = new RegExp(SCHEME_CREDENTIALS.source, SCHEME_CREDENTIALS.flags);
  let m: RegExpExecArray | null;
  while ((m = re.exec(text)) !== null) {
    const start = m.index + m[0].length;
    let end = start;
    while (end < text.length && /[A-Za-z0-9._~+/=-]/.test(text[end] as string)) end++;
    if (looksRandom(text.slice(start, end))) spans.add(start, end);
    re.lastIndex = Math.max(re.lastIndex, end);
  }
}
