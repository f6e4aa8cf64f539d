import { utils } from 'ssh2';
import { describe, expect, it } from 'vitest';
import { generateEd25519, parseOne, publicKeyLine } from '../../../src/sim/server/keys.js';

describe('simulator keys', () => {
  it('never hands out an ed25519 key that ssh2 or OpenSSH cannot read', () => {
    for (let i = 0; i < 600; i++) {
      const pair = generateEd25519(`k${i}`);
      expect(utils.parseKey(pair.privateKey)).not.toBeInstanceOf(Error);
      expect(publicKeyLine(parseOne(pair.publicKey))).toMatch(/^ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAI[A-Za-z0-9+/]{43}$/);
    }
  });
});
