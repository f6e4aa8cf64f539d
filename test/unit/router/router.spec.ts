import { describe, expect, it, vi } from 'vitest';
import { AuditLog } from '../../../src/audit/audit-log.js';
import { NodeLocks } from '../../../src/app/locks.js';
import { UserError } from '../../../src/errors.js';
import { parseInventory } from '../../../src/inventory/load.js';
import { defineCommand, defineFamily } from '../../../src/router/command.js';
import { Router } from '../../../src/router/router.js';
import type { Actor } from '../../../src/router/types.js';
import type { Executor } from '../../../src/ssh/types.js';
import { remote, sh } from '../../../src/ssh/shell.js';
import type { ExecOutcome } from '../../../src/ssh/types.js';
import { openDatabase } from '../../../src/store/database.js';
import { SqliteStore } from '../../../src/store/sqlite-store.js';
import { loadCatalog } from '../../../src/signatures/index.js';
import { realRunbookTiming } from '../../../src/runbooks/command.js';
import { IncidentStore } from '../../../src/incidents/store.js';

const inventory = parseInventory(
  'cluster: t\nknown_hosts: /dev/null\nnodes:\n  - { name: node-10, address: 127.0.0.1, roles: [controller] }\n  - { name: node-18, address: 127.0.0.1, roles: [compute] }\n',
  '/tmp/inv.yml',
);

/** Answers every command with "ran <command>": the router, not SSH, is under test here. */
const executor: Executor = {
  async exec(node, command) {
    return {
      ok: true,
      node,
      command: command.script.text,
      stdout: `ran ${command.script.text}`,
      stderr: '',
      exitCode: 0,
      signal: undefined,
      durationMs: 1,
      truncated: false,
    } satisfies ExecOutcome;
  },
  async fanOut(nodes, command) {
    return Promise.all(nodes.map((n) => this.exec(n, command)));
  },
};

const family = defineFamily({
  name: 'compute',
  summary: 'compute nodes',
  commands: [
    defineCommand({
      family: 'compute',
      name: 'fix-libvirt',
      summary: 'restart libvirtd and nova-compute',
      args: [{ name: 'node', kind: 'node', nodeRoles: ['compute'], description: 'a compute node' }],
      flags: [{ name: 'dry-run', description: 'plan only' }],
      permission: 'operator',
      dangerous: true,
      async plan(ctx) {
        const node = ctx.args.positional.node ?? '';
        return { summary: `restart libvirt on ${node}`, actions: [{ node, description: 'restart libvirtd', command: 'service libvirtd restart' }] };
      },
      async run(ctx) {
        const node = ctx.args.positional.node ?? '';
        const r = await ctx.executor.exec(node, remote(sh`service libvirtd restart`));
        return { ok: r.ok, title: ctx.args.flags.has('dry-run') ? 'dry run' : `fixed ${node}`, text: r.ok ? r.stdout : '' };
      },
    }),
    defineCommand({
      family: 'compute',
      name: 'boom',
      summary: 'fails',
      args: [],
      permission: 'viewer',
      run: () => Promise.reject(new Error('secret internals')),
    }),
    defineCommand({
      family: 'compute',
      name: 'refuse',
      summary: 'refuses',
      args: [],
      permission: 'viewer',
      run: () => Promise.reject(new UserError('disk still full on node-10')),
    }),
  ],
});

function setup() {
  const db = new SqliteStore(openDatabase(':memory:'));
  const audit = new AuditLog(db);
  const logError = vi.fn();
  const router = new Router(
    [family],
    inventory,
    executor,
    {
      audit,
      locks: new NodeLocks(db, { cluster: 'test', replica: 'test', ttlSeconds: 30 }),
      clock: () => new Date(),
      catalog: () => loadCatalog(),
      incidents: new IncidentStore(db),
      runbookTiming: realRunbookTiming,
    },
    logError,
  );
  const actor: Actor = { id: 'U1', name: 'alice', via: 'slack', channel: 'C1' };
  return { router, audit, actor, logError };
}

