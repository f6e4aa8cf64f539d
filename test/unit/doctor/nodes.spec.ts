import { describe, expect, it } from 'vitest';
import { checkNodes } from '../../../src/doctor/nodes.js';
import type { Inventory, NodeSpec } from '../../../src/inventory/types.js';
import type { Executor } from '../../../src/ssh/types.js';
import { renderRemoteCommand, type RemoteCommand } from '../../../src/ssh/shell.js';
import type { ExecOutcome } from '../../../src/ssh/types.js';

/** Nodes behind a jump host: the doctor checks them through the executor only (no direct key scan). */
function inventory(nodes: Partial<NodeSpec>[], { openrcPath }: { openrcPath: string | undefined } = { openrcPath: '/root/openrc' }): Inventory {
  return {
    cluster: 'lab',
    knownHostsPath: '/etc/stackmedic/known_hosts',
    openrcPath,
    nodes: nodes.map((n, i): NodeSpec => ({
      name: `node-${i}`,
      address: `10.0.0.${i + 1}`,
      port: 22,
      user: 'root',
      roles: ['controller'],
      become: false,
      jump: 'bastion',
      ...n,
    })),
    jumpHosts: [{ name: 'bastion', address: '203.0.113.10', port: 22, user: 'ops' }],
    source: '/etc/stackmedic/inventory.yml',
  };
}

/** An executor that answers like a node where `missing` programs are not installed and sudo behaves as told. */
function fakeNodes(behaviour: Record<string, { missing?: string[]; sudo?: 'password' | 'absent'; down?: string; openrc?: boolean }>): Executor {
  const inv = new Map(Object.entries(behaviour));
  const exec = async (node: string, command: RemoteCommand): Promise<ExecOutcome> => {
    const b = inv.get(node) ?? {};
    const text = renderRemoteCommand(command, { become: false });
    const base = { node, command: text, durationMs: 1 };
    if (b.down) return { ...base, ok: false, kind: 'auth', message: b.down };
    const done = (stdout: string, exitCode: number, stderr = ''): ExecOutcome => ({
      ...base,
      ok: true,
      stdout,
      stderr,
      exitCode,
      signal: undefined,
      truncated: false,
    });
    if (text === 'true') return done('', 0);
    if (text === 'sudo -n true' || command.privileged) {
      if (b.sudo === 'password') return done('', 1, 'sudo: a password is required\n');
      if (b.sudo === 'absent') return done('', 127, 'sh: 1: sudo: not found\n');
    }
    if (text === 'sudo -n true') return done('', 0);
    const out = [...text.matchAll(/command -v (\S+) /g)].map((m) => `${(b.missing ?? []).includes(m[1] ?? '') ? 'missing' : 'have'}:${m[1]}`);
    if (text.includes('test -r')) out.push(`openrc:${b.openrc === false ? 'missing' : 'readable'}`);
    return done(`${out.join('\n')}\n`, 0);
  };
  return { exec, fanOut: (nodes, command) => Promise.all(nodes.map((n) => exec(n, command))) };
}

const opts = (inv: Inventory, executor: Executor) => ({ inventory: inv, knownHosts: undefined, executor, timeoutMs: 1000, concurrency: 4 });

