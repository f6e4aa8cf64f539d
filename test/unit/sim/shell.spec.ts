import { describe, expect, it } from 'vitest';
import { parse } from '../../../src/sim/shell/parse.js';
import { tokenize } from '../../../src/sim/shell/tokenize.js';
import { simulate } from './helpers.js';

describe('mini shell', () => {
  const { sh } = simulate('healthy');

  it.each([
    [`echo 'a  b' "c $HOME" d\\ e`, 'a  b c /root d e\n'],
    [`echo "it's" 'say "hi"'`, `it's say "hi"\n`],
    [`echo a; echo b`, 'a\nb\n'],
    [`false && echo no || echo yes`, 'yes\n'],
    [`true && echo yes || echo no`, 'yes\n'],
    [`false; echo $?`, '1\n'],
    [`if test -d /var/log; then echo dir; else echo none; fi`, 'dir\n'],
    [`if [ -S /nope ]; then echo s; elif true; then echo elif; fi`, 'elif\n'],
    [`echo one two | wc -c`, '8\n'],
    [`printf '3\\n10\\n2\\n' | sort -rn | head -n 1`, '10\n'],
    [`sudo -n -- sh -c 'echo inner; exit 3'; echo $?`, 'inner\n3\n'],
    [`echo err 1>&2 2>/dev/null`, ''],
  ])('%s', async (cmd, out) => {
    const r = await sh('node-10', cmd);
    expect(r.stdout).toBe(out);
  });

  it('sends stderr where 2>&1 and >/dev/null say, in order', async () => {
    expect(await sh('node-10', 'cat /nope 2>&1')).toMatchObject({ stdout: 'cat: /nope: No such file or directory\n', stderr: '', code: 1 });
    expect(await sh('node-10', 'cat /nope >/dev/null 2>&1')).toMatchObject({ stdout: '', stderr: '', code: 1 });
    expect(await sh('node-10', 'cat /nope 2>/dev/null')).toMatchObject({ stdout: '', stderr: '', code: 1 });
  });

  it('answers unknown programs like dash: not found, 127', async () => {
    expect(await sh('node-10', 'frobnicate --now')).toEqual({ stdout: '', stderr: 'sh: 1: frobnicate: not found\n', code: 127 });
    expect(await sh('node-18', 'rabbitmqctl status')).toMatchObject({ code: 127 });
  });

  it('reports syntax errors with exit 2', async () => {
    expect(await sh('node-10', "echo 'unterminated")).toMatchObject({ code: 2, stderr: 'sh: 1: Syntax error: Unterminated quoted string\n' });
    expect((await sh('node-10', 'if true; then echo x')).code).toBe(2);
  });

  it('expands unquoted globs against the virtual file system, and not quoted ones', async () => {
    const r = await sh('node-10', 'echo /var/log/cinder/cinder-*.log');
    expect(r.stdout).toBe('/var/log/cinder/cinder-scheduler.log /var/log/cinder/cinder-volume.log\n');
    expect((await sh('node-10', "echo '/var/log/cinder/*.log'")).stdout).toBe('/var/log/cinder/*.log\n');
    expect((await sh('node-10', 'echo /nowhere/*.log')).stdout).toBe('/nowhere/*.log\n');
  });

  it('sources openrc before openstack, and fails without it', async () => {
    expect((await sh('node-10', 'openstack compute service list -f json')).stderr).toContain('Missing value auth-url');
    const r = await sh('node-10', '. /root/openrc && openstack compute service list -f json');
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)[0]).toEqual(expect.objectContaining({ Binary: 'nova-consoleauth', Host: 'node-10', State: 'up' }));
  });

  it('kills a hanging command with timeout and exit 124', async () => {
    const r = await sh('node-10', 'timeout 0.05 sleep 5; echo $?');
    expect(r.stdout).toBe('124\n');
  });

  it('knows what is installed: command -v', async () => {
    expect(await sh('node-10', 'command -v crm_mon')).toMatchObject({ stdout: '/usr/sbin/crm_mon\n', code: 0 });
    expect((await sh('node-18', 'command -v crm_mon')).code).not.toBe(0);
  });

  it('tokenizes redirections and operators', () => {
    const t = tokenize('a 2>/dev/null && b >>f 2>&1 | c');
    expect(t.map((x) => (x.type === 'word' ? 'w' : x.type === 'op' ? x.op : `${x.fd}${x.op}`)).join(' ')).toBe('w 2> w && w 1>> w 2>& | w');
    expect(parse(tokenize('if a; then b; fi; c'))).toHaveLength(2);
  });
});

describe('emulated tools', () => {
  const { sh } = simulate('seed-incident');

  it('greps logs with GNU grep flags and exit codes', async () => {
    const r = await sh('node-10', 'grep -H -n -F -e "No space left" -- /var/log/cinder/cinder-volume.log');
    expect(r.code).toBe(0);
    expect(r.stdout.split('\n')[0]).toMatch(
      /^\/var\/log\/cinder\/cinder-volume\.log:\d+:2017-02-14 10:35:53\.066 6225 ERROR cinder\.volume\.manager IOError: \[Errno 28\] No space left on device$/,
    );
    expect((await sh('node-10', 'grep -c -i "inconsistent_cluster" /var/log/rabbitmq/rabbit@node-10.log')).stdout).toBe('1\n');
    expect((await sh('node-10', 'grep zzzz /var/log/cinder/cinder-volume.log')).code).toBe(1);
    expect(await sh('node-10', 'grep x /nope')).toMatchObject({ code: 2, stderr: 'grep: /nope: No such file or directory\n' });
    expect((await sh('node-10', 'zgrep -c Connected /var/log/cinder/cinder-volume.log.2.gz')).stdout).toBe('1\n');
  });

  it('prints wc, stat, tail and find like coreutils/findutils', async () => {
    const wc = await sh('node-10', 'wc -c /etc/hostname /root/openrc');
    expect(wc.stdout).toBe('  8 /etc/hostname\n610 /root/openrc\n618 total\n');
    expect((await sh('node-10', "stat -c '%s %Y %n' /var/lib/cinder/conversion/tmpG3Ukq5")).stdout).toBe(
      '83690057216 1487069661 /var/lib/cinder/conversion/tmpG3Ukq5\n',
    );
    expect((await sh('node-10', 'tail -n 2 /var/log/rabbitmq/rabbit@node-10.log')).stdout).toBe('Halting Erlang VM\n\n');
    expect((await sh('node-10', 'find /nope -type f')).stderr).toBe('find: \u2018/nope\u2019: No such file or directory\n');
  });

  it('prints a crm_mon XML error with exit 102 where pacemaker is stopped', async () => {
    await sh('node-12', 'service pacemaker stop');
    const r = await sh('node-12', 'crm_mon --output-as=xml');
    expect(r.code).toBe(102);
    expect(r.stdout).toContain('<status code="102" message="Not connected">');
    const t = await sh('node-12', 'crm_mon -1');
    expect(t).toMatchObject({ code: 102, stdout: '' });
    expect(t.stderr).toContain('crm_mon: Connection to cluster failed: Connection refused');
    await sh('node-12', 'service pacemaker start');
  });
});
