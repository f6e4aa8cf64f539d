/**
 * Which names name a secret. A name is split into words (`memcache_secret_key`,
 * `X-Auth-Token`, `adminPassword`, `keystone_authtoken.password`) and judged by its last word, so
 * that `password_expires_days`, `token_cache_time` or `auth_type` (settings about secrets) are
 * not mistaken for secrets, while `rbd_secret_uuid` or `auth_encryption_key` are.
 */

/** How the value after a name is treated. */
export type KeyKind =
  /** The value is a secret. */
  | 'secret'
  /** A bare `key` (ceph keyring `key = AQ...`, `swift_store_key`): a secret when it looks random. */
  | 'random'
  /** `Authorization`: the scheme word (`Bearer`, `Basic`) is kept, the credentials hidden. */
  | 'authorization'
  /** `wsrep_sst_auth = user:password`: the part after the first colon is hidden. */
  | 'userpass';

/** Last words that make a name secret by themselves. */
const SECRET_LAST = new Set([
  'password',
  'passwords',
  'passwd',
  'passphrase',
  'pass',
  'pwd',
  'secret',
  'secrets',
  'token',
  'tokens',
  'authtoken',
  'credential',
  'credentials',
  'apikey',
  'privatekey',
  'secretkey',
  'accesskey',
  'authkey',
  'psk',
  'kek',
  'cookie',
  'signature',
  'sig',
  'requirepass',
  'masterauth',
]);

/** Suffixes that make a word a secret word (`dbpassword`, `keystone_authtoken`, `erlangcookie`). */
const SECRET_SUFFIXES = ['password', 'passwd', 'passphrase', 'secret', 'token', 'credential', 'credentials', 'apikey', 'cookie'];

/** Last words that hold the secret itself when an earlier word says what it is (`rbd_secret_uuid`). */
const VALUE_LAST = new Set(['key', 'keys', 'uuid', 'hash', 'value', 'data', 'string', 'b64', 'base64', 'hex', 'pem', 'material', 'salt', 'seed']);

/** Words before `key` that make it a secret key (`private_key`, `api_key`, `auth_encryption_key`). */
const KEY_QUALIFIERS = new Set([
  'private',
  'api',
  'secret',
  'encryption',
  'encrypt',
  'signing',
  'sign',
  'fernet',
  'master',
  'shared',
  'auth',
  'session',
  'crypt',
  'crypto',
  'cipher',
  'hmac',
  'access',
  'client',
]);

/** Names that only look secret: the shell's working directories. */
const NOT_SECRET = new Set(['pwd', 'oldpwd']);

const isUpper = (code: number): boolean => code >= 65 && code <= 90;
const isLower = (code: number): boolean => code >= 97 && code <= 122;
const isDigit = (code: number): boolean => code >= 48 && code <= 57;

/** Splits a name into lower-case words: `adminPassword` -> admin, password; `X-Auth-Token` -> x, auth, token. */
export function keyWords(name: string): string[] {
  const words: string[] = [];
  let start = -1;
  const push = (end: number): void => {
    let e = end;
    while (e > start && isDigit(name.charCodeAt(e - 1))) e--;
    if (start >= 0 && e > start) words.push(name.slice(start, e).toLowerCase());
    start = -1;
  };
  for (let i = 0; i < name.length; i++) {
    const c = name.charCodeAt(i);
    if (!isUpper(c) && !isLower(c) && !isDigit(c)) {
      push(i);
      continue;
    }
    // adminPassword, CHAPPassword: a word starts at a capital after a lower-case letter or digit,
    // or at the last capital of a run that a lower-case letter follows.
    if (start >= 0 && isUpper(c)) {
      const prev = name.charCodeAt(i - 1);
      if (isLower(prev) || isDigit(prev) || (isUpper(prev) && isLower(name.charCodeAt(i + 1)))) push(i);
    }
    if (start < 0) start = i;
  }
  push(name.length);
  return words;
}

/** Whether one word names a secret on its own. */
export function isSecretWord(word: string): boolean {
  return SECRET_LAST.has(word) || SECRET_SUFFIXES.some((s) => word.length > s.length && word.endsWith(s));
}

/** How the value after `name` is to be treated, or `null` when the name is not a secret's. */
export function classifyKey(name: string): KeyKind | null {
  const lowered = name.toLowerCase().replace(/^[-.]+/, '');
  if (NOT_SECRET.has(lowered)) return null;
  const words = keyWords(name);
  const last = words[words.length - 1];
  if (last === undefined) return null;
  if (last === 'authorization') return 'authorization';
  if (last === 'auth' && words.length > 1) return 'userpass';
  if (isSecretWord(last)) return 'secret';
  if (!VALUE_LAST.has(last)) return null;
  const earlier = words.slice(0, -1);
  if (earlier.some(isSecretWord)) return 'secret';
  if (last === 'key' || last === 'keys') return earlier.some((w) => KEY_QUALIFIERS.has(w)) ? 'secret' : 'random';
  return null;
}
