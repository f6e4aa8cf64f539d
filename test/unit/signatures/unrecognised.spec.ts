import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { diagnoseDirectory, runDiagnose } from '../../../src/signatures/diagnose.js';
import { LogMatcher } from '../../../src/signatures/matcher.js';
import { maskMessage, TemplateMiner, WILDCARD } from '../../../src/signatures/template-miner.js';
import { isErrorHead, UnrecognisedCollector, type UnrecognisedReport } from '../../../src/signatures/unrecognised.js';
import { builtinCatalog, fixturePath } from './support.js';

const UNKNOWN = fixturePath('logs/unrecognised');

/** Real placement 401 lines (see test/fixtures/logs/unrecognised/SOURCE.md): same error, other ids. */
const PLACEMENT_401 = [
  ...readFileSync(fixturePath('logs/unrecognised/compute1/var/log/nova/nova-compute.log'), 'utf8').split('\n'),
  ...readFileSync(fixturePath('logs/unrecognised/compute2/var/log/nova/nova-compute.log'), 'utf8').split('\n'),
].filter((l) => l.includes('Got 401'));

/** Scans text with no signature at all and collects every error record (all unclaimed). */
function collect(text: string, file: string, options: ConstructorParameters<typeof UnrecognisedCollector>[0] = {}, chunkBytes?: number): UnrecognisedReport {
  const collector = new UnrecognisedCollector(options);
  const matcher = new LogMatcher([], chunkBytes === undefined ? {} : { chunkBytes });
  matcher.onRecord = collector.record.bind(collector);
  collector.beginFile({ node: 'node-1', file });
  matcher.scanText(text, { node: 'node-1', file });
  collector.endFile();
  return collector.report();
}

describe('maskMessage', () => {
  it('masks uuids, req ids, addresses with ports, Erlang pids, hex, paths and numbers', () => {
    expect(maskMessage('[req-6c9a2cb8-b840-4345-bb9e-088068c8568f - - - - -] UUID 52517eca-5525-4905-aaa1-fed226b3366f.')).toBe('[<*> - - - - -] UUID <*>.');
    expect(maskMessage('AMQP server on 192.168.0.3:5673 is unreachable: [Errno 32] Broken pipe. Trying again in 5 seconds.')).toBe(
      'AMQP server on <*> is unreachable: [Errno <*>] Broken pipe. Trying again in <*> seconds.',
    );
    expect(maskMessage('Error on AMQP connection <0.1617.0> (192.168.0.3:54820 -> 192.168.0.6:5673')).toBe('Error on AMQP connection <*> (<*> -> <*>');
    expect(maskMessage("Cannot access storage file '/var/lib/nova/instances/b3247fa2/disk' (as uid:64055)")).toBe(
      "Cannot access storage file '<*>' (as uid:<*>)",
    );
    expect(maskMessage('project 2c3d8251c39545cbb6f77f331b7164f8 flags 0x1')).toBe('project <*> flags <*>');
    // Words with digits inside stay words: only whole numbers are variable.
    expect(maskMessage('libvirtError on vxlan-1 python3')).toBe('libvirtError on vxlan-<*> python3');
  });
});

describe('TemplateMiner', () => {
  it('makes one template of repeated errors whose uuids, ids and times differ', () => {
    expect(PLACEMENT_401).toHaveLength(4);
    const miner = new TemplateMiner(() => null);
    const joined = PLACEMENT_401.map((l) => miner.add(l.replace(/^\S+ \S+ \d+ /, '')));
    expect(new Set(joined.map((t) => t?.id)).size).toBe(1);
    expect(miner.templates).toHaveLength(1);
    expect(miner.templates[0]?.count).toBe(4);
    expect(miner.templates[0]?.tokens.join(' ')).toContain('Failed to retrieve resource provider tree from placement API for UUID <*>.');
  });

  it('keeps different errors apart, even of the same length and logger', () => {
    const miner = new TemplateMiner(() => null);
    miner.add('ERROR nova.compute.manager ResourceProviderCreationFailed: Failed to create resource provider compute1');
    miner.add('ERROR nova.compute.manager libvirtError: Node device not found: no node device with matching');
    expect(miner.templates).toHaveLength(2);
  });

  it('turns the differing token into a wildcard when a message joins a template', () => {
    const miner = new TemplateMiner(() => null);
    miner.add('ERROR nova.compute.manager Failed to create resource provider compute1');
    const t = miner.add('ERROR nova.compute.manager Failed to create resource provider compute-b');
    expect(t?.tokens.join(' ')).toBe(`ERROR nova.compute.manager Failed to create resource provider ${WILDCARD}`);
    expect(t?.count).toBe(2);
  });

  it('keeps at most maxTemplates templates: later new messages are refused (counted as other by the caller)', () => {
    const miner = new TemplateMiner(() => null, { maxTemplates: 2 });
    expect(miner.add('alpha failed badly')).not.toBeNull();
    expect(miner.add('beta is down now and then')).not.toBeNull();
    expect(miner.add('gamma never came back')).toBeNull();
    // Messages of an existing template still join it.
    expect(miner.add('alpha failed badly')?.count).toBe(2);
    expect(miner.templates).toHaveLength(2);
  });
});

