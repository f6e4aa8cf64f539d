/**
 * The one redaction step every outgoing text passes through (Slack posts, the console, files).
 * Cluster output is full of credentials: oslo config files, transport URLs in logs, openrc
 * exports, tokens in debug lines. Redaction is applied at the edge so that no command author has to
 * remember it, and it is idempotent so applying it twice is harmless.
 */

/** What replaces a secret. */
export const REDACTED = '****';

const PRIVATE_KEY_BLOCK = /-----BEGIN ([A-Z0-9 ]*)PRIVATE KEY( BLOCK)?-----[\s\S]*?(?:-----END \1PRIVATE KEY\2-----|$)/g;

/** `scheme://` followed by the rest of a URL-ish word (commas kept: multi-host transport URLs). */
const URL_WORD = /\b([a-z][a-z0-9+.-]*:\/\/)([^\s'"<>`]+)/gi;
/** `user:password@` at the start of the authority or after a comma (rabbit://u:p@h1,u:p@h2/). */
const URL_CREDENTIALS = /(^|,)([^:@,/\s]*):([^@\s,/]+)@/g;

/** Key words whose value is a secret, in config files, env exports and YAML. */
const SECRET_KEY = String.raw`[\w.-]*(?:password|passwd|secret|credential|private_key|auth_token|api_key|token)[\w.-]*`;
/** An ini/YAML/env line `key = value` (the value runs to the end of the line). */
const SECRET_LINE = new RegExp(String.raw`^(\s*(?:export\s+)?(?:[-#;]\s*)?${SECRET_KEY}\s*[=:]\s*)(\S.*?)(\`\`\`)?$`, 'gim');
/** `KEY=value` inside a longer line (`OS_PASSWORD=x openstack ...`). */
const SECRET_ASSIGNMENT = new RegExp(String.raw`(\b${SECRET_KEY}=)("[^"]*"|'[^']*'|[^\s&;,\`]+)`, 'gi');
/** `--password x`, `--os-password=x`. */
const SECRET_OPTION = /(--(?:os-)?(?:password|token|secret)(?:=|\s+))("[^"]*"|'[^']*'|\S+)/gi;

const SLACK_TOKEN = /\b(xox[abposre]|xapp)-[A-Za-z0-9-]+/g;
const AUTH_HEADER = /\b(X-(?:Auth|Subject|Service)-Token|Authorization)(\s*[:=]\s*)(?:(Bearer|Basic|Token)\s+)?("?)[^\s"',}]+\4/gi;
const BEARER = /\b(Bearer)\s+[A-Za-z0-9._~+/=-]{8,}/g;
/** Keystone Fernet tokens: long base64url strings starting with `gAAAAA`. */
const FERNET = /\bgAAAAA[A-Za-z0-9_-]{40,}={0,2}/g;

/** Replaces the secrets in `text` by `****`, keeping enough around them to be readable. */
export function redact(text: string): string {
  if (text === '') return text;
  return text
    .replace(
      PRIVATE_KEY_BLOCK,
      (_m, kind: string, block: string | undefined) =>
        `-----BEGIN ${kind}PRIVATE KEY${block ?? ''}----- ${REDACTED} -----END ${kind}PRIVATE KEY${block ?? ''}-----`,
    )
    .replace(
      URL_WORD,
      (_m, scheme: string, rest: string) => scheme + rest.replace(URL_CREDENTIALS, (_c, lead: string, user: string) => `${lead}${user}:${REDACTED}@`),
    )
    .replace(SLACK_TOKEN, (_m, prefix: string) => `${prefix}-${REDACTED}`)
    .replace(AUTH_HEADER, (m, name: string, sep: string, scheme: string | undefined) =>
      m.endsWith(REDACTED) ? m : `${name}${sep}${scheme ? `${scheme} ` : ''}${REDACTED}`,
    )
    .replace(BEARER, `$1 ${REDACTED}`)
    .replace(FERNET, REDACTED)
    .replace(SECRET_OPTION, `$1${REDACTED}`)
    .replace(SECRET_LINE, (m, head: string, value: string, fence: string | undefined) => (isPlaceholder(value) ? m : `${head}${REDACTED}${fence ?? ''}`))
    .replace(SECRET_ASSIGNMENT, (m, head: string, value: string) => (isPlaceholder(value) ? m : `${head}${REDACTED}`));
}

/** Values that are not secrets themselves: already redacted, empty-ish, or a reference. */
function isPlaceholder(value: string): boolean {
  const v = value.trim().replace(/^["']|["']$/g, '');
  return v === '' || v === REDACTED || v.startsWith(`${REDACTED} `) || /^<[^>]*>$/.test(v) || /^\$\{?[A-Za-z_]\w*\}?$/.test(v);
}

/** Applies `redact` to every string inside a JSON-like value (Block Kit payloads, reply data). */
export function redactDeep<T>(value: T): T {
  if (typeof value === 'string') return redact(value) as T;
  if (Array.isArray(value)) return value.map((v: unknown) => redactDeep(v)) as T;
  if (value !== null && typeof value === 'object' && !(value instanceof Date) && !Buffer.isBuffer(value)) {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = redactDeep(v);
    return out as T;
  }
  return value;
}
