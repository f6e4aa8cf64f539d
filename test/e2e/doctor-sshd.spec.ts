import { execFile, execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SSH_TEST_USER, startSshdCluster, type SshdCluster } from '../support/sshd.js';
import { closedPort as unusedPort } from '../support/real/net.js';

const run = promisify(execFile);
const MAIN = join(import.meta.dirname, '../../dist/src/main.js');

/** The tools of the controller probes, faked on the nodes that have them so that the outcome does not depend on this machine. */
const CONTROLLER_TOOLS = ['crm_mon', 'rabbitmqctl', 'mysql', 'ceph', 'openstack', 'fuser', 'hostname'];

let cluster: SshdCluster;
let inventoryPath: string;
let closedPort: number;
let result: { code: number; stdout: string; stderr: string };

const portOf = (name: string): number => cluster.nodes.find((n) => n.name === name)?.port ?? 0;

beforeAll(async () => {
  // node-a: a good controller; node-b: its key is missing from known_hosts; node-c: nothing listens
  // on its port; node-d: a non-root user with become but no sudo; node-e: in a group that maps to no role.
  cluster = await startSshdCluster({ names: ['node-a', 'node-b', 'node-d', 'node-e'] });
  closedPort = await unusedPort();
  for (const node of ['node-a', 'node-d']) for (const tool of CONTROLLER_TOOLS) cluster.script(node, tool, 'exit 0\n');
  const knownHosts = join(cluster.dir, 'known_hosts_without_b');
  writeFileSync(
    knownHosts,
    readFileSync(cluster.knownHostsPath, 'utf8')
      .split('\n')
      .filter((l) => !l.startsWith(`[127.0.0.1]:${portOf('node-b')} `))
      .join('\n'),
  );
  const openrc = join(cluster.dir, 'openrc');
  writeFileSync(openrc, 'export OS_AUTH_URL=http://127.0.0.1:5000/v3\n', { mode: 0o644 });
  inventoryPath = join(cluster.dir, 'inventory.ini');
  writeFileSync(
    inventoryPath,
    [
      '[controller]',
      `node-a ansible_host=127.0.0.1 ansible_port=${portOf('node-a')}`,
      `node-b ansible_host=127.0.0.1 ansible_port=${portOf('node-b')}`,
      `node-c ansible_host=127.0.0.1 ansible_port=${closedPort}`,
      `node-d ansible_host=127.0.0.1 ansible_port=${portOf('node-d')} ansible_become=true`,
      '',
      '[haproxy]',
      `node-e ansible_host=127.0.0.1 ansible_port=${portOf('node-e')}`,
      '',
      '[all:vars]',
      `ansible_user=${SSH_TEST_USER}`,
      `ansible_ssh_private_key_file=${cluster.clientKeyPath}`,
      'ansible_become=false',
      `stackmedic_known_hosts=${knownHosts}`,
      `stackmedic_openrc=${openrc}`,
      'stackmedic_cluster=broken-lab',
      '',
    ].join('\n'),
  );
  try {
    const r = await run(process.execPath, [MAIN, 'doctor', '--inventory', inventoryPath], {
      env: { PATH: process.env.PATH, HOME: process.env.HOME, STACKMEDIC_DB: join(cluster.dir, 'store', 'db.sqlite') },
      timeout: 90_000,
    });
    result = { code: 0, stdout: r.stdout, stderr: r.stderr };
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string };
    result = { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
});

afterAll(async () => {
  await cluster?.close();
});

describe('stackmedic doctor on a broken setup of real sshd nodes', () => {
  it('exits 1 (problems found, the configuration itself loads)', () => {
    expect(result.stderr).toBe('');
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(/^stackmedic doctor: cluster broken-lab \(5 nodes, inventory .*inventory\.ini\)$/m);
  });

  it('passes the good controller, and warns that its non-root user runs privileged probes without become', () => {
    const out = result.stdout;
    expect(out).toMatch(new RegExp(`^ {2}✔ node-a reachable: 127\\.0\\.0\\.1:${portOf('node-a')} answers SSH$`, 'm'));
    expect(out).toMatch(/^ {2}✔ node-a host key: ssh-ed25519 SHA256:\S+ matches /m);
    expect(out).toMatch(/^ {2}✔ node-a login: as smtest \(privileged commands run as this user: become is off\)$/m);
    expect(out).toMatch(/^ {2}! node-a privileges: smtest is not root and become is off: pacemaker-status, /m);
    expect(out).toMatch(/^ {2}✔ node-a tools: crm_mon, rabbitmqctl, mysql, .*; openrc \S+openrc readable$/m);
  });

  it('prints the ssh-keyscan line and the fingerprint of a key missing from known_hosts, and trusts nothing', () => {
    const pub = readFileSync(join(cluster.dir, 'node-b', 'host_key.pub'), 'utf8');
    const fingerprint = execFileSync('ssh-keygen', ['-l', '-E', 'sha256', '-f', '-'], { input: pub, encoding: 'utf8' }).split(/\s+/)[1] ?? '';
    expect(fingerprint).toMatch(/^SHA256:/);
    const port = portOf('node-b');
    const lines = result.stdout.split('\n');
    const i = lines.findIndex((l) => l.startsWith('  ✘ node-b host key: '));
    expect(lines[i]).toBe(
      `  ✘ node-b host key: [127.0.0.1]:${port} is not in ${join(cluster.dir, 'known_hosts_without_b')}; the node shows ssh-ed25519 ${fingerprint}. stackmedic never trusts a key on first use`,
    );
    expect(lines[i + 1]).toMatch(
      new RegExp(`^ {6}→ compare ${fingerprint.replace(/[+/]/g, '\\$&')} with \`ssh-keygen -lf /etc/ssh/ssh_host_ed25519_key\\.pub\` on the node's console`),
    );
    expect(lines[i + 2]).toBe(`        ssh-keyscan -p ${port} -t ed25519 127.0.0.1 >> ${join(cluster.dir, 'known_hosts_without_b')}`);
    expect(result.stdout).not.toMatch(/node-b login/);
    // The doctor never logged in: the node's sshd accepted no key.
    expect(cluster.acceptedLogins('node-b')).toBe(0);
  });

  it('says a node whose sshd is down is unreachable and checks nothing else there', () => {
    expect(result.stdout).toMatch(
      new RegExp(
        `^ {2}✘ node-c reachable: 127\\.0\\.0\\.1:${closedPort}: connection refused \\(is sshd running\\?\\); login, sudo and tools not checked$`,
        'm',
      ),
    );
    expect(result.stdout).toMatch(/^ {6}→ start sshd on node-c, or fix its address and port in /m);
    expect(result.stdout).not.toMatch(/node-c (host key|login|tools)/);
  });

  it('fails sudo -n for a non-root user without sudo, and leaves the root-only tools unchecked', () => {
    expect(result.stdout).toMatch(/^ {2}✔ node-d login: as smtest \(privileged commands through sudo -n\)$/m);
    expect(result.stdout).toMatch(/^ {2}✘ node-d sudo: (sudo is not installed|sudo -n true fails for smtest)/m);
    expect(result.stdout).toMatch(/^ {6}→ .*NOPASSWD/m);
    expect(result.stdout).toMatch(/^ {2}! node-d tools: not checked: crm_mon, .*\(they run as root and sudo -n fails\)$/m);
  });

  it('warns about the group that maps to no role, and fails the area no node covers', () => {
    expect(result.stdout).toMatch(/^ {2}✔ node-e tools: none needed$/m);
    expect(result.stdout).toMatch(
      /^ {2}! group haproxy: node-e \(group haproxy\) maps to no role stackmedic checks \(controller, ceph-mon, compute, network, storage, ceph-osd, ceph-mgr and monitoring\): nothing will check it$/m,
    );
    expect(result.stdout).toMatch(/^ {2}✘ compute role: no node has the compute role: libvirt will not be checked$/m);
    expect(result.stdout).toMatch(
      /^ {6}→ if it is a controller, ceph-mon, compute, network, storage, ceph-osd, ceph-mgr or monitoring node, map the group to that role in /m,
    );
    expect(result.stdout).toMatch(/^ {2}✔ store: .*store\/db\.sqlite does not exist yet/m);
  });
});
