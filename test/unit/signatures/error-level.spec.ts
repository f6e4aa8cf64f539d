import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ErrorHeads, isErrorLine } from '../../../src/signatures/error-level.js';
import { LogMatcher } from '../../../src/signatures/matcher.js';
import { UnrecognisedCollector } from '../../../src/signatures/unrecognised.js';
import { fixturePath } from './support.js';

/** Real structured lines (see test/fixtures/structured/SOURCE.md). */
const GO = readFileSync(fixturePath('structured/go-libraries.log'), 'utf8').trimEnd().split('\n');
const SERVICES = readFileSync(fixturePath('structured/services.log'), 'utf8').trimEnd().split('\n');

/**
 * The rules of `ErrorHeads`, written the slow way with regular expressions over one line; the
 * byte-level check must agree with it on every line.
 */
function reference(line: string, file: string): boolean {
  if (line.startsWith('=')) return line.startsWith('=ERROR REPORT====');
  if (line.startsWith('Traceback (most recent call last)')) return true;
  const window = 128;
  const json = line.startsWith('{');
  for (const m of line.matchAll(/(?<= )(?:ERROR|CRITICAL)(?= )|\[error\]|\[ERROR\]|(?<=level)=(?:error|ERROR)/g)) {
    // A spaced level word after another level word is part of the message (oslo's option dump).
    if (m[0].startsWith('[') || m[0].startsWith('=') || !/ (?:DEBUG|INFO|WARNING|TRACE|AUDIT) /.test(line.slice(0, m.index))) {
      if (m.index < window) return true;
    }
  }
  for (const m of line.matchAll(/"(?:level|levelname|severity|log\.level|loglevel|lvl)" *: *("(?:error|ERROR|CRITICAL)")/g)) {
    const value = (m.index as number) + m[0].length - (m[1] as string).length;
    if (json || value < window) return true;
  }
  const kernelFile = file.includes('kern.log') || file.includes('dmesg');
  const mayHoldKernel = kernelFile || file.includes('syslog') || file.includes('messages');
  if (!mayHoldKernel || !/error|Error|ERROR/.test(line)) return false;
  return kernelFile || line.includes('kernel: ');
}

/** A small deterministic generator (mulberry32), so that a failure can be replayed. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Lines built from the pieces the check looks at, at every distance from the line start. */
function randomLines(seed: number, count: number): string[] {
  const next = random(seed);
  const pieces = [
    ' ERROR ',
    'ERROR',
    ' CRITICAL ',
    'CRITICA',
    ' CRITICAL',
    '[error]',
    '[error',
    'level=error',
    'level=ERROR',
    'evel=error',
    '=error',
    '"level":"error"',
    '"levelname": "ERROR"',
    '"severity" : "CRITICAL"',
    '"error":"x"',
    '"msg":"error"',
    '"level":"errors"',
    'rror',
    'errorror',
    'Error -5',
    'I/O error',
    'kernel: ',
    ' INFO ',
    ' DEBUG ',
    ' WARNING',
    '[ERROR]',
    '[ERROR',
    '=ERROR REPORT====',
    'Traceback (most recent call last):',
    '{',
    '"',
    ' ',
    'x',
    '2019-04-11 10:58:40.625 14019',
  ];
  return Array.from({ length: count }, () => {
    let line = next() < 0.2 ? '{' : '';
    const parts = Math.floor(next() * 8);
    for (let i = 0; i < parts; i++) {
      // Padding moves the pieces across the 128-byte window.
      if (next() < 0.3) line += 'p'.repeat(Math.floor(next() * 130));
      line += pieces[Math.floor(next() * pieces.length)] as string;
    }
    return line;
  });
}

