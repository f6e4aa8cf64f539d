import { describe, expect, it } from 'vitest';
import { LogMatcher } from '../../src/signatures/matcher.js';
import { isLogSignature, type Signature } from '../../src/signatures/schema.js';
import { loadCatalog } from '../../src/signatures/index.js';
import { CappedBuffer } from '../../src/ssh/pool.js';
import { tailLines } from '../../src/ssh/exit-codes.js';

/** The places where text is cut or kept before it reaches a door: each redacts first. */

async function amqpSignatures(): Promise<Signature[]> {
  return (await loadCatalog()).signatures.filter((s) => s.id === 'amqp-unreachable');
}

describe('log findings', () => {
  const line =
    '2017-02-14 05:50:01.002 2211 ERROR oslo.messaging._drivers.impl_rabbit [-] AMQP server on 192.168.0.5:5673 is unreachable: auth failed for rabbit_password=Gh7tQ2vLm9Xc. Trying again in 5 seconds.';

  it('hide a secret in the text and in a field captured around it', async () => {
    const matcher = new LogMatcher((await amqpSignatures()).filter(isLogSignature));
    const [finding] = matcher.scanText(`${line}\n`, { node: 'node-11', file: '/var/log/nova/nova-conductor.log' });
    expect(finding?.text).toContain('rabbit_password=****');
    expect(finding?.text).not.toContain('Gh7tQ2vLm9Xc');
    expect(finding?.fields.reason).toBe('auth failed for rabbit_password=****');
    expect(finding?.fields.host).toBe('192.168.0.5');
  });

  it('hide a field that is nothing but the secret, though alone it looks like any word', async () => {
    const signature: Signature = { ...(await amqpSignatures())[0], id: 'pw', patterns: ['password=(?<pw>\\w+)'], literals: ['password='] } as Signature;
    const [finding] = new LogMatcher([signature].filter(isLogSignature)).scanText('2017-02-14 05:50:01 x password=hunter2q\n', {
      node: 'node-11',
      file: '/var/log/nova/nova-api.log',
    });
    expect(finding?.fields.pw).toBe('****');
  });

  it('are cut after redaction, so that a long record cannot end in half a secret', async () => {
    const long = `2017-02-14 05:50:01.002 2211 ERROR x [-] AMQP server on 192.168.0.5:5673 is unreachable: ${'y'.repeat(240)} token AKIAQ4NB7Z2XW5K3M8PD`;
    const [finding] = new LogMatcher((await amqpSignatures()).filter(isLogSignature)).scanText(`${long}\n`, { node: 'n', file: '/var/log/nova/nova-api.log' });
    expect(finding?.text.length).toBeLessThanOrEqual(300);
    expect(finding?.text).not.toMatch(/AKIAQ4/);
  });

  it('stay raw when redaction is off (an operator reading their own logs)', async () => {
    const matcher = new LogMatcher((await amqpSignatures()).filter(isLogSignature), { redact: false });
    const [finding] = matcher.scanText(`${line}\n`, { node: 'node-11', file: '/var/log/nova/nova-conductor.log' });
    expect(finding?.fields.reason).toBe('auth failed for rabbit_password=Gh7tQ2vLm9Xc');
  });
});

describe('capped command output', () => {
  it('hides the fragment at the cap, which may be the first half of a token', () => {
    const buffer = new CappedBuffer(30);
    buffer.push(Buffer.from('status ok\nkey AKIAQ4NB7Z2XW5K3M8PD and more'));
    expect(buffer.truncated).toBe(true);
    expect(buffer.text()).toBe('status ok\nkey ****');
  });

  it('keeps a plain word cut by the cap, and leaves uncut output alone', () => {
    const cut = new CappedBuffer(20);
    cut.push(Buffer.from('neutron agents down everywhere'));
    expect(cut.text()).toBe('neutron agents down ');
    const whole = new CappedBuffer(100);
    whole.push(Buffer.from('AKIAQ4NB7Z2XW5K3M8PD'));
    expect(whole.text()).toBe('AKIAQ4NB7Z2XW5K3M8PD');
  });
});

describe('error output shown to people', () => {
  it('is redacted over all its lines before it is cut to its last lines and 200 characters', () => {
    const out = `-----BEGIN RSA PRIVATE KEY-----\nMIIEowIBAAKCAQEAx7Q2mZ9vL4cW8nR1tY6uJg\nH3kP5sA0bC2dE4fG6hJ8oAoGCCqGSM49AwEHoU\n${'z'.repeat(190)} password=Zx9Qa1Ws2Ed trailing`;
    const tail = tailLines(out, 2);
    expect(tail).not.toMatch(/H3kP5sA0|Zx9Qa1/);
    expect(tail.split('\n')).toHaveLength(2);
    expect(tail.split('\n').every((l) => l.length <= 200)).toBe(true);
  });
});
