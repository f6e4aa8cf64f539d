import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../src/app/create-app.js';
import { readEnvOptions } from '../../src/config/env.js';
import { parseInventory } from '../../src/inventory/load.js';
import type { Inventory } from '../../src/inventory/types.js';
import { LocalExecutor } from '../../src/ssh/local-executor.js';
import { RoutingExecutor } from '../../src/ssh/routing-executor.js';
import { remote, sh } from '../../src/ssh/shell.js';
import { SSH_TEST_USER, startSshdCluster, type SshdCluster } from '../support/sshd.js';

// Every command here runs on this machine, for real: only echo, sleep, head and the like.
const dir = mkdtempSync(join(tmpdir(), 'stackmedic-local-'));
const openrc = join(dir, 'openrc');
writeFileSync(openrc, 'export OS_CLOUD=local-test-cloud\n');

const localInventory: Inventory = parseInventory(
  `[control]\nlocalhost ansible_connection=local\n[all:vars]\nstackmedic_openrc=${openrc}\nstackmedic_known_hosts=/dev/null\n`,
  join(dir, 'hosts'),
);

// A killed process may stay a zombie until its new parent reaps it: that one is dead too.
const isAlive = (pid: number): boolean => {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return !/^\d+ \(.*\) Z /.test(stat);
  } catch {
    return false;
  }
};

// A generous deadline: a killed process group can take seconds to be reaped on a loaded machine.
const waitFor = async (check: () => boolean, ms = 20_000): Promise<boolean> => {
  const until = Date.now() + ms;
  while (Date.now() < until) {
    if (check()) return true;
    await new Promise((r) => setTimeout(r, 20));
  }
  return check();
};

describe('LocalExecutor: ansible_connection=local nodes run their commands on this host', () => {
  const local = new LocalExecutor(localInventory);
  afterAll(() => local.close());

  it('returns stdout, stderr, the exit code and the exact command text, as over SSH', async () => {
    const r = await local.exec('localhost', remote(sh`echo out; echo err >&2; exit 3`));
    expect(r).toMatchObject({
      ok: true,
      node: 'localhost',
      command: 'echo out; echo err >&2; exit 3',
      stdout: 'out\n',
      stderr: 'err\n',
      exitCode: 3,
      truncated: false,
    });
  });

  it('quotes values exactly as the SSH executor does: a hostile value stays one argument', async () => {
    const hostile = "x'; echo pwned; '";
    const r = await local.exec('localhost', remote(sh`printf '%s\n' ${hostile}`));
    expect(r.ok && r.stdout).toBe(`${hostile}\n`);
  });

  it('reports a missing tool as exit 127, not as a failure of the node', async () => {
    const r = await local.exec('localhost', remote(sh`no-such-tool-stackmedic-xyz`));
    expect(r.ok && r.exitCode).toBe(127);
  });

  it('sources the openrc before OpenStack commands', async () => {
    const r = await local.exec('localhost', remote(sh`echo "$OS_CLOUD"`, { openrc: true }));
    expect(r).toMatchObject({ ok: true, command: `. ${openrc} && echo "$OS_CLOUD"`, stdout: 'local-test-cloud\n' });
  });

  it('times out a hanging command and kills what it started, background children too', async () => {
    const pids = join(dir, 'pids');
    const r = await local.exec('localhost', remote(sh`sleep 30 & echo $$ $! > ${pids}; wait`), { timeoutMs: 300 });
    expect(r).toMatchObject({ ok: false, kind: 'timeout', message: 'no answer from localhost within 300 ms' });
    const [shell = 0, sleeper = 0] = readFileSync(pids, 'utf8').trim().split(' ').map(Number);
    expect(shell).toBeGreaterThan(0);
    expect(await waitFor(() => !isAlive(shell) && !isAlive(sleeper))).toBe(true);
  });

  it('gives up when aborted, with the reason', async () => {
    const ac = new AbortController();
    setTimeout(() => ac.abort(new Error('localhost is known dead')), 100);
    const r = await local.exec('localhost', remote(sh`sleep 30`), { signal: ac.signal });
    expect(r).toMatchObject({ ok: false, kind: 'timeout', message: 'localhost is known dead' });
  });

  it('caps the output and says so', async () => {
    const r = await local.exec('localhost', remote(sh`head -c 1000000 /dev/zero | tr '\\0' x`), { maxOutputBytes: 1000 });
    expect(r.ok && r.stdout.length).toBe(1000);
    expect(r.ok && r.truncated).toBe(true);
  });

  it('reports a command killed by a signal as SSH does', async () => {
    const r = await local.exec('localhost', remote(sh`kill -TERM $$`));
    expect(r).toMatchObject({ ok: true, exitCode: null, signal: 'TERM' });
  });

  it("does not hand the bot's secrets to commands, and finds root's tools in sbin", async () => {
    const withSecrets = new LocalExecutor(localInventory, {
      env: { PATH: '/usr/bin:/bin', HOME: '/tmp', SLACK_BOT_TOKEN: 'xoxb-secret', STACKMEDIC_DB: '/x' },
    });
    const r = await withSecrets.exec('localhost', remote(sh`echo "\${SLACK_BOT_TOKEN-unset} \${STACKMEDIC_DB-unset} $PATH"`));
    expect(r.ok && r.stdout).toBe('unset unset /usr/bin:/bin:/usr/local/sbin:/usr/sbin:/sbin\n');
  });

  it('runs privileged commands through sudo -n when stackmedic is not root', async () => {
    const asUser = new LocalExecutor(localInventory, { runningAsRoot: false });
    const r = await asUser.exec('localhost', remote(sh`id -u`, { privileged: true }));
    expect(r.command).toBe("sudo -n -- sh -c 'id -u'");
    // Whether sudo is installed here or not, the outcome is a typed result, never a throw.
    expect(r.ok && [0, 1, 127].includes(r.exitCode ?? -1)).toBe(true);
    const asRoot = await new LocalExecutor(localInventory, { runningAsRoot: true }).exec('localhost', remote(sh`id -u`, { privileged: true }));
    expect(asRoot.command).toBe('id -u');
  });

  it('refuses a node that is not local', async () => {
    const r = await local.exec('node-99', remote(sh`echo no`));
    expect(r).toMatchObject({ ok: false, kind: 'error', message: 'node-99 is not a local node of the inventory' });
  });
});

