import { execFileSync } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { UserError } from '../../../src/errors.js';
import { LogMatcher } from '../../../src/signatures/matcher.js';
import { JOURNAL_READ_BYTES, logFetchCommand, matchFetchedLogs, parseLogFetchOutput, traceCommand } from '../../../src/signatures/fetch-command.js';
import { serviceOfLog } from '../../../src/signatures/service.js';
import { isLogSignature, type LogSignature } from '../../../src/signatures/schema.js';
import { renderRemoteCommand } from '../../../src/ssh/shell.js';
import { builtinCatalog, logFixture } from './support.js';

const scratch = mkdtempSync(join(tmpdir(), 'stackmedic-fetch-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

describe('log fetch command', () => {
  it("greps a controller's logs for the prefilter literals, quoted, with globs left to the shell", async () => {
    const { signatures } = await builtinCatalog();
    const command = logFetchCommand(signatures, ['controller'], { maxBytes: 65536 });
    const text = command?.script.toString() ?? '';
    expect(command?.privileged).toBe(true);
    // The group's patterns once, as the positional parameters every grep of the group reads.
    expect(text).toMatch(/^\{ echo @@stackmedic-fetch; set -- -e /);
    // Oldest first (rotations, .1, live), so that the cap at the end keeps the newest lines.
    expect(text.indexOf('/var/log/rabbitmq/*.log.*.gz')).toBeLessThan(
      text.indexOf(' /var/log/rabbitmq/*.log-2??????? /var/log/rabbitmq/*.log.1 /var/log/rabbitmq/*.log '),
    );
    expect(text).toContain("-e 'thinks it'\\''s clustered'");
    expect(text).toContain('grep -H -Z -n -F -B 6 -A 2 --label="$f" "$@"; done');
    expect(text).toContain('grep -H -Z -n -F -B 6 -A 2 "$@" -- /var/log/cinder/*.log-2??????? ');
    expect(text).toContain(' /var/log/rabbitmq/*.log.1 /var/log/rabbitmq/*.log ');
    expect(text).toContain(' /var/log/rabbitmq/*.log.*.gz /var/log/rabbitmq/*.log-2???????.gz ');
    expect(text).toContain(' /var/log/rabbitmq/*.log-2??????? /var/log/rabbitmq/*.log.1 /var/log/rabbitmq/*.log ');
    expect(text).toContain('[ -f "$f" ] && gzip -dc -- "$f" 2>/dev/null | grep -H -Z -n -F -B 6 -A 2 --label="$f" "$@"; done');
    // Each literal once in the whole command, however many sources its group reads.
    expect(text.split("-e 'thinks it'\\''s clustered'").length - 1).toBe(1);
    expect(text).toMatch(/; \} \| tail -c 65536$/);
    expect(renderRemoteCommand(command!, { become: true })).toMatch(/^sudo -n -- sh -c '/);
  });

  it("looks only where a compute node's signatures look", async () => {
    const { signatures } = await builtinCatalog();
    const text = logFetchCommand(signatures, ['compute'])?.script.toString() ?? '';
    expect(text).toContain('/var/log/nova/*.log');
    expect(text).not.toContain('/var/log/neutron/server.log');
    expect(text).not.toContain('Halting Erlang VM');
    expect(text).not.toContain('thinks it');
    // Storage nodes have Ceph and host signatures now; a role nothing reads gets no command.
    const storage = logFetchCommand(signatures, ['storage'])?.script.toString() ?? '';
    expect(storage).toContain('/var/log/ceph/*.log');
    expect(storage).toContain('/var/log/kern.log');
    expect(storage).not.toContain('/var/log/nova/*.log');
    expect(logFetchCommand(signatures, ['monitoring'])).toBeNull();
  });

  it('refuses a signature whose glob escaped validation', () => {
    const evil = {
      id: 'evil',
      title: 'Evil',
      severity: 'info',
      source: { logs: { roles: ['controller'], paths: ['/var/log/$(reboot).log'], multiline: false } },
      patterns: ['anything at all'],
      ignoreCase: false,
      leadsTo: [],
      remediation: 'none',
      actionItems: [],
      links: [],
    } satisfies LogSignature;
    expect(() => logFetchCommand([evil], ['controller'])).toThrow(/refusing log glob/);
  });
});

describe('journal and kernel ring buffer in the fetch', () => {
  const evil = (logs: Partial<LogSignature['source']['logs']>): LogSignature => ({
    id: 'unit-test',
    title: 'Unit test',
    severity: 'info',
    source: { logs: { roles: ['controller'], paths: ['/var/log/x/*.log'], multiline: false, ...logs } },
    patterns: ['anything at all'],
    ignoreCase: false,
    leadsTo: [],
    remediation: 'none',
    actionItems: [],
    links: [],
  });

  it("reads the catalog's units' journals for the evidence window, capped, quoted and labelled", async () => {
    const { signatures } = await builtinCatalog();
    const text = logFetchCommand(signatures, ['controller'])?.script.toString() ?? '';
    expect(text).toContain('if command -v journalctl >/dev/null 2>&1; then for u in ');
    expect(text).toMatch(/for u in [^;]*rabbitmq-server/);
    expect(text).toContain("'devstack@*'");
    expect(text).toContain(`journalctl --no-pager -q -o short-iso --since=-48h -u "$u" 2>/dev/null | tail -c ${JOURNAL_READ_BYTES} | grep -H -Z -n -F`);
    expect(text).toContain('--label="journal:$u"');
    // The journal comes after the compressed rotations and before the live files, so that the
    // overall cap, which keeps the end, drops the oldest first.
    expect(
      /gzip -dc -- "\$f" 2>\/dev\/null \| grep -H -Z -n -F -B 6 -A 2 --label="\$f" "\$@"; done; if command -v journalctl [^]*for u in rabbitmq-server; do journalctl [^]*; done; fi; grep -H -Z -n -F -B 6 -A 2 "\$@" -- /.test(
        text,
      ),
    ).toBe(true);
    expect(logFetchCommand(signatures, ['controller'], { journalHours: 6 })?.script.toString()).toContain('--since=-6h -u');
    expect(() => logFetchCommand(signatures, ['controller'], { journalHours: 1.5 })).toThrow(RangeError);
  });

  it("writes each group's literals once, so the whole command fits one SSH packet on every role", async () => {
    const { signatures } = await builtinCatalog();
    for (const roles of [['controller'], ['compute'], ['network'], ['storage'], ['controller', 'compute', 'network', 'storage', 'ceph-mon', 'ceph-osd']]) {
      const command = logFetchCommand(signatures, roles);
      if (!command) throw new Error(`no fetch for ${roles.join('+')}`);
      const text = command.script.toString();
      // Every SSH server must take a 35,000-byte packet (RFC 4253 6.1), and ssh2 and dropbear take
      // no more: the command as sent (sudo's quoting included) and the exec request's framing must
      // fit, with room for the catalog to grow.
      expect(Buffer.byteLength(renderRemoteCommand(command, { become: true })), roles.join('+')).toBeLessThan(30_000);
      expect(text.split("-e 'The process should not have died'").length - 1).toBeLessThanOrEqual(1);
    }
  });

  it('reads dmesg only on nodes with no kernel log file, and only for the kernel signatures', async () => {
    const { signatures } = await builtinCatalog();
    const storage = logFetchCommand(signatures, ['storage'])?.script.toString() ?? '';
    expect(storage).toContain('if [ ! -e /var/log/kern.log ] && [ ! -e /var/log/messages ] && command -v dmesg >/dev/null 2>&1; then');
    expect(storage).toContain('{ dmesg --time-format=iso 2>/dev/null || dmesg 2>/dev/null; } | grep -H -Z -n -F --label=dmesg "$@"; fi');
    expect(storage.match(/dmesg --time-format/g)).toHaveLength(1);
    expect(logFetchCommand([evil({})], ['controller'])?.script.toString()).not.toMatch(/dmesg|journalctl/);
  });

  it('refuses a journal unit that escaped validation', () => {
    expect(() => logFetchCommand([evil({ journal: ["x'; reboot; '"] })], ['controller'])).toThrow(/refusing journal unit/);
  });

  it('finds in a unit journal and in dmesg what the files would show (real journalctl and dmesg output, fake binaries)', async () => {
    const { signatures } = await builtinCatalog();
    const bin = join(scratch, 'bin');
    mkdirSync(bin, { recursive: true });
    const journal = join(scratch, 'rabbitmq-journal.txt');
    const ring = join(scratch, 'dmesg.txt');
    const calls = join(scratch, 'journalctl-calls.txt');
    // NixOS's test driver printed the rabbitmq-server unit's journal (nixpkgs#132416); the OOM
    // lines are a real dmesg (hotsos kernel scenario).
    writeFileSync(journal, logFixture('rabbitmq/new_format_3.9_disk_alarm_journald_2021.log'));
    writeFileSync(ring, logFixture('real/kernel/hotsos_oom_killer.log'));
    writeFileSync(join(bin, 'journalctl'), `#!/bin/sh\necho "$*" >> '${calls}'\ncase "$*" in *'-u rabbitmq-server') cat '${journal}';; esac\n`);
    // An old util-linux without --time-format: the plain form is the fallback.
    writeFileSync(join(bin, 'dmesg'), `#!/bin/sh\n[ "$1" = --time-format=iso ] && exit 1\ncat '${ring}'\n`);
    chmodSync(join(bin, 'journalctl'), 0o755);
    chmodSync(join(bin, 'dmesg'), 0o755);
    const command = logFetchCommand(signatures, ['controller'])!;
    const stdout = execFileSync('sh', ['-c', command.script.toString()], {
      encoding: 'utf8',
      env: { ...process.env, PATH: `${bin}:${process.env.PATH ?? ''}` },
    });
    const findings = matchFetchedLogs(parseLogFetchOutput(stdout), 'node-10', new LogMatcher(signatures.filter(isLogSignature)));
    expect(readFileSync(calls, 'utf8')).toContain('--no-pager -q -o short-iso --since=-48h -u rabbitmq-server');
    const alarm = findings.filter((f) => f.file === 'journal:rabbitmq-server' && f.signature === 'rabbit-disk-alarm');
    expect(alarm.length).toBeGreaterThanOrEqual(2);
    expect(alarm.map((f) => f.time)).toContain('2021-08-02T13:45:54.292Z');
    expect(serviceOfLog('journal:rabbitmq-server')).toBe('rabbitmq-server');
    const oom = findings.filter((f) => f.file === 'dmesg' && f.signature === 'host-oom-kill');
    if (existsSync('/var/log/kern.log') || existsSync('/var/log/messages')) expect(oom).toEqual([]);
    else expect(oom.map((f) => f.fields.pid)).toEqual(['955']);
  });
});

describe('trace command', () => {
  it('greps every service log for one request id', () => {
    const text = traceCommand('req-36aaf95c-53ed-4b77-8bc9-9cc0f6d90feb').script.toString();
    expect(text).toContain('set -- -e req-36aaf95c-53ed-4b77-8bc9-9cc0f6d90feb; for f in ');
    expect(text).toContain('grep -H -Z -n -F "$@" -- /var/log/nova/*.log-2??????? /var/log/nova/*.log.1 /var/log/nova/*.log ');
    expect(text).toContain('for f in /var/log/nova/*.log.*.gz /var/log/nova/*.log-2???????.gz /var/log/neutron/*.log.*.gz ');
    expect(text).toContain('/var/log/cinder/*.log.1');
  });

  it.each([
    'req-36aaf95c',
    "req-36aaf95c-53ed-4b77-8bc9-9cc0f6d90fe'; reboot",
    'REQ-36AAF95C-53ED-4B77-8BC9-9CC0F6D90FEB',
    '36aaf95c-53ed-4b77-8bc9-9cc0f6d90feb',
  ])('refuses %j as a user error', (id) => {
    expect(() => traceCommand(id)).toThrow(UserError);
    expect(() => traceCommand(id)).toThrow(/is not a request id: expected req- followed by a 36-character uuid/);
  });
});

describe('parsing grep output', () => {
  it('rebuilds runs per file from matches and context, once each', () => {
    const out =
      [
        'og/a.log\u00003:cut by the cap at its start',
        '/var/log/a.log\u00004-ctx before',
        '/var/log/a.log\u00005:hit: one',
        '--',
        '/var/log/a.log\u00009:hit two',
        '/var/log/a.log\u00005:hit: one',
        '/var/log/nova-api.log.1.2017-05-16_13:53:08\u00003:2017-05-16 00:00:00.008 x',
      ].join('\n') + '\n';
    const parsed = parseLogFetchOutput(out);
    // No start marker: the cap cut the beginning away, and the first (partial) line is dropped.
    expect(parsed.truncated).toBe(true);
    expect(parseLogFetchOutput(`@@stackmedic-fetch\n${out.split('\n').slice(1).join('\n')}`)).toEqual({ runs: parsed.runs, truncated: false });
    expect(parsed.runs).toEqual([
      { file: '/var/log/a.log', firstLine: 4, text: 'ctx before\nhit: one\n' },
      { file: '/var/log/a.log', firstLine: 9, text: 'hit two\n' },
      { file: '/var/log/nova-api.log.1.2017-05-16_13:53:08', firstLine: 3, text: '2017-05-16 00:00:00.008 x\n' },
    ]);
  });

  it('finds on the node what offline analysis finds in the same files (real grep and gzip)', async () => {
    const { signatures } = await builtinCatalog();
    const dir = join(scratch, 'var-log-rabbitmq');
    mkdirSync(dir, { recursive: true });
    const seed = logFixture('seed/rabbit@messaging-node-10.log');
    writeFileSync(join(dir, 'rabbit@node-10.log'), seed);
    writeFileSync(join(dir, 'rabbit@node-10.log.1'), seed);
    writeFileSync(join(dir, 'rabbit@node-10.log.2.gz'), gzipSync(Buffer.from(seed)));
    // logrotate's dateext (RHEL's default), plain and compressed.
    writeFileSync(join(dir, 'rabbit@node-10.log-20170213.gz'), gzipSync(Buffer.from(seed)));
    writeFileSync(join(dir, 'rabbit@node-10.log-20170214'), seed);
    const local = signatures.filter(isLogSignature).map((s) => ({ ...s, source: { logs: { ...s.source.logs, paths: [`${dir}/*.log`] } } }));
    const command = logFetchCommand(local, ['controller'])!;
    const stdout = execFileSync('sh', ['-c', command.script.toString()], { encoding: 'utf8' });
    const remote = matchFetchedLogs(parseLogFetchOutput(stdout), 'node-10', new LogMatcher(local));
    const offline = new LogMatcher(local).scanText(readFileSync(join(dir, 'rabbit@node-10.log'), 'utf8'), {
      node: 'node-10',
      file: join(dir, 'rabbit@node-10.log'),
    });
    const key = (f: { signature: string; line: number; time: string | null; fields: object }): string =>
      JSON.stringify([f.signature, f.line, f.time, f.fields]);
    for (const suffix of ['', '.1', '.2.gz', '-20170213.gz', '-20170214']) {
      const fromFile = remote.filter((f) => f.file === join(dir, `rabbit@node-10.log${suffix}`)).map(key);
      expect(fromFile.sort(), suffix || 'live').toEqual(offline.map(key).sort());
    }
  });
});
