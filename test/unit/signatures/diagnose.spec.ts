import { cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { readFileSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { buildCausalChain, CAUSAL_GRACE_MS, readChain, renderCausalChain, serviceOfLog } from '../../../src/signatures/chain.js';
import { writeCorpus } from '../../../src/signatures/corpus.js';
import { unrotatedPath } from '../../../src/signatures/globs.js';
import { diagnoseDirectory, inferRoles, runDiagnose } from '../../../src/signatures/diagnose.js';
import { builtinCatalog, fixturePath } from './support.js';

const SEED = fixturePath('diagnose/seed');
const scratch = mkdtempSync(join(tmpdir(), 'stackmedic-diagnose-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

describe('diagnose on the seed incident laid out per node', () => {
  it('finds the disk-full root cause on node-10 and the chain down to nova-compute', async () => {
    const { output, exitCode } = await runDiagnose({ logsDir: SEED, json: true });
    expect(exitCode).toBe(1);
    const json = JSON.parse(output) as {
      rootCause: unknown;
      chain: string[];
      findings: { signature: string; node: string; file: string; line: number; time: string | null; fields: Record<string, string> }[];
    };
    expect(Object.keys(json)).toEqual(['findings', 'rootCause', 'chain', 'links', 'unrecognised', 'classification']);
    expect(json.rootCause).toEqual({ signature: 'root-disk-full', node: 'node-10' });
    expect(json.chain).toEqual([
      'root-disk-full',
      'rabbit-disk-alarm',
      'rabbit-enospc-shutdown',
      'rabbit-stopped',
      'rabbit-inconsistent-cluster',
      'amqp-unreachable',
      'nova-compute-libvirt-socket',
    ]);
    expect(json.findings[0]).toEqual({
      signature: 'root-disk-full',
      node: 'node-10',
      file: '/var/log/cinder/cinder-volume.log',
      line: 1,
      time: '2017-02-14T10:35:53.066Z',
      fields: {},
      recovered: null,
    });
    expect(json.findings).toContainEqual({
      signature: 'amqp-unreachable',
      node: 'node-11',
      file: '/var/log/neutron/server.log',
      line: 1,
      time: '2017-02-15T06:25:44.000Z',
      fields: { host: '192.168.0.5', port: '5673', reason: '[Errno 32] Broken pipe', retrySeconds: '5' },
      recovered: null,
    });
    for (const finding of json.findings) expect(Object.keys(finding)).toEqual(['signature', 'node', 'file', 'line', 'time', 'fields', 'recovered']);
  });

  it('tells people the verdict first, the chain, the fix and the action items', async () => {
    const { output } = await runDiagnose({ logsDir: SEED, json: false });
    const [verdict, chain, fix] = output.split('\n');
    expect(verdict).toBe('Root cause: Root disk full (ENOSPC) on node-10 (first seen 2017-02-14T05:49:45.000Z)');
    expect(chain).toBe(
      'Chain: Root disk full (ENOSPC) on node-10 -> RabbitMQ disk alarm on node-10 -> RabbitMQ could not write its state (enospc) on node-10' +
        ' -> RabbitMQ stopped on node-10 -> RabbitMQ node disagrees on cluster membership (inconsistent_cluster) on node-10' +
        ' -> AMQP unreachable in 2 services on 3 nodes -> nova-compute cannot connect to libvirt on node-18',
    );
    expect(fix).toBe('Fix: /cluster free-disk node-10');
    expect(output).toContain('  - Move cinder image_conversion_dir off the root partition');
  });

  it("reads rotated and gzipped copies with the live file's signatures", async () => {
    const dir = join(scratch, 'rotated');
    cpSync(SEED, dir, { recursive: true });
    const live = join(dir, 'node-10/var/log/rabbitmq/rabbit@messaging-node-10.log');
    writeFileSync(`${live}.2.gz`, gzipSync(readFileSync(live)));
    writeFileSync(`${live}.1`, readFileSync(live));
    const catalog = await builtinCatalog();
    const diagnosis = await diagnoseDirectory(dir, catalog);
    const files = new Set(diagnosis.findings.filter((f) => f.signature === 'rabbit-enospc-shutdown').map((f) => f.file));
    expect(files).toEqual(
      new Set([
        '/var/log/rabbitmq/rabbit@messaging-node-10.log',
        '/var/log/rabbitmq/rabbit@messaging-node-10.log.1',
        '/var/log/rabbitmq/rabbit@messaging-node-10.log.2.gz',
      ]),
    );
  });

  it('applies signatures by role: a compute node is not searched for RabbitMQ failures', async () => {
    const dir = join(scratch, 'roles');
    cpSync(SEED, dir, { recursive: true });
    const catalog = await builtinCatalog();
    const asCompute = await diagnoseDirectory(dir, catalog, { roles: { 'node-10': ['compute'] } });
    expect(asCompute.findings.filter((f) => f.node === 'node-10' && f.signature.startsWith('rabbit-'))).toEqual([]);
    expect(inferRoles(['/var/log/nova/nova-compute.log'])).toEqual(['compute']);
    expect(inferRoles(['/var/log/rabbitmq/rabbit@x.log', '/var/log/nova/nova-compute.log'])).toEqual(['controller', 'compute']);
    expect(inferRoles(['/var/log/syslog'])).toBeNull();
  });

  it('reports exactly the sprinkled findings of a generated corpus', async () => {
    const dir = join(scratch, 'corpus');
    const layout = writeCorpus(dir, 3 << 20, { seed: 11, signatureEvery: 200, computes: 2 });
    const diagnosis = await diagnoseDirectory(dir, await builtinCatalog());
    const counts: Record<string, number> = {};
    for (const f of diagnosis.findings) counts[f.signature] = (counts[f.signature] ?? 0) + 1;
    expect(counts).toEqual(layout.expected);
    expect(diagnosis.stats.bytes).toBe(layout.bytes);
  });

  it('refuses an invalid operator catalog with exit code 2', async () => {
    const { output, exitCode } = await runDiagnose({ logsDir: SEED, json: true, signaturesDir: fixturePath('signatures') });
    expect(exitCode).toBe(2);
    expect(output).toMatch(/^invalid signature catalog: .*empty\.yaml: \(file\): /);
  });

  it('says so when the logs directory is missing, with exit code 2', async () => {
    const { output, exitCode } = await runDiagnose({ logsDir: join(scratch, 'nope'), json: false });
    expect(exitCode).toBe(2);
    expect(output).toMatch(/^cannot read the logs directory/);
  });
});

describe('causal chain', () => {
  it('picks the cause that explains most, even when its log clock is later', async () => {
    const { signatures } = await builtinCatalog();
    const chain = buildCausalChain(
      [
        { signature: 'amqp-unreachable', node: 'node-11', file: '/var/log/neutron/server.log', time: '2017-02-14T06:00:00.000Z' },
        { signature: 'rabbit-stopped', node: 'node-10', time: '2017-02-14T05:50:00.000Z' },
        { signature: 'rabbit-disk-alarm', node: 'node-10', time: '2017-02-14T05:49:45.000Z' },
        { signature: 'amqp-reconnected', node: 'node-11', time: '2017-02-14T07:00:00.000Z' },
      ],
      signatures,
    );
    expect(chain?.root).toEqual({ signature: 'rabbit-disk-alarm', node: 'node-10', time: '2017-02-14T05:49:45.000Z' });
    expect(chain?.links.map((l) => l.signature)).toEqual(['rabbit-stopped', 'amqp-unreachable']);
    expect(renderCausalChain(chain!, signatures)).toBe('RabbitMQ disk alarm on node-10 -> RabbitMQ stopped on node-10 -> AMQP unreachable on node-11');
  });

  it('does not make a consequence seen before its cause a root', async () => {
    const { signatures } = await builtinCatalog();
    const chain = buildCausalChain(
      [
        { signature: 'amqp-unreachable', node: 'node-11', time: '2017-02-14T05:00:00.000Z' },
        { signature: 'rabbit-partition', node: 'node-10', time: '2017-02-14T04:00:00.000Z' },
      ],
      signatures,
    );
    expect(chain?.root.signature).toBe('rabbit-partition');
  });

  it('has no chain without findings, and names services from log paths', async () => {
    expect(buildCausalChain([], (await builtinCatalog()).signatures)).toBeNull();
    expect(serviceOfLog('/var/log/neutron/server.log')).toBe('neutron-server');
    expect(serviceOfLog('/var/log/cinder/cinder-scheduler.log.2.gz')).toBe('cinder-scheduler');
    for (const rotated of ['/var/log/messages-20240101', '/var/log/messages-20240101.gz', '/var/log/messages.1', '/var/log/messages.3.gz']) {
      expect(unrotatedPath(rotated), rotated).toBe('/var/log/messages');
    }
    expect(unrotatedPath('/var/log/rabbitmq/startup_log.1')).toBe('/var/log/rabbitmq/startup_log');
    expect(unrotatedPath('/var/log/ceph/ceph-osd.40.log')).toBe('/var/log/ceph/ceph-osd.40.log');
  });
});

const RESTART = fixturePath('diagnose/clean-restart');
const BROKER_LOG = '/var/log/rabbitmq/rabbit@juju-04f1e3-1-lxd-5.log';
/** The dhcp agent's real MessagingTimeout line (10:06:18.917), at another time. */
function timeoutAt(time: string): string {
  const line = readFileSync(join(RESTART, 'compute4/var/log/neutron/neutron-dhcp-agent.log.1'), 'utf8')
    .split('\n')
    .find((l) => l.includes('Failed reporting state!: oslo_messaging.exceptions.MessagingTimeout')) as string;
  return `${line.replace('2022-02-04 10:06:18.917', `2022-02-04 ${time}`)}\n`;
}

interface TimedJson {
  findings: {
    signature: string;
    node: string;
    line: number;
    recovered: { time: string | null; file: string | null; line: number | null; cause?: string } | null;
  }[];
  rootCause: { signature: string; node: string } | null;
  chain: string[];
  links: {
    cause: string;
    effect: string;
    causeSince: { file: string | null; line: number | null; time: string | null };
    effectSince: { time: string | null };
    causeUntil: unknown;
    graceSeconds: number;
  }[];
}

describe('time-correct reading (real logs of a clean broker restart)', () => {
  it('reports the stopped broker as recovered at "Server startup complete" and never blames it for later timeouts', async () => {
    const { output, exitCode } = await runDiagnose({ logsDir: RESTART, json: true });
    const json = JSON.parse(output) as TimedJson;
    const stopped = json.findings.filter((f) => f.signature === 'rabbit-stopped');
    expect(stopped.length).toBeGreaterThan(0);
    for (const f of stopped)
      expect(f.recovered).toEqual({ signature: 'rabbit-started', node: 'juju-04f1e3-1-lxd-5', file: BROKER_LOG, line: 364, time: '2022-02-04T09:58:14.430Z' });
    expect(json.rootCause?.signature).not.toMatch(/^rabbit-/);
    expect(json.rootCause).toEqual({ signature: 'messaging-timeout', node: 'compute4' });
    expect(json.chain.filter((id) => id.startsWith('rabbit-'))).toEqual([]);
    expect(json.findings.filter((f) => f.signature === 'messaging-timeout').every((f) => f.recovered === null)).toBe(true);
    expect(exitCode).toBe(1);
  });

  it('tells people what recovered apart from the problems, and offers no broker heal', async () => {
    const { output } = await runDiagnose({ logsDir: RESTART, json: false });
    expect(output.split('\n')[0]).toBe('Root cause: RPC calls time out (MessagingTimeout) on compute4 (first seen 2022-02-04T10:06:18.887Z)');
    expect(output).not.toContain('/rabbit heal');
    const [problems, recovered] = output.split('\nRecovered (');
    expect(problems).not.toContain('rabbit-stopped');
    expect(recovered).toContain('[recovered] rabbit-stopped on juju-04f1e3-1-lxd-5');
    expect(recovered).toContain(
      `recovered 2022-02-04T09:58:14.430Z: ${BROKER_LOG}:364: 2022-02-04 09:58:14.430 [info] <0.8.0> Server startup complete; 3 plugins started.`,
    );
  });

  it('links timeouts to the broker while it was down, and ends them with it when it came back', async () => {
    const dir = join(scratch, 'timeouts-during');
    cpSync(join(RESTART, 'juju-04f1e3-1-lxd-5'), join(dir, 'juju-04f1e3-1-lxd-5'), { recursive: true });
    mkdirSync(join(dir, 'compute4/var/log/neutron'), { recursive: true });
    writeFileSync(join(dir, 'compute4/var/log/neutron/neutron-dhcp-agent.log'), timeoutAt('09:56:40.001') + timeoutAt('09:59:30.500'));
    const { output, exitCode } = await runDiagnose({ logsDir: dir, json: true });
    const json = JSON.parse(output) as TimedJson;
    expect(json.rootCause).toBeNull();
    const timeouts = json.findings.filter((f) => f.signature === 'messaging-timeout');
    expect(timeouts).toHaveLength(2);
    for (const f of timeouts) expect(f.recovered).toMatchObject({ cause: 'rabbit-stopped', line: 364, time: '2022-02-04T09:58:14.430Z' });
    expect(exitCode).toBe(0);
    expect((await runDiagnose({ logsDir: dir, json: false })).output).toMatch(/^No current problem/);
  });

  it('blames the broker while it is still down, with the evidence that puts the link in time', async () => {
    const dir = join(scratch, 'still-down');
    mkdirSync(join(dir, 'juju-04f1e3-1-lxd-5/var/log/rabbitmq'), { recursive: true });
    const broker = readFileSync(join(RESTART, `juju-04f1e3-1-lxd-5${BROKER_LOG}`), 'utf8')
      .split('\n')
      .slice(0, 262)
      .join('\n');
    writeFileSync(join(dir, `juju-04f1e3-1-lxd-5${BROKER_LOG}`), `${broker}\n`);
    mkdirSync(join(dir, 'compute4/var/log/neutron'), { recursive: true });
    writeFileSync(join(dir, 'compute4/var/log/neutron/neutron-dhcp-agent.log'), timeoutAt('10:06:18.917'));
    const json = JSON.parse((await runDiagnose({ logsDir: dir, json: true })).output) as TimedJson;
    expect(json.rootCause).toEqual({ signature: 'rabbit-stopped', node: 'juju-04f1e3-1-lxd-5' });
    expect(json.links).toEqual([
      {
        cause: 'rabbit-stopped',
        effect: 'messaging-timeout',
        depth: 1,
        recovered: false,
        causeSince: { signature: 'rabbit-stopped', node: 'juju-04f1e3-1-lxd-5', file: BROKER_LOG, line: 229, time: '2022-02-04T09:55:33.249Z' },
        causeSinceKnown: true,
        causeUntil: null,
        effectSince: {
          signature: 'messaging-timeout',
          node: 'compute4',
          file: '/var/log/neutron/neutron-dhcp-agent.log',
          line: 1,
          time: '2022-02-04T10:06:18.917Z',
        },
        graceSeconds: 120,
      },
    ]);
  });

  it('says for each link of the seed chain which cause was in force when the effect began', async () => {
    const json = JSON.parse((await runDiagnose({ logsDir: SEED, json: true })).output) as TimedJson;
    expect(json.links.map((l) => `${l.cause} -> ${l.effect}`)).toEqual([
      'root-disk-full -> rabbit-disk-alarm',
      'rabbit-disk-alarm -> rabbit-enospc-shutdown',
      'rabbit-enospc-shutdown -> rabbit-stopped',
      'rabbit-stopped -> rabbit-inconsistent-cluster',
      'rabbit-inconsistent-cluster -> amqp-unreachable',
      'amqp-unreachable -> nova-compute-libvirt-socket',
    ]);
    const amqp = json.links.find((l) => l.effect === 'amqp-unreachable');
    expect(amqp?.causeSince).toMatchObject({ file: '/var/log/rabbitmq/rabbit@messaging-node-10.log', time: '2017-02-14T08:04:28.000Z' });
    expect(amqp?.effectSince.time).toBe('2017-02-14T10:35:53.323Z');
    // cinder-scheduler on node-18 reconnected five seconds later; neutron-server there did not.
    const node18 = json.findings.filter((f) => f.signature === 'amqp-unreachable' && f.node === 'node-18');
    expect(node18.map((f) => f.recovered?.time ?? null).sort()).toEqual(['2017-02-14T10:35:58.344Z', null]);
  });
});

describe('causal links hold only in time', () => {
  const at = (signature: string, node: string, file: string, line: number, time: string) => ({ signature, node, file, line, time });
  it('keeps a link within the grace after the cause ended and drops it beyond', async () => {
    const { signatures } = await builtinCatalog();
    const broker = [
      at('rabbit-stopped', 'ctl-1', BROKER_LOG, 10, '2022-02-04T09:55:33.000Z'),
      at('rabbit-started', 'ctl-1', BROKER_LOG, 20, '2022-02-04T09:58:14.000Z'),
    ];
    const within = readChain([...broker, at('messaging-timeout', 'cmp-1', '/var/log/nova/nova-compute.log', 1, '2022-02-04T10:00:00.000Z')], signatures);
    expect(within.chain).toBeNull();
    expect(within.recovered.get(2)?.cause).toEqual({ signature: 'rabbit-stopped', node: 'ctl-1' });
    const beyond = readChain([...broker, at('messaging-timeout', 'cmp-1', '/var/log/nova/nova-compute.log', 1, '2022-02-04T10:00:30.000Z')], signatures);
    expect(beyond.chain?.root.signature).toBe('messaging-timeout');
    expect(beyond.recovered.has(2)).toBe(false);
    expect(CAUSAL_GRACE_MS).toBe(120_000);
  });

  it('reads a state stopped again after a restart as current, and a recovery it cannot order as no recovery', async () => {
    const { signatures } = await builtinCatalog();
    const again = readChain(
      [
        at('rabbit-stopped', 'ctl-1', BROKER_LOG, 10, '2022-02-04T09:55:33.000Z'),
        at('rabbit-started', 'ctl-1', BROKER_LOG, 20, '2022-02-04T09:58:14.000Z'),
        at('rabbit-stopped', 'ctl-1', BROKER_LOG, 30, '2022-02-04T11:00:00.000Z'),
      ],
      signatures,
    );
    expect(again.chain?.root).toEqual({ signature: 'rabbit-stopped', node: 'ctl-1', time: '2022-02-04T09:55:33.000Z' });
    expect(again.recovered.get(0)?.by.line).toBe(20);
    expect(again.recovered.has(2)).toBe(false);
    // Same second, two files: which came first is unknown, so the broker is not called back.
    const unordered = readChain(
      [
        at('rabbit-stopped', 'ctl-1', BROKER_LOG, 10, '2022-02-04T09:55:33.000Z'),
        at('rabbit-started', 'ctl-1', '/var/log/rabbitmq/startup_log', 3, '2022-02-04T09:55:33.000Z'),
      ],
      signatures,
    );
    expect(unordered.chain?.root.signature).toBe('rabbit-stopped');
  });

  it('clears a service-scoped state only in the service that recovered', async () => {
    const { signatures } = await builtinCatalog();
    const reading = readChain(
      [
        at('amqp-unreachable', 'ctl-1', '/var/log/neutron/server.log', 1, '2022-02-04T09:56:00.000Z'),
        at('amqp-unreachable', 'ctl-1', '/var/log/cinder/cinder-scheduler.log', 1, '2022-02-04T09:56:00.000Z'),
        at('amqp-reconnected', 'ctl-1', '/var/log/cinder/cinder-scheduler.log', 2, '2022-02-04T09:58:30.000Z'),
      ],
      signatures,
    );
    expect(reading.recovered.has(0)).toBe(false);
    expect(reading.recovered.get(1)?.by.index).toBe(2);
    expect(reading.chain?.links).toEqual([]);
    expect(reading.chain?.root).toMatchObject({ signature: 'amqp-unreachable', node: 'ctl-1' });
  });
});

describe('log sources', () => {
  it('reads the host, OVN/OVS, Ceph (microceph too), libvirt/qemu, pacemaker, apache and RabbitMQ startup logs, rotated and gzipped', async () => {
    const dir = join(scratch, 'sources');
    const put = (node: string, path: string, text: string | Buffer): void => {
      mkdirSync(join(dir, node, path, '..'), { recursive: true });
      writeFileSync(join(dir, node, path), text);
    };
    const real = (name: string): string => readFileSync(fixturePath(`logs/real/${name}`), 'utf8');
    put('ctl-1', '/var/log/syslog.2.gz', gzipSync(real('kernel/coreos_bugs_1811_read_only.log')));
    put('ctl-1', '/var/log/messages-20240101', real('pacemaker/corosync_issue611_node_lost.log'));
    put('ctl-1', '/var/log/pacemaker/pacemaker.log', real('pacemaker/fence_agents_issue530_fenced.log'));
    put('ctl-1', '/var/log/ovn/ovsdb-server-nb.log', real('neutron/hotsos_sosreport_ovsdb_nb_inactivity_probe.log'));
    put('ctl-1', '/var/log/rabbitmq/startup_err', readFileSync(fixturePath('logs/rabbitmq/startup_err_node_start_failed.log')));
    put('ctl-1', '/var/log/apache2/nova_api_error.log', real('oslo-messaging/hotsos_sosreport_dhcp_agent_econnrefused.log'));
    put('ctl-1', '/var/log/mysql/error.log.1', real('galera/galera_issue462_sst_failed.log'));
    put('osd-1', '/var/snap/microceph/common/logs/ceph-osd.3.log', real('ceph/hotsos_osd_crash_signal.log'));
    put('osd-1', '/var/log/kern.log', real('kernel/hotsos_disk_failure_medium.log'));
    put('cmp-1', '/var/log/libvirt/qemu/instance-00000001.log', 'libvirtError: internal error: qemu unexpectedly closed the monitor\n');
    put('cmp-1', '/var/log/nova/nova-compute.log', real('nova/hotsos_lp1944619_pci_in_use.log'));
    const diagnosis = await diagnoseDirectory(dir, await builtinCatalog());
    const seen = new Set(diagnosis.findings.map((f) => `${f.node} ${f.signature} ${f.file}`));
    for (const expected of [
      'ctl-1 host-fs-read-only /var/log/syslog.2.gz',
      'ctl-1 pacemaker-node-lost /var/log/messages-20240101',
      'ctl-1 pacemaker-node-fenced /var/log/pacemaker/pacemaker.log',
      'ctl-1 ovsdb-inactivity-probe-timeout /var/log/ovn/ovsdb-server-nb.log',
      'ctl-1 rabbit-boot-failed /var/log/rabbitmq/startup_err',
      'ctl-1 amqp-unreachable /var/log/apache2/nova_api_error.log',
      'ctl-1 galera-sst-failed /var/log/mysql/error.log.1',
      'osd-1 ceph-osd-crashed /var/snap/microceph/common/logs/ceph-osd.3.log',
      'osd-1 host-disk-io-error /var/log/kern.log',
      'cmp-1 nova-qemu-monitor-error /var/log/libvirt/qemu/instance-00000001.log',
      'cmp-1 nova-pci-device-in-use /var/log/nova/nova-compute.log',
    ]) {
      expect(seen, expected).toContain(expected);
    }
  });
});