describe('RoutingExecutor: one fan-out over SSH and local nodes', () => {
  let cluster: SshdCluster;
  let inventory: Inventory;
  beforeAll(async () => {
    cluster = await startSshdCluster({ names: ['node-1'] });
    const port = cluster.nodes[0]?.port ?? 0;
    inventory = parseInventory(
      [
        '[control]',
        `node-1 ansible_host=127.0.0.1 ansible_port=${port} ansible_user=${SSH_TEST_USER} ansible_become=false`,
        'localhost ansible_connection=local',
        '[all:vars]',
        `ansible_ssh_private_key_file=${cluster.clientKeyPath}`,
        `stackmedic_known_hosts=${cluster.knownHostsPath}`,
        '',
      ].join('\n'),
      join(dir, 'mixed'),
    );
    cluster.script('node-1', 'where-am-i', 'echo "over ssh on node-1"');
  });
  afterAll(async () => {
    await cluster?.close();
  });

  it('sends each node its command the way the inventory reaches it, results in order', async () => {
    const ex = RoutingExecutor.create(inventory);
    try {
      const results = await ex.fanOut(['localhost', 'node-1'], remote(sh`where-am-i 2>/dev/null || echo "on this host"`));
      expect(results.map((r) => [r.node, r.ok && r.stdout])).toEqual([
        ['localhost', 'on this host\n'],
        ['node-1', 'over ssh on node-1\n'],
      ]);
    } finally {
      await ex.close();
    }
  });

  it('an app on an inventory with a local node audits its commands like any other', async () => {
    const app = createApp({ inventory: localInventory, env: readEnvOptions({ STACKMEDIC_DB: ':memory:' }) });
    try {
      const r = await app.router.dispatch({ text: '/cluster ping', actor: { id: 'console:test', name: 'test', via: 'console' }, role: 'viewer' });
      expect(r.kind === 'reply' && r.reply.title).toBe('All 1 nodes answer.');
      const [entry] = await app.services.audit.list(1);
      expect(entry?.remote).toEqual([expect.objectContaining({ node: 'localhost', command: 'cat /proc/uptime; hostname', ok: true, exitCode: 0 })]);
    } finally {
      await app.close();
    }
  });
});
