/** Key material for the simulator: ed25519 host keys and the operator's client key. */
import ssh2, { type ParsedKey } from 'ssh2';

// ssh2 is CommonJS: Node's ESM loader exposes only some names, so take `utils` off the default export.
const { utils } = ssh2;

/** An OpenSSH key pair. */
export interface OpenSshKeyPair {
  /** `-----BEGIN OPENSSH PRIVATE KEY-----` text. */
  readonly privateKey: string;
  /** `ssh-ed25519 AAAA... comment` line. */
  readonly publicKey: string;
}

/**
 * Generates an ed25519 key pair in OpenSSH formats (what ssh-keygen writes).
 * ssh2 1.17's generator drops a leading zero byte of the public key (about 1 key in 256), which
 * makes the key unreadable by its own parser and by OpenSSH; such keys are simply drawn again.
 */
export function generateEd25519(comment: string): OpenSshKeyPair {
  for (;;) {
    const pair = utils.generateKeyPairSync('ed25519', { comment });
    const parsed = utils.parseKey(pair.private);
    if (!(parsed instanceof Error) && !Array.isArray(parsed) && parsed.getPublicSSH().length === 51) {
      return { privateKey: pair.private, publicKey: pair.public };
    }
  }
}

/** Parses one OpenSSH public or private key, throwing on malformed input. */
export function parseOne(key: string): ParsedKey {
  const parsed = utils.parseKey(key);
  if (parsed instanceof Error) throw parsed;
  const one = Array.isArray(parsed) ? parsed[0] : parsed;
  if (!one) throw new Error('no key found');
  return one;
}

/** `ssh-ed25519 AAAA...` without the comment, as known_hosts stores it. */
export function publicKeyLine(key: ParsedKey): string {
  return `${key.type} ${key.getPublicSSH().toString('base64')}`;
}