describe('ErrorHeads', () => {
  it('counts the error records of zap, zerolog, slog (JSON and logfmt) and apex/log, not their info or warn lines', () => {
    const errors = GO.filter((line) => isErrorLine(line, '/var/log/app/app.log'));
    expect(errors).toEqual(GO.filter((line) => /"level":"error"|level=ERROR|"level":"ERROR"/.test(line)));
    expect(errors).toHaveLength(5);
  });

  it('counts GitLab, python-json-logger, Cloud Error Reporting and CloudNativePG error records, not their info lines', () => {
    expect(SERVICES.map((line) => isErrorLine(line, '/var/log/gitlab/integrations_json.log'))).toEqual([true, false, true, true, false, true]);
  });

  it('takes a JSON level anywhere in a JSON line, but not a JSON-looking value deep in a plain line', () => {
    const late = SERVICES[3] as string;
    expect(late.indexOf('"level":"error"')).toBeGreaterThan(128);
    expect(isErrorLine(late, '/var/log/x.log')).toBe(true);
    const plain = `2019-04-11 10:58:40.625 14019 INFO nova.notifier [-] payload ${'x'.repeat(120)} {"level":"error"}`;
    expect(isErrorLine(plain, '/var/log/nova/nova-api.log')).toBe(false);
    expect(isErrorLine('{"level":"info","error":"timeout","msg":"error"}', '/var/log/x.log')).toBe(false);
  });

  it('takes the first level word of an oslo line as its level, so an option dump with CRITICAL in it is no error', () => {
    // Real lines: hotsos's clean-restart sosreport and a Percona XtraDB Cluster SST log (see SOURCE.md).
    const dhcp = readFileSync(fixturePath('diagnose/clean-restart/compute4/var/log/neutron/neutron-dhcp-agent.log.1'), 'utf8').split('\n');
    const dump = dhcp.find((line) => line.includes('DEBUG oslo_service.service [-] rate_limit_except_level')) as string;
    expect(dump).toContain('= CRITICAL ');
    expect(isErrorLine(dump, '/var/log/neutron/neutron-dhcp-agent.log')).toBe(false);
    const errors = dhcp.filter((line) => / \d+ ERROR /.test(line));
    expect(errors.length).toBeGreaterThan(0);
    for (const line of errors) expect(isErrorLine(line, '/var/log/neutron/neutron-dhcp-agent.log'), line).toBe(true);
    const sst = readFileSync(fixturePath('logs/real/galera/pxc_sst_failed_on_donor_UNATTRIBUTED.log'), 'utf8').split('\n');
    const bracketed = sst.filter((line) => line.includes('[ERROR]'));
    expect(bracketed.length).toBeGreaterThan(0);
    for (const line of bracketed) expect(isErrorLine(line, '/var/log/mysql/error.log'), line).toBe(true);
    expect(isErrorLine('2019-08-25T03:53:37.590506Z 0 [Note] WSREP: [ERROR] state', '/var/log/mysql/error.log')).toBe(true);
    expect(isErrorLine('2019-08-25T03:53:37.590506Z 0 [Note] WSREP: ok', '/var/log/mysql/error.log')).toBe(false);
  });

  it('agrees with the rules written as regular expressions, on random lines and on real ones', () => {
    const files = ['/var/log/app.log', '/var/log/syslog', '/var/log/kern.log'];
    const lines = [...randomLines(5, 4000), ...GO, ...SERVICES];
    for (const file of files) {
      // All lines in one block too: the level words are indexed per block, not per line.
      const block = Buffer.from(lines.join('\n'), 'latin1');
      const heads = new ErrorHeads();
      heads.beginFile(file);
      let start = 0;
      for (const line of lines) {
        const end = start + Buffer.byteLength(line, 'latin1');
        const want = reference(line, file);
        expect(isErrorLine(line, file), `${file}: ${line}`).toBe(want);
        expect(heads.test(block, start, end), `${file} (one block): ${line}`).toBe(want);
        start = end + 1;
      }
    }
  });

  it('groups JSON and logfmt error records like any other, their times read', () => {
    const collector = new UnrecognisedCollector();
    const matcher = new LogMatcher([]);
    matcher.onRecord = collector.record.bind(collector);
    const file = '/var/log/app/app.log';
    collector.beginFile({ node: 'node-1', file });
    matcher.scanText(`${GO.join('\n')}\n`, { node: 'node-1', file });
    collector.endFile();
    const report = collector.report();
    expect(report.classification).toEqual({ errors: 5, classified: 0, rate: 0 });
    expect(report.groups.reduce((n, g) => n + g.count, 0)).toBe(5);
    expect(report.groups.find((g) => g.template.startsWith('time=<*> level=ERROR'))).toMatchObject({
      template: 'time=<*> level=ERROR msg="This is an Error message"',
      count: 1,
      first: '2023-04-01T16:14:25.593Z',
      example: { node: 'node-1', file, line: 8 },
    });
  });
});
