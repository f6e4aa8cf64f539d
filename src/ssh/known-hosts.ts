import { createHmac, timingSafeEqual } from 'node:crypto';
import { readFileSync } from 'node:fs';

/** One key line of a known_hosts file. */
interface KnownHostEntry {
  readonly marker: 'revoked' | 'cert-authority' | undefined;
  readonly patterns: readonly HostPattern[] | undefined;
  readonly hashed: { readonly salt: Buffer; readonly hash: Buffer } | undefined;
  readonly keyType: string;
  readonly key: Buffer;
}

/** A host pattern of a known_hosts line, compiled once: a file of 500 hosts is matched per connection. */
interface HostPattern {
  readonly negated: boolean;
  /** Lower-cased literal when the pattern has no wildcard (the common case), else a RegExp. */
  readonly match: string | RegExp;
}

/** The verdict on a server's host key. */
export type HostKeyVerdict =
  | { readonly kind: 'trusted' }
  | { readonly kind: 'unknown'; readonly host: string }
  | { readonly kind: 'changed'; readonly host: string; readonly expectedTypes: readonly string[] }
  | { readonly kind: 'revoked'; readonly host: string };

/** The name OpenSSH looks up for a host: `addr` on port 22, `[addr]:port` otherwise. */
export function knownHostsName(address: string, port: number): string {
  return port === 22 ? address : `[${address}]:${port}`;
}

function parseLine(line: string): KnownHostEntry | undefined {
  const trimmed = line.trim();
  if (trimmed === '' || trimmed.startsWith('#')) return undefined;
  const fields = trimmed.split(/\s+/);
  let marker: KnownHostEntry['marker'];
  if (fields[0] === '@revoked' || fields[0] === '@cert-authority') {
    marker = fields[0] === '@revoked' ? 'revoked' : 'cert-authority';
    fields.shift();
  }
  const [hosts, keyType, keyB64] = fields;
  if (!hosts || !keyType || !keyB64) return undefined;
  const key = Buffer.from(keyB64, 'base64');
  if (hosts.startsWith('|1|')) {
    const [, , salt, hash] = hosts.split('|');
    if (!salt || !hash) return undefined;
    return { marker, patterns: undefined, hashed: { salt: Buffer.from(salt, 'base64'), hash: Buffer.from(hash, 'base64') }, keyType, key };
  }
  return { marker, patterns: hosts.split(',').map(compilePattern), hashed: undefined, keyType, key };
}

function compilePattern(text: string): HostPattern {
  const negated = text.startsWith('!');
  const pattern = negated ? text.slice(1) : text;
  if (!/[*?]/.test(pattern)) return { negated, match: pattern.toLowerCase() };
  return {
    negated,
    match: new RegExp(
      `^${pattern
        .replace(/[.+^${}()|[\]\\]/g, '\\$&')
        .replace(/\*/g, '.*')
        .replace(/\?/g, '.')}$`,
      'i',
    ),
  };
}

function patternMatches(pattern: HostPattern, name: string): boolean {
  return typeof pattern.match === 'string' ? pattern.match === name.toLowerCase() : pattern.match.test(name);
}

function entryMatchesHost(entry: KnownHostEntry, name: string): boolean {
  if (entry.hashed) {
    const digest = createHmac('sha1', entry.hashed.salt).update(name).digest();
    return digest.length === entry.hashed.hash.length && timingSafeEqual(digest, entry.hashed.hash);
  }
  let matched = false;
  for (const p of entry.patterns ?? []) {
    if (!patternMatches(p, name)) continue;
    if (p.negated) return false;
    matched = true;
  }
  return matched;
}

/** A loaded known_hosts file; verification never trusts a key on first use. */
export class KnownHosts {
  private constructor(
    private readonly entries: readonly KnownHostEntry[],
    /** Where it was read from, for messages. */
    readonly source: string,
  ) {}

  /** Reads a known_hosts file (plain and hashed entries, `@revoked` markers). */
  static load(path: string): KnownHosts {
    let text: string;
    try {
      text = readFileSync(path, 'utf8');
    } catch (error) {
      throw new Error(`cannot read known_hosts file ${path}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`);
    }
    return KnownHosts.parse(text, path);
  }

  /** Parses known_hosts text. */
  static parse(text: string, source = 'known_hosts'): KnownHosts {
    const entries: KnownHostEntry[] = [];
    for (const line of text.split(/\r?\n/)) {
      const e = parseLine(line);
      if (e) entries.push(e);
    }
    return new KnownHosts(entries, source);
  }

  /** Key types known for this host, in file order: offered first in key exchange, as OpenSSH does. */
  keyTypesFor(address: string, port: number): string[] {
    const name = knownHostsName(address, port);
    return [...new Set(this.entries.filter((e) => e.marker === undefined && entryMatchesHost(e, name)).map((e) => e.keyType))];
  }

  /** Checks the raw public key blob a server presented. */
  verify(address: string, port: number, key: Buffer): HostKeyVerdict {
    const name = knownHostsName(address, port);
    const forHost = this.entries.filter((e) => entryMatchesHost(e, name));
    const sameKey = (e: KnownHostEntry): boolean => e.key.length === key.length && timingSafeEqual(e.key, key);
    if (forHost.some((e) => e.marker === 'revoked' && sameKey(e))) return { kind: 'revoked', host: name };
    const plain = forHost.filter((e) => e.marker === undefined);
    if (plain.some(sameKey)) return { kind: 'trusted' };
    if (plain.length === 0) return { kind: 'unknown', host: name };
    return { kind: 'changed', host: name, expectedTypes: [...new Set(plain.map((e) => e.keyType))] };
  }
}