describe('isErrorHead', () => {
  it('sees the error levels of oslo.log, RabbitMQ, logfmt, Python and the kernel, not INFO or WARNING', () => {
    expect(isErrorHead('2019-04-11 10:58:40.625 14019 ERROR nova.compute.manager [instance: x]', '/var/log/nova/nova-compute.log')).toBe(true);
    expect(isErrorHead('2017-02-14 05:49:58.000 1 CRITICAL nova [-] Unhandled error', '/var/log/nova/nova-api.log')).toBe(true);
    expect(isErrorHead('2019-12-05 10:15:53.456 [error] <0.8.0> Partial partition detected:', '/var/log/rabbitmq/rabbit@a.log')).toBe(true);
    expect(isErrorHead('=ERROR REPORT==== 14-Feb-2017::05:49:58 ===', '/var/log/rabbitmq/rabbit@a.log')).toBe(true);
    expect(isErrorHead('level=error ts=2019-07-08T04:14:50.715Z caller=main.go:723 err="opening storage failed"', '/var/log/prometheus.log')).toBe(true);
    expect(isErrorHead('Jun 11 06:51:39 bronzor kernel: [  725.995102] blk_update_request: I/O error, dev sdk', '/var/log/kern.log')).toBe(true);
    expect(isErrorHead('Traceback (most recent call last):', '/var/log/x.log')).toBe(true);
    // In syslog, only the kernel's lines are read for the word; others need a level.
    expect(isErrorHead('Jun 11 06:51:39 bronzor kernel: [  725.995102] blk_update_request: I/O error, dev sdk', '/var/log/syslog')).toBe(true);
    expect(isErrorHead('Jun 11 06:51:39 bronzor systemd[1]: error reading unit', '/var/log/syslog')).toBe(false);
    expect(isErrorHead('2019-07-04 17:08:26.673 41045 DEBUG neutron.agent.linux.utils [req-f601] Running command', '/var/log/neutron/a.log')).toBe(false);
    expect(isErrorHead('2017-05-16 00:00:04.500 2931 WARNING nova.compute.manager [-] error while syncing', '/var/log/nova/nova-compute.log')).toBe(false);
  });
});

