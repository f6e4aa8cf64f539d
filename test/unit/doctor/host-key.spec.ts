import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { keyscanCommand, keyTypeOf, scanHostKey, sha256Fingerprint } from '../../../src/doctor/host-key.js';
import { createServer } from 'node:net';

/** A loopback port nothing listens on (it was free a moment ago). */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return typeof address === 'object' && address ? address.port : 0;
}

describe('doctor: host keys', () => {
  it.each(['ed25519', 'ecdsa', 'rsa'])('computes the %s fingerprint exactly as ssh-keygen -l prints it', (type) => {
    const dir = mkdtempSync(join(tmpdir(), 'stackmedic-fp-'));
    const path = join(dir, 'key');
    execFileSync('ssh-keygen', ['-q', '-t', type, '-N', '', '-f', path]);
    const [keyType, b64] = readFileSync(`${path}.pub`, 'utf8').trim().split(/\s+/);
    const blob = Buffer.from(b64 ?? '', 'base64');
    const expected = execFileSync('ssh-keygen', ['-l', '-E', 'sha256', '-f', `${path}.pub`], { encoding: 'utf8' }).split(/\s+/)[1];
    expect(sha256Fingerprint(blob)).toBe(expected);
    expect(keyTypeOf(blob)).toBe(keyType);
  });

  it('prints the ssh-keyscan line for the key type the node showed', () => {
    expect(keyscanCommand({ address: '192.168.0.6', port: 2222 }, 'ssh-ed25519')).toBe('ssh-keyscan -p 2222 -t ed25519 192.168.0.6');
    expect(keyscanCommand({ address: '10.0.0.1', port: 22 }, 'ecdsa-sha2-nistp256')).toBe('ssh-keyscan -p 22 -t ecdsa 10.0.0.1');
  });

  it('says a closed port is unreachable, with the reason', async () => {
    const port = await closedPort();
    const scan = await scanHostKey({ address: '127.0.0.1', port, user: 'root' }, [], 5000);
    expect(scan).toEqual({ kind: 'unreachable', message: `127.0.0.1:${port}: connection refused (is sshd running?)` });
  });
});
