import { createHmac, timingSafeEqual } from 'node:crypto';

/** The only body encoding Slack uses for slash commands and interactions. */
export const SLACK_FORM = 'application/x-www-form-urlencoded';

/** How far a request's timestamp may be from our clock, either way (Slack's own rule: 5 minutes). */
export const REQUEST_WINDOW_SECONDS = 5 * 60;

/** A request Slack signed, as far as its headers and body say; `ssl_check`: Slack's unsigned connectivity check. */
export type SignatureVerdict = { readonly ok: true } | { readonly ok: false; readonly status: number; readonly why: string } | 'ssl_check';

/** What is checked: the raw headers and the exact body bytes. */
export interface SignedRequest {
  readonly contentType: string | undefined;
  readonly timestamp: string | undefined;
  readonly signature: string | undefined;
  readonly body: Buffer;
}

/**
 * Checks the encoding, the timestamp (5 minutes either way) and the v0 HMAC signature of one
 * request, without remembering it: replays are the caller's (the store's) business. Pure apart
 * from the clock it is given, so the Slack ingress thread and the main guard judge alike.
 */
export function checkSlackSignature(req: SignedRequest, secret: string, nowSeconds: number): SignatureVerdict {
  const mediaType = (req.contentType ?? '').split(';')[0]?.trim().toLowerCase();
  if (mediaType !== SLACK_FORM) return { ok: false, status: 400, why: `a body sent as ${mediaType || 'no content type'} (Slack sends ${SLACK_FORM})` };
  const text = req.body.toString('utf8');
  if (new URLSearchParams(text).get('ssl_check') === '1') return 'ssl_check';
  const tsText = req.timestamp ?? '';
  if (!/^\d{1,12}$/.test(tsText)) return { ok: false, status: 401, why: 'a missing or malformed x-slack-request-timestamp' };
  const ts = Number(tsText);
  if (Math.abs(nowSeconds - ts) > REQUEST_WINDOW_SECONDS) {
    const skew = ts - nowSeconds;
    return {
      ok: false,
      status: 401,
      why: `a timestamp ${Math.abs(skew)} s in the ${skew > 0 ? 'future' : 'past'} (at most ${REQUEST_WINDOW_SECONDS} s either way)`,
    };
  }
  const expected = Buffer.from(`v0=${createHmac('sha256', secret).update(`v0:${tsText}:${text}`).digest('hex')}`);
  const given = Buffer.from(req.signature ?? '');
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return { ok: false, status: 401, why: 'a bad signature' };
  return { ok: true };
}
