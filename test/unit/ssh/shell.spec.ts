import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { remote, renderRemoteCommand, sh, shellQuote, ShellScript } from '../../../src/ssh/shell.js';

const hostile = ['node-10; rm -rf /', '$(id)', '`id`', "it's", 'a\nb', '"quoted"', '$HOME', '*', '-n', '', ' spaced ', '\\', "'; echo pwned; '", 'ünïcode'];

describe('shell quoting', () => {
  it.each(hostile)('a POSIX shell reads %j back as one literal word', (value) => {
    const out = execFileSync('/bin/sh', ['-c', `printf '%s' ${shellQuote(value)}`]).toString();
    expect(out).toBe(value);
  });

  it('leaves safe words bare so commands stay readable', () => {
    expect(sh`rabbitmqctl -n ${'rabbit@node-10'} cluster_status`.text).toBe('rabbitmqctl -n rabbit@node-10 cluster_status');
  });

  it('quotes every interpolated value and each element of an array', () => {
    expect(sh`rm -f -- ${['/var/lib/cinder/conversion/tmp a', "x'y"]}`.text).toBe(`rm -f -- '/var/lib/cinder/conversion/tmp a' 'x'\\''y'`);
  });

  it('inserts trusted fragments as they are', () => {
    const inner = sh`echo ${'a b'}`;
    expect(sh`${inner} && ${ShellScript.raw('true')}`.text).toBe(`echo 'a b' && true`);
  });

  it('refuses NUL bytes and non-finite numbers', () => {
    expect(() => shellQuote('a\0b')).toThrow(/NUL/);
    expect(() => sh`sleep ${Number.NaN}`).toThrow(/finite/);
  });
});

describe('renderRemoteCommand', () => {
  const cmd = remote(sh`crm resource cleanup ${'p_rabbitmq-server'}`, { privileged: true, openrc: true });

  it('sends root commands as they are, after sourcing openrc', () => {
    expect(renderRemoteCommand(cmd, { become: false, openrcPath: '/root/openrc' })).toBe('. /root/openrc && crm resource cleanup p_rabbitmq-server');
  });

  it('wraps privileged commands in sudo -n for non-root users, quoting the whole script once', () => {
    const text = renderRemoteCommand(cmd, { become: true, openrcPath: '/root/my openrc' });
    expect(text).toBe(`sudo -n -- sh -c '. '\\''/root/my openrc'\\'' && crm resource cleanup p_rabbitmq-server'`);
  });

  it('does not use sudo for unprivileged commands', () => {
    expect(renderRemoteCommand(remote(sh`uptime`), { become: true })).toBe('uptime');
  });
});
