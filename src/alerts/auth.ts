import { createHash, timingSafeEqual } from 'node:crypto';

/** What the webhook accepts: a bearer token, basic auth, or both (Alertmanager's http_config). */
export interface WebhookCredentials {
  readonly token?: string | undefined;
  readonly user?: string | undefined;
  readonly password?: string | undefined;
}

/** How a request's Authorization header fared. */
export type AuthVerdict = 'ok' | 'missing' | 'wrong';

/**
 * Equal in constant time whatever the lengths: both sides are hashed first, so neither the length
 * of the secret nor the position of the first difference shows in the timing.
 */
function same(given: string, expected: string): boolean {
  const a = createHash('sha256').update(given).digest();
  const b = createHash('sha256').update(expected).digest();
  return timingSafeEqual(a, b);
}

/**
 * Checks the Authorization header against the configured credentials: `Bearer <token>` or
 * `Basic <base64 user:password>`. Without credentials configured nothing is accepted: the webhook
 * is never open.
 */
export function checkWebhookAuth(header: string | undefined, credentials: WebhookCredentials): AuthVerdict {
  if (!header || header.trim() === '') return 'missing';
  const match = /^(\S+)\s+(\S+)\s*$/.exec(header);
  if (!match) return 'wrong';
  const scheme = (match[1] as string).toLowerCase();
  const value = match[2] as string;
  if (scheme === 'bearer' && credentials.token) return same(value, credentials.token) ? 'ok' : 'wrong';
  if (scheme === 'basic' && credentials.user && credentials.password) {
    const decoded = Buffer.from(value, 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    if (colon < 0) return 'wrong';
    // Both halves are compared, so a right user with a wrong password takes as long as anything else.
    const userOk = same(decoded.slice(0, colon), credentials.user);
    const passwordOk = same(decoded.slice(colon + 1), credentials.password);
    return userOk && passwordOk ? 'ok' : 'wrong';
  }
  return 'wrong';
}

/** The WWW-Authenticate challenge for a 401: the schemes the webhook is configured for. */
export function authChallenge(credentials: WebhookCredentials): string {
  const schemes = [...(credentials.token ? ['Bearer realm="stackmedic"'] : []), ...(credentials.user ? ['Basic realm="stackmedic"'] : [])];
  return schemes.join(', ') || 'Bearer realm="stackmedic"';
}
