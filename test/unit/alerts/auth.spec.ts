import { describe, expect, it } from 'vitest';
import { authChallenge, checkWebhookAuth } from '../../../src/alerts/auth.js';

const basic = (user: string, password: string): string => `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;

describe('checkWebhookAuth', () => {
  const token = { token: 's3cret-token' };
  const both = { token: 's3cret-token', user: 'am', password: 'pa:ss word' };

  it.each([
    ['the right bearer token', 'Bearer s3cret-token', token, 'ok'],
    ['the scheme in any case', 'bearer s3cret-token', token, 'ok'],
    ['a wrong bearer token', 'Bearer s3cret-tokeN', token, 'wrong'],
    ['a prefix of the token', 'Bearer s3cret', token, 'wrong'],
    ['the token with more after it', 'Bearer s3cret-token2', token, 'wrong'],
    ['no header', undefined, token, 'missing'],
    ['an empty header', '  ', token, 'missing'],
    ['basic auth when only a token is configured', basic('am', 'pa:ss word'), token, 'wrong'],
    ['right basic auth (a colon and a space in the password)', basic('am', 'pa:ss word'), both, 'ok'],
    ['basic auth with a wrong password', basic('am', 'pa:ss'), both, 'wrong'],
    ['basic auth with a wrong user', basic('root', 'pa:ss word'), both, 'wrong'],
    ['basic auth that is not user:password', `Basic ${Buffer.from('nocolon').toString('base64')}`, both, 'wrong'],
    ['another scheme', 'Digest s3cret-token', both, 'wrong'],
    ['a bare token without a scheme', 's3cret-token', token, 'wrong'],
  ] as const)('%s', (_what, header, credentials, verdict) => {
    expect(checkWebhookAuth(header, credentials)).toBe(verdict);
  });

  it('accepts nothing when no credentials are configured', () => {
    expect(checkWebhookAuth('Bearer ', {})).toBe('wrong');
    expect(checkWebhookAuth('Bearer anything', {})).toBe('wrong');
    expect(checkWebhookAuth(basic('', ''), {})).toBe('wrong');
  });

  it('challenges with the schemes configured', () => {
    expect(authChallenge(token)).toBe('Bearer realm="stackmedic"');
    expect(authChallenge(both)).toBe('Bearer realm="stackmedic", Basic realm="stackmedic"');
  });
});
