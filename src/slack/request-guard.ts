import type { IncomingMessage, RequestListener, ServerResponse } from 'node:http';
import { HTTPModuleFunctions, type Logger } from '@slack/bolt';
import type { SeenRequests } from './seen-requests.js';
import { checkSlackSignature, SLACK_FORM } from './signature.js';

export { REQUEST_WINDOW_SECONDS } from './signature.js';

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
  const now = Math.floor((options.now ?? Date.now)() / 1000);
  const signature = header(req, 'x-slack-signature') ?? '';
  const verdict = checkSlackSignature(
    { contentType: header(req, 'content-type'), timestamp: header(req, 'x-slack-request-timestamp'), signature, body: raw },
    options.signingSecret,
    now,
  );
  if (verdict === 'ssl_check' || !verdict.ok) {
    // Bolt parses only the bare media type: hand it the form it knows (Slack's check is answered by Bolt).
    if (verdict === 'ssl_check') req.headers['content-type'] = SLACK_FORM;
    return verdict;
  }
  req.headers['content-type'] = SLACK_FORM;
  // Only a verified signature is remembered: nobody can fill the store with made-up ones.
  const ts = Number(header(req, 'x-slack-request-timestamp'));
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
