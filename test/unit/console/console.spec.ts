import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { AuditLog } from '../../../src/audit/audit-log.js';
import { NodeLocks } from '../../../src/app/locks.js';
import { runConsole } from '../../../src/console/console.js';
import { IncidentStore } from '../../../src/incidents/store.js';
import { parseInventory } from '../../../src/inventory/load.js';
import { defineCommand, defineFamily } from '../../../src/router/command.js';
import { Router } from '../../../src/router/router.js';
import type { Actor } from '../../../src/router/types.js';
import type { Executor } from '../../../src/ssh/types.js';
import { loadCatalog } from '../../../src/signatures/index.js';
import { realRunbookTiming } from '../../../src/runbooks/command.js';
import { remote, sh } from '../../../src/ssh/shell.js';
import { openDatabase } from '../../../src/store/database.js';
import { SqliteStore } from '../../../src/store/sqlite-store.js';
import { until } from '../../support/wait.js';

const inventory = parseInventory('known_hosts: /dev/null\nnodes:\n  - { name: node-18, address: 127.0.0.1, roles: [compute] }\n', '/tmp/inv.yml');
const actor: Actor = { id: 'console:op', name: 'op', via: 'console' };

function setup() {
  const ran: string[] = [];
  const executor: Executor = {
    async exec(node, command) {
      ran.push(`${node}: ${command.script.text}`);
      return { ok: true, node, command: command.script.text, stdout: '', stderr: '', exitCode: 0, signal: undefined, durationMs: 1, truncated: false };
    },
    async fanOut(nodes, command) {
      return Promise.all(nodes.map((n) => this.exec(n, command)));
    },
  };
  const family = defineFamily({
    name: 'compute',
    summary: 'computes',
    commands: [
      defineCommand({
        family: 'compute',
        name: 'fix-libvirt',
        summary: 'restart libvirtd',
        args: [{ name: 'node', kind: 'node', description: 'a compute node' }],
        permission: 'operator',
        dangerous: true,
        plan: async (ctx) => ({
          summary: 'restart libvirtd',
          actions: [{ node: ctx.args.positional.node ?? '', description: 'restart libvirtd', command: 'service libvirtd restart' }],
        }),
        run: async (ctx) => {
          await ctx.executor.exec(ctx.args.positional.node ?? '', remote(sh`service libvirtd restart`));
          return { ok: true, title: 'restarted', text: '' };
        },
      }),
    ],
  });
  const db = new SqliteStore(openDatabase(':memory:'));
  const audit = new AuditLog(db);
  const router = new Router([family], inventory, executor, {
    audit,
    locks: new NodeLocks(db, { cluster: 'test', replica: 'test', ttlSeconds: 30 }),
    clock: () => new Date(),
    catalog: () => loadCatalog(),
    incidents: new IncidentStore(db),
    runbookTiming: realRunbookTiming,
  });
  return { router, ran, audit };
}

async function session(lines: string[], options: { tty: boolean; yes?: boolean }, router: Router): Promise<{ code: number; out: string; history: string }> {
  const input = new PassThrough() as PassThrough & { isTTY?: boolean };
  if (options.tty) input.isTTY = true;
  const output = new PassThrough();
  let out = '';
  output.on('data', (d: Buffer) => (out += d.toString()));
  const historyFile = join(mkdtempSync(join(tmpdir(), 'stackmedic-history-')), 'history');
  const done = runConsole({ router, actor, role: 'admin', json: false, yes: options.yes ?? false, input, output, historyFile });
  for (const [i, line] of lines.entries()) {
    // An answer typed before the question is asked would be read as a command: each line after
    // the first answers a y/N question, so it waits for that question (no sleep to outlast it).
    if (i > 0) await until(() => out.split('Proceed? [y/N] ').length > i, { what: `question ${i} of the console` });
    input.write(`${line}\n`);
  }
  input.end();
  const code = await done;
  let history = '';
  try {
    history = readFileSync(historyFile, 'utf8');
  } catch {
    history = '';
  }
  return { code, out, history };
}

describe('console confirmations', () => {
  it('asks y/N on a terminal and runs on yes', async () => {
    const { router, ran } = setup();
    const { code, out, history } = await session(['/compute fix-libvirt node-18', 'y'], { tty: true }, router);
    // Commands go to the history; answers to y/N do not.
    expect(history).toBe('/compute fix-libvirt node-18\n');
    expect(out).toMatch(/This will change the cluster:\nrestart libvirtd\n {2}1\. \[node-18\] restart libvirtd\n {7}\$ service libvirtd restart/);
    expect(out).toMatch(/Proceed\? \[y\/N\] /);
    expect(out).toMatch(/restarted/);
    expect(ran).toEqual(['node-18: service libvirtd restart']);
    expect(code).toBe(0);
  });

  it('treats anything but yes as no, runs nothing and audits the cancellation', async () => {
    const { router, ran, audit } = setup();
    const { code, out } = await session(['/compute fix-libvirt node-18', ''], { tty: true }, router);
    expect(out).toMatch(/Cancelled: nothing was changed\./);
    expect(ran).toEqual([]);
    expect((await audit.list())[0]).toMatchObject({ outcome: 'cancelled', command: '/compute fix-libvirt node-18' });
    expect(code).toBe(1);
  });

  it('refuses without a terminal unless --yes is given', async () => {
    const refused = setup();
    const r1 = await session(['/compute fix-libvirt node-18'], { tty: false }, refused.router);
    expect(r1.out).toMatch(/Not confirmed: this command changes the cluster; rerun with --yes to confirm from a script\./);
    expect(refused.ran).toEqual([]);
    expect(r1.code).toBe(1);
    const confirmed = setup();
    const r2 = await session(['/compute fix-libvirt node-18'], { tty: false, yes: true }, confirmed.router);
    expect(r2.out).toMatch(/restarted/);
    expect(confirmed.ran).toEqual(['node-18: service libvirtd restart']);
    expect(r2.code).toBe(0);
  });
});