describe('doctor: node checks', () => {
  it('passes a root controller with every tool: login, then the tools its probes run', async () => {
    const checks = await checkNodes(opts(inventory([{}]), fakeNodes({})));
    expect(checks.map((c) => [c.name, c.status])).toEqual([
      ['node-0 login', 'pass'],
      ['node-0 tools', 'pass'],
    ]);
    expect(checks[0]?.detail).toBe('as root via bastion');
    expect(checks[1]?.detail).toMatch(/^crm_mon, rabbitmqctl, mysql, .*openstack.*fuser\|lsof; openrc \/root\/openrc readable$/);
  });

  it('fails a missing node-scope tool with the package to install', async () => {
    const checks = await checkNodes(opts(inventory([{}]), fakeNodes({ 'node-0': { missing: ['mysql', 'fuser', 'lsof'] } })));
    const tools = checks.find((c) => c.name === 'node-0 tools');
    expect(tools?.status).toBe('fail');
    expect(tools?.detail).toBe('missing mysql (galera-status), fuser or lsof (/cluster free-disk)');
    expect(tools?.fix).toBe('install mariadb-client (mysql), psmisc (fuser) or lsof on node-0');
  });

  it('only warns when a cluster-scope tool is missing on one controller but another has it', async () => {
    // ceph-status runs the host's ceph or, on cephadm clusters (TripleO OSP 17), cephadm shell: either will do.
    const noCeph = ['ceph', 'cephadm'];
    const checks = await checkNodes(opts(inventory([{}, {}]), fakeNodes({ 'node-0': { missing: noCeph } })));
    expect(checks.find((c) => c.name === 'node-0 tools')).toMatchObject({
      status: 'warn',
      detail: 'missing ceph or cephadm (ceph-status), which another node runs for the cluster',
    });
    const both = await checkNodes(opts(inventory([{}, {}]), fakeNodes({ 'node-0': { missing: noCeph }, 'node-1': { missing: noCeph } })));
    expect(both.filter((c) => c.name.endsWith('tools')).map((c) => c.status)).toEqual(['fail', 'fail']);
    const cephadmOnly = await checkNodes(opts(inventory([{}, {}]), fakeNodes({ 'node-0': { missing: ['ceph'] }, 'node-1': { missing: ['ceph'] } })));
    expect(cephadmOnly.filter((c) => c.name.endsWith('tools')).map((c) => c.status)).toEqual(['pass', 'pass']);
  });

  it('fails a controller without an openrc, or with one the user cannot read', async () => {
    const none = await checkNodes(opts(inventory([{}], { openrcPath: undefined }), fakeNodes({})));
    expect(none.find((c) => c.name === 'node-0 tools')?.detail).toBe(
      'no openrc configured, so nova-services, neutron-agents run without OpenStack credentials',
    );
    const unreadable = await checkNodes(opts(inventory([{}]), fakeNodes({ 'node-0': { openrc: false } })));
    expect(unreadable.find((c) => c.name === 'node-0 tools')).toMatchObject({
      status: 'fail',
      detail: 'openrc /root/openrc is not readable by root (nova-services, neutron-agents)',
    });
  });

  it('checks sudo -n for non-root users, and leaves root-only tools unchecked when it fails', async () => {
    const inv = inventory([
      { user: 'stack', become: true },
      { user: 'stack', become: true },
      { user: 'stack', become: true },
    ]);
    const checks = await checkNodes(opts(inv, fakeNodes({ 'node-1': { sudo: 'password' }, 'node-2': { sudo: 'absent' } })));
    expect(checks.find((c) => c.name === 'node-0 sudo')).toMatchObject({ status: 'pass', detail: 'sudo -n true works for stack' });
    expect(checks.find((c) => c.name === 'node-1 sudo')).toMatchObject({
      status: 'fail',
      detail: 'sudo -n true fails for stack (exit 1: sudo: a password is required)',
    });
    expect(checks.find((c) => c.name === 'node-1 sudo')?.fix).toMatch(/NOPASSWD/);
    expect(checks.find((c) => c.name === 'node-2 sudo')?.detail).toBe('sudo is not installed (sudo -n true: sh: 1: sudo: not found)');
    expect(checks.find((c) => c.name === 'node-1 tools')).toMatchObject({ status: 'warn' });
    expect(checks.find((c) => c.name === 'node-1 tools')?.detail).toMatch(/^not checked: crm_mon, .* \(they run as root and sudo -n fails\)$/);
  });

  it('warns when a non-root user runs the root-only probes without become', async () => {
    const checks = await checkNodes(opts(inventory([{ user: 'ops', become: false }]), fakeNodes({})));
    const w = checks.find((c) => c.name === 'node-0 privileges');
    expect(w?.status).toBe('warn');
    expect(w?.detail).toMatch(/^ops is not root and become is off: pacemaker-status, rabbitmq-status, galera-status, .* run without root and may be refused$/);
  });

  it('stops at a refused login and says which key to authorize', async () => {
    const checks = await checkNodes(
      opts(
        inventory([{ privateKeyPath: '/etc/stackmedic/id_ed25519' }]),
        fakeNodes({ 'node-0': { down: 'node-0 (10.0.0.1:22) refused the SSH key of user root (authentication failed)' } }),
      ),
    );
    expect(checks).toHaveLength(1);
    expect(checks[0]).toMatchObject({ name: 'node-0 login', status: 'fail' });
    expect(checks[0]?.fix).toMatch(/^authorize \/etc\/stackmedic\/id_ed25519\.pub for root on node-0/);
  });
});
