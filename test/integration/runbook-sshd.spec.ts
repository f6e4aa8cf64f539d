import { execFileSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createApp, type StackmedicApp } from '../../src/app/create-app.js';
import { readEnvOptions } from '../../src/config/env.js';
import { loadInventory } from '../../src/inventory/load.js';
import { realRunbookTiming } from '../../src/runbooks/command.js';
import type { Reply } from '../../src/router/types.js';
import type { RunbookTiming } from '../../src/runbooks/types.js';
import { startSshdCluster, type SshdCluster } from '../support/sshd.js';

const RESOURCE = 'p_odd.name-1_x';
const NASTY = "/var/lib/cinder/conversion/tmp it's $(touch /tmp/stackmedic-pwned) ;x";

/** A saved CIB with one resource, made by the real pacemaker tools: crm_mon on the nodes reads it. */
function makeCib(dir: string): string {
  const cib = join(dir, 'cib.xml');
  const out = join(dir, 'cib-running.xml');
  writeFileSync(cib, execFileSync('cibadmin', ['--empty'], { encoding: 'utf8' }));
  const env = { ...process.env, CIB_file: cib };
  execFileSync('crm_attribute', ['-t', 'crm_config', '-n', 'stonith-enabled', '-v', 'false'], { env });
  execFileSync('cibadmin', ['-C', '-o', 'resources', '-X', `<primitive id="${RESOURCE}" class="ocf" provider="heartbeat" type="Dummy"/>`], { env });
  execFileSync('crm_simulate', ['-x', cib, '--node-up=node-1', '--node-up=node-2', '--node-up=node-3', '--quorum=true', '-S', '-O', out], { stdio: 'ignore' });
  // crm_simulate writes it 0640; the nodes' sessions run as the unprivileged test user.
  chmodSync(out, 0o644);
  return out;
}