describe('Router', () => {
  it('answers /help and family help without running anything', async () => {
    const { router, actor, audit } = setup();
    const all = await router.dispatch({ text: '/help', actor, role: 'viewer' });
    expect(all.kind === 'reply' && all.reply.text).toMatch(/\/compute +compute nodes/);
    const fam = await router.dispatch({ text: '/compute', actor, role: 'viewer' });
    expect(fam.kind === 'reply' && fam.reply.text).toMatch(
      /\/compute fix-libvirt NODE \[--dry-run\] +restart libvirtd and nova-compute \(asks for confirmation\)/,
    );
    expect(await audit.list()).toEqual([]);
  });

  it('suggests the closest subcommand and shows the family usage', async () => {
    const { router, actor } = setup();
    const r = await router.dispatch({ text: '/compute fix-libvrt node-18', actor, role: 'admin' });
    expect(r.kind === 'reply' && r.ephemeral).toBe(true);
    expect(r.kind === 'reply' && r.reply.title).toBe('unknown subcommand "fix-libvrt" for /compute (did you mean fix-libvirt?)');
  });

  it('names unknown nodes and the eligible ones, and refuses nodes of the wrong role', async () => {
    const { router, actor } = setup();
    const unknown = await router.dispatch({ text: '/compute fix-libvirt node-19', actor, role: 'admin' });
    expect(unknown.kind === 'reply' && unknown.reply.title).toBe('unknown node "node-19" (did you mean node-10?). Nodes with role compute in t: node-18');
    const wrong = await router.dispatch({ text: '/compute fix-libvirt node-10', actor, role: 'admin' });
    expect(wrong.kind === 'reply' && wrong.reply.title).toBe('node-10 is a controller node; /compute fix-libvirt needs a compute node: node-18');
  });

  it('denies a viewer and audits the denial', async () => {
    const { router, actor, audit } = setup();
    const r = await router.dispatch({ text: '/compute fix-libvirt node-18', actor, role: 'viewer' });
    expect(r.kind === 'reply' && r.reply.title).toBe('Not allowed: /compute fix-libvirt needs the operator role; you are a viewer.');
    expect((await audit.list())[0]).toMatchObject({ actorId: 'U1', command: '/compute fix-libvirt node-18', node: 'node-18', outcome: 'denied' });
  });

  it('asks for confirmation with the plan before a dangerous command, then runs it once confirmed', async () => {
    const { router, actor, audit } = setup();
    const first = await router.dispatch({ text: '/compute fix-libvirt node-18', actor, role: 'operator' });
    expect(first.kind).toBe('confirm');
    if (first.kind !== 'confirm') return;
    expect(first.plan.actions).toEqual([{ node: 'node-18', description: 'restart libvirtd', command: 'service libvirtd restart' }]);
    expect((await audit.list())[0]?.remote).toEqual([]);
    const second = await router.dispatch({ text: first.text, actor, role: 'operator', confirmed: true });
    expect(second.kind === 'reply' && second.reply.title).toBe('fixed node-18');
    const [latest] = await audit.list();
    expect(latest).toMatchObject({ outcome: 'ok', node: 'node-18' });
    expect(latest?.remote).toEqual([expect.objectContaining({ node: 'node-18', command: 'service libvirtd restart', ok: true, exitCode: 0 })]);
  });

  it('runs --dry-run without confirmation', async () => {
    const { router, actor } = setup();
    const r = await router.dispatch({ text: '/compute fix-libvirt node-18 --dry-run', actor, role: 'operator' });
    expect(r.kind === 'reply' && r.reply.title).toBe('dry run');
  });

  it('shows user errors verbatim and hides internal errors behind a logged reference', async () => {
    const { router, actor, logError, audit } = setup();
    const refused = await router.dispatch({ text: '/compute refuse', actor, role: 'viewer' });
    expect(refused.kind === 'reply' && refused.reply.title).toBe('disk still full on node-10');
    const boom = await router.dispatch({ text: '/compute boom', actor, role: 'viewer' });
    const title = boom.kind === 'reply' ? boom.reply.title : '';
    expect(title).toMatch(/^Internal error \(ref [0-9a-f]{8}\)/);
    expect(title).not.toMatch(/secret internals/);
    expect(logError).toHaveBeenCalledTimes(1);
    expect(logError.mock.calls[0]?.[0]).toBe(/ref ([0-9a-f]{8})/.exec(title)?.[1]);
    expect((await audit.list()).map((e) => e.outcome)).toEqual(['error', 'refused']);
  });

  it('refuses unknown options', async () => {
    const { router, actor } = setup();
    const r = await router.dispatch({ text: '/compute fix-libvirt node-18 --force', actor, role: 'admin' });
    expect(r.kind === 'reply' && r.reply.title).toBe('unknown option --force (this command takes --dry-run)');
  });
});

