/**
 * Reads the host key a node presents, without trusting it: the doctor needs the key itself (its
 * type and fingerprint) to say what to add to known_hosts, and the SSH pool never goes that far.
 */
import { createHash } from 'node:crypto';
import { Client, type ConnectConfig } from 'ssh2';
import type { SshTarget } from '../inventory/types.js';
import { NETWORK_ERROR_WORDS } from '../ssh/connect-errors.js';

/** What a node answered to an SSH handshake that stops right after the host key. */
export type HostKeyScan =
  | { readonly kind: 'key'; readonly keyType: string; readonly key: Buffer; readonly durationMs: number }
  | { readonly kind: 'unreachable'; readonly message: string }
  /** The server offers none of the key types asked for (those known_hosts has for it). */
  | { readonly kind: 'no-common-type'; readonly offered: readonly string[]; readonly message: string };

/** Host key algorithms for each known_hosts key type (RSA keys sign with SHA-2 first, as OpenSSH does). */
const ALGORITHMS_OF_TYPE: Readonly<Record<string, readonly string[]>> = {
  'ssh-ed25519': ['ssh-ed25519'],
  'ecdsa-sha2-nistp256': ['ecdsa-sha2-nistp256'],
  'ecdsa-sha2-nistp384': ['ecdsa-sha2-nistp384'],
  'ecdsa-sha2-nistp521': ['ecdsa-sha2-nistp521'],
  'ssh-rsa': ['rsa-sha2-512', 'rsa-sha2-256', 'ssh-rsa'],
};

/** Preferred order when known_hosts has nothing for the host: ed25519 first. */
const ANY_TYPE = ['ssh-ed25519', 'ecdsa-sha2-nistp256', 'ecdsa-sha2-nistp384', 'ecdsa-sha2-nistp521', 'ssh-rsa'];

/** The key type named inside an SSH public key blob (`ssh-ed25519`), or undefined for a malformed blob. */
export function keyTypeOf(blob: Buffer): string | undefined {
  if (blob.length < 4) return undefined;
  const length = blob.readUInt32BE(0);
  if (length === 0 || length > 64 || blob.length < 4 + length) return undefined;
  return blob.subarray(4, 4 + length).toString('latin1');
}

/** The fingerprint OpenSSH prints (`ssh-keygen -l`, the first-connection prompt): `SHA256:` and unpadded base64. */
export function sha256Fingerprint(blob: Buffer): string {
  return `SHA256:${createHash('sha256').update(blob).digest('base64').replace(/=+$/, '')}`;
}

/** The `-t` word of ssh-keyscan for a key type: `ed25519`, `ecdsa`, `rsa`. */
export function keyscanType(keyType: string): string {
  if (keyType === 'ssh-ed25519') return 'ed25519';
  if (keyType.startsWith('ecdsa-')) return 'ecdsa';
  if (keyType === 'ssh-rsa') return 'rsa';
  return keyType;
}

/** The command that prints the host's key line for known_hosts, to be compared out of band before it is added. */
export function keyscanCommand(target: Pick<SshTarget, 'address' | 'port'>, keyType: string): string {
  return `ssh-keyscan -p ${target.port} -t ${keyscanType(keyType)} ${target.address}`;
}

/**
 * Connects to `target` and ends the handshake as soon as the server has shown its host key (the
 * verifier always refuses it, so no authentication is ever attempted). `keyTypes` are the types
 * to ask for, in order: those known_hosts has for the host, or any (ed25519 first) when none.
 */
export function scanHostKey(target: Pick<SshTarget, 'address' | 'port' | 'user'>, keyTypes: readonly string[], timeoutMs: number): Promise<HostKeyScan> {
  const types = keyTypes.length > 0 ? keyTypes : ANY_TYPE;
  const algorithms = [...new Set(types.flatMap((t) => ALGORITHMS_OF_TYPE[t] ?? [t]))];
  const started = performance.now();
  return new Promise((resolve) => {
    const client = new Client();
    let key: Buffer | undefined;
    let settled = false;
    const finish = (scan: HostKeyScan): void => {
      if (settled) return;
      settled = true;
      client.removeAllListeners('error');
      client.on('error', () => undefined);
      client.end();
      resolve(scan);
    };
    const config: ConnectConfig = {
      host: target.address,
      port: target.port,
      username: target.user,
      readyTimeout: timeoutMs,
      algorithms: { serverHostKey: algorithms as never },
      hostVerifier: (blob: Buffer): boolean => {
        key = Buffer.from(blob);
        // Refusing ends the handshake here: nothing is trusted, nothing is sent but the key exchange.
        queueMicrotask(() =>
          finish({ kind: 'key', keyType: keyTypeOf(key as Buffer) ?? 'unknown', key: key as Buffer, durationMs: Math.round(performance.now() - started) }),
        );
        return false;
      },
    };
    client.on('error', (err: Error & { code?: string; level?: string }) => {
      if (key) return;
      if (/no matching host key format|Handshake failed: no matching/i.test(err.message)) {
        finish({ kind: 'no-common-type', offered: algorithms, message: err.message });
        return;
      }
      finish({ kind: 'unreachable', message: describeConnectError(target, err) });
    });
    client.on('close', () => {
      if (!key) finish({ kind: 'unreachable', message: `${target.address}:${target.port} closed the connection before showing a host key` });
    });
    try {
      client.connect(config);
    } catch (error) {
      finish({ kind: 'unreachable', message: `cannot connect to ${target.address}:${target.port}: ${error instanceof Error ? error.message : String(error)}` });
    }
  });
}

function describeConnectError(target: Pick<SshTarget, 'address' | 'port'>, err: Error & { code?: string; level?: string }): string {
  const where = `${target.address}:${target.port}`;
  const why = err.code ? NETWORK_ERROR_WORDS[err.code] : undefined;
  if (why) return `${where}: ${why}`;
  if (err.level === 'client-timeout' || /Timed out while waiting for handshake/.test(err.message)) return `${where}: no SSH handshake within the timeout`;
  return `${where}: ${err.message}`;
}
