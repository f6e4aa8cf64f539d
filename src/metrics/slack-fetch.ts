import type { StackmedicMetrics, SlackResult } from './metrics.js';

/** Fetch as Slack's Web API client takes it. */
export type FetchLike = (url: string | URL, init?: RequestInit) => Promise<Response>;

/** How long a failed request is remembered to recognise its retry. */
const RETRY_WINDOW_MS = 10 * 60_000;
const REMEMBERED = 500;

/** The Web API method of a request URL (`chat.postMessage`), `upload` for file uploads, else `other`. */
export function slackMethodOf(url: string): string {
  let path: string;
  try {
    path = new URL(url).pathname;
  } catch {
    return 'other';
  }
  const method = /\/api\/([A-Za-z]+(?:\.[A-Za-z]+)+)$/.exec(path)?.[1];
  if (method) return method;
  return /\/upload\//.test(path) ? 'upload' : 'other';
}

function keyOf(url: string, body: RequestInit['body']): string {
  return `${url}\n${typeof body === 'string' ? body : body instanceof URLSearchParams ? body.toString() : ''}`;
}

/**
 * Wraps the fetch Slack's Web API client uses, to count its requests by method and result and to
 * count retries: a request identical to one that failed within the last minutes (the client
 * retrying after a network error or an HTTP error, or the poster after a rate limit). The answer
 * is read from a clone, so the client reads its own untouched.
 */
export function meteredSlackFetch(metrics: StackmedicMetrics, base: FetchLike = (url, init) => globalThis.fetch(url, init)): FetchLike {
  const failed = new Map<string, number>();
  const remember = (key: string): void => {
    failed.delete(key);
    failed.set(key, Date.now());
    while (failed.size > REMEMBERED) failed.delete(failed.keys().next().value as string);
  };
  return async (url, init) => {
    const href = String(url);
    const method = slackMethodOf(href);
    const key = keyOf(href, init?.body);
    const previous = failed.get(key);
    if (previous !== undefined && Date.now() - previous < RETRY_WINDOW_MS) metrics.slackRetries.inc({ method });
    const count = (result: SlackResult): void => {
      metrics.slackRequests.inc({ method, result });
      if (result === 'ok') failed.delete(key);
      else remember(key);
    };
    let res: Response;
    try {
      res = await base(url, init);
    } catch (error) {
      count('network-error');
      throw error;
    }
    if (res.status === 429) count('rate-limited');
    else if (res.status !== 200) count('http-error');
    else if (method === 'upload' || method === 'other') count('ok');
    else {
      const body = (await res
        .clone()
        .json()
        .catch(() => null)) as { ok?: unknown } | null;
      count(body?.ok === false ? 'api-error' : 'ok');
    }
    return res;
  };
}
