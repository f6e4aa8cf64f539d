import { LogLevel, webApi, type Logger } from '@slack/bolt';
import { ConfigError, UserError } from '../errors.js';

/** Slack answers that no retry will change: the token itself is wrong. */
const DEFINITIVE = new Set(['invalid_auth', 'not_authed', 'account_inactive', 'token_revoked', 'token_expired', 'not_allowed_token_type', 'team_disabled']);

/** Options of `checkSlackToken`. */
export interface TokenCheckOptions {
  readonly token: string;
  readonly apiUrl?: string | undefined;
  /** How long to keep trying while Slack fails (default 20 s). */
  readonly retryForMs?: number;
  /** First wait between tries, doubled each time (default 1 s). */
  readonly firstDelayMs?: number;
  /** Gives up at once (a stop signal during start-up). */
  readonly signal?: AbortSignal;
}

const silent: Logger = {
  debug: () => undefined,
  info: () => undefined,
  warn: () => undefined,
  error: () => undefined,
  setLevel: () => undefined,
  getLevel: () => LogLevel.ERROR,
  setName: () => undefined,
};

/** A short reason for a failed auth.test. */
function reasonOf(error: unknown): { reason: string; definitive: boolean } {
  const e = error as { code?: string; statusCode?: number; statusMessage?: string; data?: { error?: string }; original?: Error; retryAfter?: number };
  if (e.code === webApi.ErrorCode.PlatformError && e.data?.error) return { reason: e.data.error, definitive: DEFINITIVE.has(e.data.error) };
  if (e.code === webApi.ErrorCode.HTTPError) return { reason: `HTTP ${e.statusCode ?? '?'}${e.statusMessage ? ` ${e.statusMessage}` : ''}`, definitive: false };
  if (e.code === webApi.ErrorCode.RateLimitedError) return { reason: `rate limited for ${e.retryAfter ?? '?'} s`, definitive: false };
  if (e.code === webApi.ErrorCode.RequestError) {
    // fetch says only "fetch failed"; the cause says why (ECONNREFUSED, ENOTFOUND, a timeout).
    const cause = (e.original as (Error & { cause?: { code?: string; message?: string } }) | undefined)?.cause;
    return { reason: cause?.code ?? cause?.message ?? e.original?.message ?? 'no answer', definitive: false };
  }
  return { reason: error instanceof Error ? error.message : String(error), definitive: false };
}

function wait(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve) => {
    const t = setTimeout(done, ms);
    function done(): void {
      clearTimeout(t);
      signal?.removeEventListener('abort', done);
      resolve();
    }
    signal?.addEventListener('abort', done, { once: true });
  });
}

/**
 * Checks the bot token with auth.test before serving: Slack errors (5xx, no answer, rate
 * limits) are retried with backoff for a bounded time; a refused token fails at once. Throws a
 * ConfigError (refused token) or UserError (Slack unavailable) with one line saying what to do.
 * Returns false when `signal` aborted the check.
 */
export async function checkSlackToken(o: TokenCheckOptions): Promise<boolean> {
  const client = new webApi.WebClient(o.token, {
    ...(o.apiUrl ? { slackApiUrl: o.apiUrl } : {}),
    retryConfig: { retries: 0 },
    rejectRateLimitedCalls: true,
    timeout: 10_000,
    logger: silent,
  });
  const started = Date.now();
  const retryForMs = o.retryForMs ?? 20_000;
  let delay = o.firstDelayMs ?? 1000;
  for (let tries = 1; ; tries++) {
    if (o.signal?.aborted) return false;
    try {
      await client.auth.test();
      return true;
    } catch (error) {
      const { reason, definitive } = reasonOf(error);
      if (definitive) {
        throw new ConfigError(
          'environment',
          'SLACK_BOT_TOKEN',
          `a bot token Slack accepts (auth.test answered ${reason}); create or reinstall the app (docs/slack.md)`,
        );
      }
      const elapsed = Date.now() - started;
      if (elapsed + delay > retryForMs) {
        const where = o.apiUrl ?? 'https://slack.com/api/';
        throw new UserError(
          `Slack did not answer the start-up check (auth.test at ${where}: ${reason}) in ${tries} tries over ${Math.round(elapsed / 1000)} s; not serving. Check Slack's status and SLACK_API_URL, then start stackmedic again.`,
        );
      }
      await wait(delay, o.signal);
      delay *= 2;
    }
  }
}
