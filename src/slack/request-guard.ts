import { createHmac, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, RequestListener, ServerResponse } from 'node:http';
import { HTTPModuleFunctions, type Logger } from '@slack/bolt';
import type { SeenRequests } from './seen-requests.js';

/** The only body encoding Slack uses for slash commands and interactions. */
const FORM = 'application/x-www-form-urlencoded';

/** How far a request's timestamp may be from our clock, either way (Slack's own rule: 5 minutes). */
export const REQUEST_WINDOW_SECONDS = 5 * 60;

/** What the guard needs. */
export interface RequestGuardOptions {
  readonly signingSecret: string;
  /** The path Slack posts to; other paths go to Bolt untouched (it answers 404). */
  readonly path: string;
  readonly seen: SeenRequests;
  readonly logger: Logger;
  /** Largest body accepted (Bolt's default, 4 MB). */
  readonly bodyLimit?: number;
  /** Milliseconds since the epoch; the real clock by default (tests shift the app's clock, not this one). */
  readonly now?: () => number;
}

type Verdict = { readonly ok: true } | { readonly ok: false; readonly status: number; readonly why: string };

function header(req: IncomingMessage, name: string): string | undefined {
  const value = req.headers[name];
  return typeof value === 'string' ? value : undefined;
}

function refuse(res: ServerResponse, status: number): void {
  if (res.headersSent) return;
  res.writeHead(status);
  res.end();
}

/** Checks one buffered request: encoding, timestamp both ways, signature, then that it is new. */
async function verify(req: IncomingMessage, raw: Buffer, options: RequestGuardOptions): Promise<Verdict | 'ssl_check'> {
  const mediaType = (header(req, 'content-type') ?? '').split(';')[0]?.trim().toLowerCase();
  if (mediaType !== FORM) return { ok: false, status: 400, why: `a body sent as ${mediaType || 'no content type'} (Slack sends ${FORM})` };
  // Bolt parses only the bare media type: hand it the form it knows.
  req.headers['content-type'] = FORM;
  const text = raw.toString('utf8');
  // Slack's unsigned connectivity check; Bolt answers it and strips anything smuggled along.
  if (new URLSearchParams(text).get('ssl_check') === '1') return 'ssl_check';

  const tsText = header(req, 'x-slack-request-timestamp') ?? '';
  const signature = header(req, 'x-slack-signature') ?? '';
  if (!/^\d{1,12}$/.test(tsText)) return { ok: false, status: 401, why: 'a missing or malformed x-slack-request-timestamp' };
  const ts = Number(tsText);
  const now = Math.floor((options.now ?? Date.now)() / 1000);
  if (Math.abs(now - ts) > REQUEST_WINDOW_SECONDS) {
    const skew = ts - now;
    return {
      ok: false,
      status: 401,
      why: `a timestamp ${Math.abs(skew)} s in the ${skew > 0 ? 'future' : 'past'} (at most ${REQUEST_WINDOW_SECONDS} s either way)`,
    };
  }
  const expected = Buffer.from(`v0=${createHmac('sha256', options.signingSecret).update(`v0:${tsText}:${text}`).digest('hex')}`);
  const given = Buffer.from(signature);
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return { ok: false, status: 401, why: 'a bad signature' };
  // Only a verified signature is remembered: nobody can fill the store with made-up ones.
  if (!(await options.seen.firstSighting(signature, ts, now))) return { ok: false, status: 401, why: 'a replay of a request already accepted' };
  return { ok: true };
}

/**
 * Wraps Bolt's HTTP request listener with the checks Bolt does not make: the form encoding only
 * (400 otherwise), a timestamp within 5 minutes in the future as in the past, and each signed
 * request accepted once (the signatures seen are kept in the store). Bolt's own verification
 * still runs behind it on the same buffered body.
 */
export function guardSlackRequests(inner: RequestListener, options: RequestGuardOptions): RequestListener {
  return (req, res) => {
    const path = (req.url ?? '').split('?')[0];
    if (req.method !== 'POST' || path !== options.path) {
      inner(req, res);
      return;
    }
    void (async () => {
      let raw: Buffer;
      try {
        raw = (await HTTPModuleFunctions.bufferIncomingMessage(req, options.bodyLimit ?? HTTPModuleFunctions.defaultBodyLimit)).rawBody;
      } catch (error) {
        const tooLarge = HTTPModuleFunctions.isRawBodyError(error) && (error.statusCode === 413 || error.type === 'entity.too.large');
        options.logger.warn(`[stackmedic] refused a Slack request: ${tooLarge ? 'body too large' : 'unreadable body'}`);
        refuse(res, tooLarge ? 413 : 400);
        return;
      }
      let verdict: Verdict | 'ssl_check';
      try {
        verdict = await verify(req, raw, options);
      } catch (error) {
        // The store is closed or broken: refuse rather than accept what cannot be checked.
        options.logger.error('[stackmedic] could not check a Slack request against the store:', error);
        refuse(res, 503);
        return;
      }
      if (verdict !== 'ssl_check' && !verdict.ok) {
        options.logger.warn(`[stackmedic] refused a Slack request (${verdict.status}): ${verdict.why}`);
        refuse(res, verdict.status);
        return;
      }
      try {
        inner(req, res);
      } catch (error) {
        options.logger.error('[stackmedic] the Slack receiver failed on a request:', error);
        refuse(res, 500);
      }
    })();
  };
}