describe('runbooks over real OpenSSH: quoting, timeouts, exit codes', () => {
  let cluster: SshdCluster;
  let app: StackmedicApp;
  const timing: { -readonly [K in keyof RunbookTiming]: RunbookTiming[K] } = { ...realRunbookTiming };

  const run = async (text: string): Promise<Reply> => {
    const r = await app.router.dispatch({ text, actor: { id: 'U1', name: 'alice', via: 'console' }, role: 'operator', confirmed: true });
    if (r.kind !== 'reply') throw new Error(`expected a reply, got ${r.kind}`);
    return r.reply;
  };
  const records = (): string => join(cluster.dir, 'records');
  const argvFile = (node: string): string => join(records(), `${node}.argv`);
  const argv = (node: string): string[] => readFileSync(argvFile(node), 'utf8').split('\n').slice(0, -1);
  /** A fake tool that records its arguments one per line, then runs `then`. */
  const recorder = (node: string, then: string): string => `for a in "$@"; do printf '%s\\n' "$a"; done > ${argvFile(node)}\n${then}`;

  beforeAll(async () => {
    cluster = await startSshdCluster({ names: ['node-1', 'node-2', 'node-3'] });
    const cib = makeCib(cluster.dir);
    mkdirSync(records(), { mode: 0o777 });
    chmodSync(records(), 0o777);
    const rabbit = JSON.stringify({
      running_nodes: ['rabbit@node-1', 'rabbit@node-2', 'rabbit@node-3'],
      disk_nodes: ['rabbit@node-1', 'rabbit@node-2', 'rabbit@node-3'],
      ram_nodes: [],
      alarms: [],
      partitions: {},
      listeners: {},
    });
    for (const n of ['node-1', 'node-2', 'node-3']) {
      cluster.script(n, 'crm_mon', `CIB_file=${cib} exec /usr/sbin/crm_mon "$@"`);
      cluster.script(n, 'rabbitmqctl', `echo '${rabbit}'`);
      cluster.script(
        n,
        'mysql',
        `printf 'wsrep_cluster_size\\t3\\nwsrep_cluster_status\\tPrimary\\nwsrep_local_state_comment\\tSynced\\nwsrep_ready\\tON\\nwsrep_connected\\tON\\n'`,
      );
    }
    app = createApp({ inventory: loadInventory(cluster.inventoryPath), env: readEnvOptions({ STACKMEDIC_DB: ':memory:' }), runbookTiming: timing });
  }, 60_000);

  afterAll(async () => {
    await app?.close();
    await cluster?.close();
  });

  afterEach(async () => {
    timing.maxActTimeoutMs = undefined;
  });

  it('passes a resource id with odd but valid characters as one exact argument, and verifies with the real crm_mon', async () => {
    cluster.script('node-1', 'crm_resource', recorder('node-1', `echo "Cleaned up ${RESOURCE} on node-1"`));
    const reply = await run(`/pacemaker cleanup node-1 ${RESOURCE}`);
    expect(reply.title, reply.text).toBe(`Clean up ${RESOURCE} on node-1: done, verified.`);
    expect(argv('node-1')).toEqual(['--cleanup', '--resource', RESOURCE, '--node', 'node-1']);
    expect(reply.text).toContain('every other pacemaker/RabbitMQ/Galera member is up');
  });

  it('removes a file whose name the node reported, quoted: one argument, nothing injected', async () => {
    const marker = join(records(), 'node-2.removed');
    cluster.script('node-2', 'find', `printf '83690057216\\t1487069661.0000000000\\t64768\\t1835012\\t%s\\0' "${NASTY.replace(/\$/g, '\\$')}"`);
    cluster.script('node-2', 'fuser', 'exit 1');
    cluster.script('node-2', 'lsof', 'exit 1');
    // The name does not exist on this machine: realpath and stat answer as they would on the node
    // (the real tools' refusals are pinned in test/unit/runbooks/guarded-remove.spec.ts).
    cluster.script('node-2', 'realpath', 'printf \'%s\\n\' "$3"');
    cluster.script('node-2', 'stat', 'case "$4" in *conversion) echo 64768 ;; *) echo "64768:1835012:regular file" ;; esac');
    cluster.script('node-2', 'rm', recorder('node-2', `touch ${marker}`));
    cluster.script(
      'node-2',
      'df',
      `echo 'Filesystem     1-blocks        Used   Available Capacity Mounted on'\nif [ -e ${marker} ]; then echo '/dev/sda1 100000000000 16309942784 83690057216 17% /'; else echo '/dev/sda1 100000000000 100000000000 0 100% /'; fi`,
    );
    const reply = await run('/cluster free-disk node-2');
    expect(reply.title, reply.text).toBe('Free disk on node-2: done, verified.');
    expect(argv('node-2')).toEqual(['-f', '--', NASTY]);
    expect(existsSync('/tmp/stackmedic-pwned')).toBe(false);
    expect(reply.text).toContain('/ 17% used, 83.7 GB free of 100 GB (gained 83.7 GB)');
  });

  it('never plans a removal of a crafted name that climbs out of the conversion dir, and says so', async () => {
    const crafted = '/var/lib/cinder/conversion/../../mysql/ibdata1';
    cluster.script('node-3', 'find', `printf '83690057216\\t1487069661.0000000000\\t64768\\t1835012\\t%s\\0' '${crafted}'`);
    cluster.script('node-3', 'fuser', 'exit 1');
    cluster.script('node-3', 'lsof', 'exit 1');
    cluster.script('node-3', 'rm', recorder('node-3', 'exit 0'));
    const r = await app.router.dispatch({
      text: '/cluster free-disk node-3',
      actor: { id: 'U1', name: 'alice', via: 'console' },
      role: 'operator',
      confirmed: false,
    });
    if (r.kind !== 'reply') throw new Error(`expected a reply, got ${r.kind}`);
    expect(r.reply.ok).toBe(false);
    expect(r.reply.title).toContain(
      `node-3 listed names under /var/lib/cinder/conversion that are not plain paths: ${crafted}: refused, it has a \`.\` or \`..\` component; never removed.`,
    );
    const audited = (await app.services.audit.list(5)).find((e) => e.id === r.auditId);
    expect(audited).toMatchObject({ outcome: 'refused' });
    expect(audited?.detail).toContain(`${crafted}: refused`);
    expect(existsSync(argvFile('node-3'))).toBe(false);
  });

  it('stops at a tool that hangs past its timeout and reports the node state', async () => {
    cluster.script('node-2', 'crm_resource', 'sleep 30');
    timing.maxActTimeoutMs = 1_500;
    const started = performance.now();
    const reply = await run(`/pacemaker cleanup node-2 ${RESOURCE}`);
    expect(performance.now() - started).toBeLessThan(15_000);
    expect(reply.ok).toBe(false);
    expect(reply.title).toBe(
      `Clean up ${RESOURCE} on node-2: FAILED: step 3 (pacemaker: clean up ${RESOURCE} on node-2) did not complete on node-2: no answer from node-2 within 1.5 s`,
    );
    expect(reply.text).toMatch(/State now: node-2 online; \d+ resource instances started/);
    expect(reply.text).toContain('Next: read `crm_mon -1` and /var/log/pacemaker on node-2');
  }, 30_000);

  it('stops at a tool that exits 1, with its error, the node state and what to do', async () => {
    cluster.script('node-3', 'crm_resource', "echo 'Error performing operation: No such device or address' >&2; exit 1");
    const reply = await run(`/pacemaker cleanup node-3 ${RESOURCE}`);
    expect(reply.ok).toBe(false);
    expect(reply.title).toBe(
      `Clean up ${RESOURCE} on node-3: FAILED: step 3 (pacemaker: clean up ${RESOURCE} on node-3) failed (exit 1) on node-3: Error performing operation: No such device or address`,
    );
    expect(reply.text).not.toMatch(/✔ 4\./);
    expect(reply.text).toMatch(/State now: node-3 online/);
  });
});
