import { cpSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { UserError } from '../../../src/errors.js';
import { diagnoseDirectory, runDiagnose } from '../../../src/signatures/diagnose.js';
import { listLogTree } from '../../../src/signatures/log-tree.js';
import { builtinCatalog, fixturePath } from './support.js';

const VAULT = fixturePath('diagnose/sosreport-vault');
const HOST = 'juju-04f1e3-0-lxd-5';
const JOURNAL = '/sos_commands/logs/journalctl_--no-pager';

/** A fresh directory holding a copy of the vault sosreport under `name`. */
function treeWith(name: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'stackmedic-sos-'));
  cpSync(VAULT, join(dir, name), { recursive: true });
  return dir;
}

describe('an extracted sosreport', () => {
  it('is one node named by its hostname, read from var/log, its journal export, dmesg and its package list only', async () => {
    const tree = await listLogTree(VAULT);
    expect([...new Set(tree.files.map((f) => f.node))]).toEqual([HOST]);
    expect(tree.files.map((f) => [f.path, f.kind])).toEqual([
      ['/sos_commands/dpkg/dpkg_-l', 'meta'],
      ['/sos_commands/kernel/dmesg', 'kernel'],
      [JOURNAL, 'journal'],
      ['/var/log/dmesg', 'log'],
    ]);
    expect(tree.years.get(HOST)).toBe(2022);
  });

  it('reads pacemaker and corosync in the journal export, in the year sos ran, as recovered with the lines that show it', async () => {
    const d = await diagnoseDirectory(VAULT, await builtinCatalog());
    expect(d.reading.current).toEqual([]);
    const quorum = d.reading.activities.find((a) => a.signature === 'corosync-quorum-lost');
    expect(quorum?.node).toBe(HOST);
    expect(quorum?.first).toBe('2022-02-04T10:08:16.000Z');
    expect(quorum?.spans.at(-1)?.end).toMatchObject({ file: JOURNAL, line: 87, time: '2022-02-04T10:08:23.000Z' });
    // The peer lost on Feb 04 and again on Feb 09 is back at 23:00 (named: "(null)" clears nothing).
    const peer = d.reading.activities.find((a) => a.signature === 'pacemaker-node-lost');
    expect(peer?.status).toBe('recovered');
    expect(peer?.spans.at(-1)?.end).toMatchObject({ line: 309, time: '2022-02-09T23:00:00.000Z' });
    expect(d.rootCause).toBeNull();
  });

  it('never reads configuration as a log, and reads the saved dmesg for kernel errors', async () => {
    const d = await diagnoseDirectory(VAULT, await builtinCatalog());
    const examples = d.unrecognised.groups.map((g) => g.example.file);
    expect(examples.some((f) => f.startsWith('/etc/'))).toBe(false);
    expect(d.unrecognised.groups.some((g) => g.template.includes('register_bcache() error') && g.example.file === '/sos_commands/kernel/dmesg')).toBe(true);
  });

  it("keeps the syslog's copy of what the journal also holds, so no line is found twice", async () => {
    const dir = treeWith('node-10');
    const quorumLost = readFileSync(join(VAULT, JOURNAL), 'utf8')
      .split('\n')
      .filter((l) => l.includes('Quorum lost'));
    writeFileSync(join(dir, 'node-10/var/log/syslog'), `${quorumLost.join('\n')}\n`);
    const d = await diagnoseDirectory(dir, await builtinCatalog());
    const lost = d.findings.filter((f) => f.signature === 'corosync-quorum-lost');
    expect(lost.map((f) => f.file)).toEqual(['/var/log/syslog', '/var/log/syslog']);
    // An operator-named directory keeps its name (the inventory's), whatever the hostname says.
    expect(new Set(d.findings.map((f) => f.node))).toEqual(new Set(['node-10']));
  });

  it("counts a line once where the journal and a file of the node both hold it, keeping the file's", async () => {
    // The same MON_DOWN line in ceph.log and, as journald got it, in the journal export.
    const line = '2022-02-09T23:10:00.000000+0000 mon.a (mon.0) 1 : cluster [WRN] Health check failed: 1/3 mons down, quorum a,b (MON_DOWN)';
    const oom = '[ 4709.122085] Out of memory: Killed process 71414 (mysqld) total-vm:1121372kB, anon-rss:452468kB, file-rss:0kB, shmem-rss:0kB';
    const dir = treeWith('node-12');
    const journal = join(dir, 'node-12', JOURNAL);
    writeFileSync(journal, `${readFileSync(journal, 'utf8')}Feb 09 23:10:00 ${HOST} ceph-mon[2211]: ${line}\nFeb 09 23:10:01 ${HOST} kernel: ${oom}\n`);
    const dmesg = join(dir, 'node-12/sos_commands/kernel/dmesg');
    writeFileSync(dmesg, `${readFileSync(dmesg, 'utf8')}${oom}\n`);
    let d = await diagnoseDirectory(dir, await builtinCatalog());
    // No ceph log on the node: the journal stands in for it. The kernel's line is in the saved dmesg.
    expect(d.findings.filter((f) => f.signature === 'ceph-mon-out-of-quorum').map((f) => f.file)).toEqual([JOURNAL]);
    expect(d.findings.filter((f) => f.signature === 'host-oom-kill').map((f) => f.file)).toEqual(['/sos_commands/kernel/dmesg']);
    mkdirSync(join(dir, 'node-12/var/log/ceph'), { recursive: true });
    writeFileSync(join(dir, 'node-12/var/log/ceph/ceph.log'), `${line}\n`);
    d = await diagnoseDirectory(dir, await builtinCatalog());
    expect(d.findings.filter((f) => f.signature === 'ceph-mon-out-of-quorum').map((f) => f.file)).toEqual(['/var/log/ceph/ceph.log']);
    // Another daemon's file (the manager's) says nothing of what the monitor wrote only to the journal.
    const probing = readFileSync(fixturePath('logs/real/ceph/hotsos_sosreport_mon_probing.log'), 'utf8').split('\n').slice(0, 6).join('\n');
    writeFileSync(journal, `${readFileSync(journal, 'utf8')}${probing}\n`);
    writeFileSync(join(dir, 'node-12/var/log/ceph/ceph-mgr.x.log'), '2022-02-04T10:00:00.000+0000 7f07 0 mgr standby\n');
    d = await diagnoseDirectory(dir, await builtinCatalog());
    expect(d.findings.filter((f) => f.signature === 'ceph-mon-probing').map((f) => f.file)).toEqual(Array(6).fill(JOURNAL));
  });

  it('takes the hostname for a directory sos named itself, in a directory of sosreports', async () => {
    const dir = treeWith(`sosreport-${HOST}-2022-02-10-kzrpwlt`);
    mkdirSync(join(dir, 'node-11/var/log/rabbitmq'), { recursive: true });
    writeFileSync(
      join(dir, 'node-11/var/log/rabbitmq/rabbit@node-11.log'),
      '2022-02-10 09:00:00.000 [info] <0.1.0> Server startup complete; 3 plugins started.\n',
    );
    const nodes = new Set((await listLogTree(dir)).files.map((f) => f.node));
    expect(nodes).toEqual(new Set([HOST, 'node-11']));
  });
});