describe('AuditLog', () => {
  it('marks invocations left pending by a stopped process as interrupted', async () => {
    const db = new SqliteStore(openDatabase(':memory:'));
    const audit = new AuditLog(db);
    const actor: Actor = { id: 'U1', name: 'alice', via: 'slack' };
    const id = await audit.begin({ actor, command: '/rabbit heal node-10', kind: 'runbook', node: 'node-10' });
    expect(await new AuditLog(db).markInterrupted()).toBe(1);
    expect((await audit.list())[0]).toMatchObject({ id, outcome: 'interrupted', detail: 'stackmedic stopped before this finished' });
  });
});

describe('a family with a default command', () => {
  it('hands the words to the default command when the first is not a subcommand', async () => {
    const trace = defineFamily({
      name: 'trace',
      summary: 'follow a request',
      defaultCommand: 'request',
      commands: [
        defineCommand({
          family: 'trace',
          name: 'request',
          summary: 'follow it',
          args: [{ name: 'id', kind: 'word', description: 'req id', pattern: /^req-[0-9a-f-]{36}$/, patternHint: 'req-<uuid>' }],
          permission: 'viewer',
          run: async (ctx) => ({ ok: true, title: `traced ${ctx.args.positional.id}`, text: '' }),
        }),
      ],
    });
    const db = new SqliteStore(openDatabase(':memory:'));
    const router = new Router([trace], inventory, executor, {
      audit: new AuditLog(db),
      locks: new NodeLocks(db, { cluster: 'test', replica: 'test', ttlSeconds: 30 }),
      clock: () => new Date(),
      catalog: () => loadCatalog(),
      incidents: new IncidentStore(db),
      runbookTiming: realRunbookTiming,
    });
    const actor: Actor = { id: 'U1', name: 'alice', via: 'slack' };
    const short = await router.dispatch({ text: '/trace req-36aaf95c-53ed-4b77-8bc9-9cc0f6d90feb', actor, role: 'viewer' });
    expect(short.kind === 'reply' && short.reply.title).toBe('traced req-36aaf95c-53ed-4b77-8bc9-9cc0f6d90feb');
    const bad = await router.dispatch({ text: '/trace nonsense', actor, role: 'viewer' });
    expect(bad.kind === 'reply' && bad.reply.title).toBe('ID must be req-<uuid>');
    const help = await router.dispatch({ text: '/trace', actor, role: 'viewer' });
    expect(help.kind === 'reply' && help.reply.text).toMatch(/may be shortened to \/trace/);
  });
});

describe('Router.prepare', () => {
  it('answers help, usage errors and denials without running anything, and defers the rest', async () => {
    const { router, actor, audit } = setup();
    const help = router.prepare({ text: '/compute help', actor, role: 'viewer' });
    expect(help.kind).toBe('answered');
    const usage = router.prepare({ text: '/compute fix-libvirt', actor, role: 'operator' });
    expect(usage.kind === 'answered' && usage.result.kind === 'reply' && usage.result.reply.title).toBe('missing NODE: a compute node');
    const denied = router.prepare({ text: '/compute fix-libvirt node-18', actor, role: 'viewer' });
    expect(denied.kind === 'answered' && denied.result.kind === 'reply' && denied.result.reply.title).toMatch(/^Not allowed/);
    const ready = router.prepare({ text: '/compute fix-libvirt node-18 --dry-run', actor, role: 'operator' });
    expect(ready.kind).toBe('ready');
    // Nothing ran yet: only the denial is in the audit log (written in the background by prepare).
    if (denied.kind === 'answered' && denied.result.kind === 'reply') expect(await denied.result.audited).toBeGreaterThan(0);
    expect((await audit.list()).map((e) => e.outcome)).toEqual(['denied']);
    const result = ready.kind === 'ready' ? await ready.run() : undefined;
    expect(result?.kind === 'reply' && result.reply.title).toBe('dry run');
  });
});