describe('UnrecognisedCollector', () => {
  it('reads an oslo.log traceback (one prefix on every line) as one record with its exception', () => {
    const text = readFileSync(fixturePath('logs/real/nova/hotsos_lp1972028_node_device.log'), 'utf8');
    const ownLines = text
      .split('\n')
      .filter((l) => l.startsWith('2022-02-10 20:16:16.110 4053032 ERROR'))
      .join('\n');
    const report = collect(ownLines, '/var/log/nova/nova-compute.log');
    expect(ownLines.split('\n').length).toBeGreaterThan(10);
    expect(report.classification).toEqual({ errors: 1, classified: 0, rate: 0 });
    expect(report.groups).toHaveLength(1);
    const group = report.groups[0];
    expect(group?.template).toMatch(
      /^ERROR nova\.compute\.manager \[<\*> - - - - -\] Error updating resources for node <snip>\.: .* \| libvirt\.libvirtError: Node device not found/,
    );
    expect(group).toMatchObject({ count: 1, nodes: ['node-1'], first: '2022-02-10T20:16:16.110Z', example: { node: 'node-1', line: 1 } });
  });

  it('reads RabbitMQ error reports by their body, not their dated header', () => {
    const text = readFileSync(fixturePath('diagnose/seed/node-10/var/log/rabbitmq/rabbit@messaging-node-10.log'), 'utf8');
    const report = collect(text, '/var/log/rabbitmq/rabbit@messaging-node-10.log');
    const amqp = report.groups.find((g) => g.template.startsWith('ERROR REPORT Error on AMQP connection <*> (<*> -> <*>'));
    expect(amqp?.count).toBeGreaterThanOrEqual(2);
    expect(report.groups.every((g) => !g.template.includes('Feb'))).toBe(true);
  });

  it('takes level=error lines of structured logs and leaves their info lines', () => {
    // Prometheus failing to open its storage, as published in a GitHub note (code index id 24178122732).
    const text = [
      'level=info ts=2019-07-08T04:14:50.715Z caller=main.go:714 msg="Notifier manager stopped"',
      'level=info ts=2019-07-08T04:14:50.715Z caller=main.go:544 msg="Scrape manager stopped"',
      'level=error ts=2019-07-08T04:14:50.715Z caller=main.go:723 err="opening storage failed: mkdir data/: permission denied"',
    ].join('\n');
    const report = collect(text, '/var/log/prometheus/prometheus.log');
    expect(report.classification.errors).toBe(1);
    expect(report.groups.map((g) => g.template)).toEqual([
      'level=error ts=<*> caller=main.go:<*> err="opening storage failed: mkdir data/: permission denied"',
    ]);
    expect(report.groups[0]?.first).toBe('2019-07-08T04:14:50.715Z');
  });

  it('finds the same records whatever the chunk size of the scan (level hits are indexed per block)', () => {
    const text = readFileSync(fixturePath('logs/unrecognised/compute2/var/log/nova/nova-compute.log'), 'utf8');
    const whole = collect(text, '/var/log/nova/nova-compute.log');
    const chunked = collect(text, '/var/log/nova/nova-compute.log', {}, 97);
    expect(whole.classification.errors).toBe(3);
    expect(chunked).toEqual(whole);
  });

  it('counts error records beyond the template bound as other', () => {
    const text = readFileSync(fixturePath('logs/unrecognised/compute1/var/log/nova/nova-compute.log'), 'utf8');
    const report = collect(text, '/var/log/nova/nova-compute.log', { maxTemplates: 2 });
    expect(report.classification.errors).toBe(5);
    expect(report.groups).toHaveLength(2);
    // 1 (401) and 2 (PortBindingFailed) found the templates; the second 401 joins; 2 are left over.
    expect(report.groups.map((g) => g.count)).toEqual([2, 1]);
    expect(report.other).toBe(2);
  });

  it('hides secrets in templates before mining them', () => {
    const report = collect(
      '2019-07-06 15:16:00.215 15323 ERROR oslo.messaging._drivers.impl_rabbit [-] Connection failed for rabbit://openstack:Welcome123@10.10.10.119:5672//\n',
      '/var/log/nova/nova-compute.log',
    );
    expect(report.groups[0]?.template).not.toContain('Welcome123');
    expect(report.groups[0]?.template).toContain('Connection failed for rabbit://openstack:');
  });
});

describe('diagnose on logs with errors no signature knows', () => {
  it('puts each distinct error in one group with its count, and the claimed traceback in the rate', async () => {
    const diagnosis = await diagnoseDirectory(UNKNOWN, await builtinCatalog());
    const { groups, classification, other } = diagnosis.unrecognised;
    // 10 unknown records + the nova-node-device-race record (its 16 lines are one record).
    expect(classification).toEqual({ errors: 11, classified: 1, rate: 0.0909 });
    expect(other).toBe(0);
    expect(groups).toHaveLength(7);
    expect(groups[0]).toEqual({
      template: expect.stringContaining('Failed to retrieve resource provider tree from placement API for UUID <*>. Got <*>:') as unknown,
      count: 4,
      nodes: ['compute1', 'compute2'],
      first: '2019-04-11T10:36:33.694Z',
      last: '2021-08-18T22:13:52.187Z',
      example: { node: 'compute1', file: '/var/log/nova/nova-compute.log', line: 1 },
    });
    expect(groups.slice(1).map((g) => g.count)).toEqual([1, 1, 1, 1, 1, 1]);
    const find = (text: string): number => groups.filter((g) => g.template.includes(text)).length;
    for (const text of [
      'PortBindingFailed',
      'BuildAbortException',
      'ResourceProviderCreationFailed',
      "'conntrack'",
      "'bridge', 'fdb'",
      'Operation not supported',
    ]) {
      expect(find(text), text).toBe(1);
    }
    expect(find('Node device not found')).toBe(0);
    expect(groups.find((g) => g.template.includes('Operation not supported'))?.example).toEqual({
      node: 'network1',
      file: '/var/log/neutron/neutron-sriov-nic-agent.log',
      line: 2,
    });
  });

  it('ends the text output with the rate and the groups, numbered by count', async () => {
    const { output } = await runDiagnose({ logsDir: UNKNOWN, json: false });
    const tail = output.slice(output.indexOf('11 error records'));
    expect(tail.split('\n')[0]).toBe('11 error records, 9 % recognised; 7 unrecognised groups:');
    expect(tail).toMatch(/^ {2}1\. x4 on compute1, compute2 2019-04-11T10:36:33\.694Z \.\. 2021-08-18T22:13:52\.187Z$/m);
    expect(tail).toContain('e.g. compute1:/var/log/nova/nova-compute.log:1');
    expect(tail).toMatch(/^ {2}7\. x1 /m);
  });
});
