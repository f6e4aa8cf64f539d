/**
 * Credentials in URLs: `rabbit://nova:pw@10.0.0.1:5672,nova:pw@10.0.0.2:5672//` (oslo transport
 * URLs, one user:password per host), `mysql+pymysql://nova:pw@db/nova`, and tokens used as the user
 * (`https://ghp_...@github.com`). Also Slack incoming-webhook paths, which are the secret.
 */
import type { SpanList } from './spans.js';
import { looksRandom } from './values.js';

/** A scheme and `://`, not in the middle of a longer word (so each run is tried once). */
const SCHEME = /(?<![A-Za-z0-9+.-])[A-Za-z][A-Za-z0-9+.-]*:\/\//g;
/** Characters that end a URL's authority (user:password@host:port, comma-separated). */
const AUTHORITY_END = /[/\s'"<>`?#]/;
const WEBHOOK = /\bhooks\.slack\.com\/(?:services|workflows|triggers)\//g;

/** Adds URL credentials in `text` to `spans`. */
export function findUrlCredentials(text: string, spans: SpanList): void {
  const scheme = new RegExp(SCHEME.source, SCHEME.flags);
  let m: RegExpExecArray | null;
  while ((m = scheme.exec(text)) !== null) {
    const start = m.index + m[0].length;
    let end = start;
    while (end < text.length && !AUTHORITY_END.test(text[end] as string)) end++;
    let partStart = start;
    for (const part of text.slice(start, end).split(',')) {
      const at = part.lastIndexOf('@');
      if (at > 0) {
        const colon = part.indexOf(':');
        if (colon >= 0 && colon < at) spans.add(partStart + colon + 1, partStart + at);
        else if (looksRandom(part.slice(0, at)) && part.slice(0, at).length >= 16) spans.add(partStart, partStart + at);
      }
      partStart += part.length + 1;
    }
    scheme.lastIndex = Math.max(scheme.lastIndex, end);
  }
  const webhook = new RegExp(WEBHOOK.source, WEBHOOK.flags);
  while ((m = webhook.exec(text)) !== null) {
    const start = m.index + m[0].length;
    let end = start;
    while (end < text.length && /[A-Za-z0-9/_-]/.test(text[end] as string)) end++;
    spans.add(start, end);
    webhook.lastIndex = Math.max(webhook.lastIndex, end);
  }
}