describe('a Sunbeam sosreport (services in pods)', () => {
  const SUNBEAM = fixturePath('diagnose/sosreport-sunbeam');
  const PODS = '/sos_commands/kubernetes/cluster-info/openstack/podlogs';

  it("reads the OpenStack services' pod logs as their host logs and not the charms', in the year of its date output", async () => {
    const tree = await listLogTree(SUNBEAM);
    expect(tree.files.filter((f) => f.kind === 'log').map((f) => [f.path.slice(PODS.length), f.as])).toEqual([
      ['/neutron-0/k8s_kubectl_--namespace_openstack_logs_neutron-0_-c_neutron-server', '/var/log/neutron/neutron-server.log'],
      ['/nova-0/k8s_kubectl_--namespace_openstack_logs_nova-0_-c_nova-scheduler', '/var/log/nova/nova-scheduler.log'],
    ]);
    expect(tree.years.get('noble-sunbeam')).toBe(2025);
  });

  it('names the database the services lost and the OVN hash ring, where the lines are', async () => {
    const d = await diagnoseDirectory(SUNBEAM, await builtinCatalog());
    const db = d.findings.filter((f) => f.signature === 'db-connection-failed');
    expect(db.length).toBeGreaterThanOrEqual(3);
    expect(db[0]).toMatchObject({
      node: 'noble-sunbeam',
      file: `${PODS}/nova-0/k8s_kubectl_--namespace_openstack_logs_nova-0_-c_nova-scheduler`,
      time: '2025-05-14T04:27:35.161Z',
    });
    expect(d.findings.filter((f) => f.signature === 'neutron-ovn-hash-ring-empty').map((f) => f.fields.nodes)).toEqual(['4', '4']);
  });

  it("groups an oslo.log traceback behind pebble's prefix as one error record, and reads no charm error", async () => {
    const d = await diagnoseDirectory(SUNBEAM, await builtinCatalog());
    // 190 traceback lines after the CRITICAL line are one record, not one group per frame.
    expect(d.unrecognised.groups.some((g) => g.template.includes('File "'))).toBe(false);
    expect(d.unrecognised.groups.some((g) => g.template.includes('juju'))).toBe(false);
    expect(d.unrecognised.classification.errors).toBeLessThan(10);
  });
});

describe('a tree with nothing a signature reads', () => {
  it('is refused with what it holds and how to lay logs out, never called fine', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'stackmedic-nothing-'));
    mkdirSync(join(dir, 'etc/neutron'), { recursive: true });
    writeFileSync(join(dir, 'etc/neutron/neutron.conf'), '[DEFAULT]\n# ERROR means only log unsuccessful attempts\n');
    await expect(diagnoseDirectory(dir, await builtinCatalog())).rejects.toThrow(UserError);
    const r = await runDiagnose({ logsDir: dir, json: false });
    expect(r.exitCode).toBe(2);
    expect(r.output).toMatch(/^no log that a signature reads under .* \(1 files looked at; it holds etc\), so nothing was diagnosed\./);
    expect(r.output).toMatch(/<node>\/var\/log\/\.\.\./);
    expect(r.output).not.toMatch(/No known failure/);
  });
});
