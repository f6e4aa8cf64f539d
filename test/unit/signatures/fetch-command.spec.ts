import { execFileSync } from 'node:child_process';
import { mkdtempSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { UserError } from '../../../src/errors.js';
import { LogMatcher } from '../../../src/signatures/matcher.js';
import { logFetchCommand, matchFetchedLogs, parseLogFetchOutput, traceCommand } from '../../../src/signatures/fetch-command.js';
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
    expect(text).toMatch(/^\{ echo @@stackmedic-fetch; for f in /);
    // Oldest first (rotations, .1, live), so that the cap at the end keeps the newest lines.
    expect(text.indexOf('/var/log/rabbitmq/*.log.*.gz')).toBeLessThan(
      text.indexOf(' /var/log/rabbitmq/*.log-2??????? /var/log/rabbitmq/*.log.1 /var/log/rabbitmq/*.log '),
    );
    expect(text).toContain("-e 'thinks it'\\''s clustered'");
    expect(text).toContain('grep -H -Z -n -F -B 6 -A 2 -e ');
    expect(text).toContain(' /var/log/rabbitmq/*.log.1 /var/log/rabbitmq/*.log ');
    expect(text).toContain(' /var/log/rabbitmq/*.log.*.gz /var/log/rabbitmq/*.log-2???????.gz ');
    expect(text).toContain(' /var/log/rabbitmq/*.log-2??????? /var/log/rabbitmq/*.log.1 /var/log/rabbitmq/*.log ');
    expect(text).toContain('gzip -dc -- "$f" 2>/dev/null | grep -H -Z -n -F -B 6 -A 2 --label="$f" -e ');
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

describe('trace command', () => {
  it('greps every service log for one request id', () => {
    const text = traceCommand('req-36aaf95c-53ed-4b77-8bc9-9cc0f6d90feb').script.toString();
    expect(text).toContain('-e req-36aaf95c-53ed-4b77-8bc9-9cc0f6d90feb -- /var/log/nova/*.log');
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
