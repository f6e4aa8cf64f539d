import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { KnownHosts, knownHostsName } from '../../../src/ssh/known-hosts.js';

const keyA = Buffer.from('AAAAC3NzaC1lZDI1NTE5AAAAIAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA', 'base64');
const keyB = Buffer.from('AAAAC3NzaC1lZDI1NTE5AAAAIBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBB', 'base64');
const a64 = keyA.toString('base64');
const b64 = keyB.toString('base64');

function hashed(name: string): string {
  const salt = Buffer.from('0123456789abcdef0123');
  return `|1|${salt.toString('base64')}|${createHmac('sha1', salt).update(name).digest('base64')}`;
}

describe('known_hosts verification', () => {
  it('names hosts as OpenSSH does', () => {
    expect(knownHostsName('10.0.0.1', 22)).toBe('10.0.0.1');
    expect(knownHostsName('10.0.0.1', 2222)).toBe('[10.0.0.1]:2222');
  });

  it('trusts a listed key, including in a comma-separated host list and for a port', () => {
    const kh = KnownHosts.parse(`node-10,192.168.0.6 ssh-ed25519 ${a64}\n[127.0.0.1]:2222 ssh-ed25519 ${b64} comment\n`);
    expect(kh.verify('192.168.0.6', 22, keyA).kind).toBe('trusted');
    expect(kh.verify('127.0.0.1', 2222, keyB).kind).toBe('trusted');
  });

  it('reports a changed key when the host is known with another key', () => {
    const kh = KnownHosts.parse(`192.168.0.6 ssh-ed25519 ${a64}\n`);
    expect(kh.verify('192.168.0.6', 22, keyB)).toEqual({ kind: 'changed', host: '192.168.0.6', expectedTypes: ['ssh-ed25519'] });
  });

  it('reports an unknown host and never trusts on first use', () => {
    const kh = KnownHosts.parse(`192.168.0.6 ssh-ed25519 ${a64}\n`);
    expect(kh.verify('192.168.0.7', 22, keyA).kind).toBe('unknown');
    expect(kh.verify('192.168.0.6', 2222, keyA).kind).toBe('unknown');
  });

  it('matches hashed entries', () => {
    const kh = KnownHosts.parse(`${hashed('[10.0.0.5]:2200')} ssh-ed25519 ${a64}\n`);
    expect(kh.verify('10.0.0.5', 2200, keyA).kind).toBe('trusted');
    expect(kh.verify('10.0.0.5', 22, keyA).kind).toBe('unknown');
  });

  it('honours wildcards, negation and @revoked', () => {
    const kh = KnownHosts.parse(`*.lab,!bad.lab ssh-ed25519 ${a64}\n@revoked * ssh-ed25519 ${b64}\n`);
    expect(kh.verify('node.lab', 22, keyA).kind).toBe('trusted');
    expect(kh.verify('bad.lab', 22, keyA).kind).toBe('unknown');
    expect(kh.verify('node.lab', 22, keyB).kind).toBe('revoked');
  });

  it('lists the key types known for a host, to offer them first', () => {
    const kh = KnownHosts.parse(`h ssh-rsa ${a64}\nh ssh-ed25519 ${b64}\n# comment\n`);
    expect(kh.keyTypesFor('h', 22)).toEqual(['ssh-rsa', 'ssh-ed25519']);
  });
});
