import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { AuditLog } from '../../../src/audit/audit-log.js';
import { NodeLocks } from '../../../src/app/locks.js';
import { readEnvOptions } from '../../../src/config/env.js';
import { runConsole } from '../../../src/console/console.js';
import { ConsoleIncidentChannel } from '../../../src/console/incident-channel.js';
import { saveBinaryFiles } from '../../../src/console/saved-files.js';
import { consoleMonitoringEnv, SIM_RESOLVE_AFTER_MINUTES, SIM_SCHEDULE, type BackgroundWork, type ConsoleOutput } from '../../../src/console/incident-feed.js';
import { IncidentStore } from '../../../src/incidents/store.js';
import { parseInventory } from '../../../src/inventory/load.js';
import { defineCommand, defineFamily } from '../../../src/router/command.js';
import { Router } from '../../../src/router/router.js';
import type { Reply } from '../../../src/router/types.js';
import { realRunbookTiming } from '../../../src/runbooks/command.js';
import { loadCatalog } from '../../../src/signatures/index.js';
import type { Executor } from '../../../src/ssh/types.js';
import { until } from '../../support/wait.js';
import { openDatabase } from '../../../src/store/database.js';
import { SqliteStore } from '../../../src/store/sqlite-store.js';

const summary = (lines: string[], title = 'Incident #1 (critical): Root disk full (ENOSPC) on node-10'): Reply => ({
  ok: false,
  title,
  text: lines.join('\n'),
});

describe('the incident channel in a terminal', () => {
  it('prints a new message whole, a thread reply under its incident, and an update as the lines that changed', async () => {
    const printed: string[] = [];
    const channel = new ConsoleIncidentChannel((t) => printed.push(t));
    const top = await channel.postReply(
      'console',
      summary(['Incident #1 CRITICAL OPEN since 2017-02-15 06:30:00 UTC', '', 'Impact:', '  RabbitMQ not running on node-10']),
    );
    await channel.postReply(
      'console',
      { ok: false, title: 'Evidence (31 records)', text: Array.from({ length: 20 }, (_, i) => `• record &lt;${i}&gt;`).join('\n') },
      { threadTs: top.ts },
    );
    await channel.updateReply(
      top,
      summary([
        'Incident #1 CRITICAL OPEN since 2017-02-15 06:30:00 UTC',
        'Checks green since 2017-02-15 06:40:00 UTC; resolves at 2017-02-15 06:41:00 UTC if they stay green.',
        '',
        'Impact:',
        '  RabbitMQ not running on node-10',
      ]),
    );
    expect(printed[0]).toBe(
      [
        '[incident channel] Incident #1 (critical): Root disk full (ENOSPC) on node-10',
        '  │ Incident #1 CRITICAL OPEN since 2017-02-15 06:30:00 UTC',
        '  │',
        '  │ Impact:',
        '  │   RabbitMQ not running on node-10',
      ].join('\n'),
    );
    const thread = (printed[1] ?? '').split('\n');
    expect(thread[0]).toBe('[incident channel] ↳ in the thread of Incident #1 (critical): Evidence (31 records)');
    // Slack's escapes are undone, and a long reply is cut after a dozen lines.
    expect(thread[1]).toBe('  │ • record <0>');
    expect(thread).toHaveLength(14);
    expect(thread.at(-1)).toBe('  │ … 8 more lines');
    expect(printed[2]).toBe(
      [
        '[incident channel] ✎ updated: Incident #1 (critical): Root disk full (ENOSPC) on node-10',
        '  │ Checks green since 2017-02-15 06:40:00 UTC; resolves at 2017-02-15 06:41:00 UTC if they stay green.',
      ].join('\n'),
    );
  });

  it('prints one redacted JSON document per message with --json', async () => {
    const printed: string[] = [];
    const channel = new ConsoleIncidentChannel((t) => printed.push(t), true);
    const top = await channel.postReply('console', summary(['AMQP auth failed for rabbit_password=Gh7tQ2vLm9Xc']));
    await channel.postReply('console', { ok: true, title: 'Resolved (stackmedic)', text: 'Checks green' }, { threadTs: top.ts });
    const docs = printed.map((p) => JSON.parse(p) as { incidentChannel: Record<string, unknown> });
    expect(docs[0]?.incidentChannel).toEqual({
      event: 'message',
      ts: '1',
      ok: false,
      title: 'Incident #1 (critical): Root disk full (ENOSPC) on node-10',
      text: 'AMQP auth failed for rabbit_password=****',
    });
    expect(docs[1]?.incidentChannel).toMatchObject({ event: 'thread-reply', ts: '2', threadTs: '1', title: 'Resolved (stackmedic)' });
  });
});

describe('when the console runs the incident check', () => {
  const env = readEnvOptions({});
  it('always on the simulator, every 10 s with a one-minute green window, unless the environment says otherwise', async () => {
    expect(consoleMonitoringEnv(env, {}, true)).toMatchObject({ schedule: SIM_SCHEDULE, resolveAfterMinutes: SIM_RESOLVE_AFTER_MINUTES });
    const raw = { STACKMEDIC_SCHEDULE: '*/5 * * * *', STACKMEDIC_RESOLVE_AFTER_MINUTES: '3' };
    expect(consoleMonitoringEnv(readEnvOptions(raw), raw, true)).toMatchObject({ schedule: '*/5 * * * *', resolveAfterMinutes: 3 });
  });

  it('on an inventory only when STACKMEDIC_SCHEDULE is set, with the configured window', async () => {
    expect(consoleMonitoringEnv(env, {}, false)).toBeUndefined();
    const raw = { STACKMEDIC_SCHEDULE: '*/5 * * * *' };
    expect(consoleMonitoringEnv(readEnvOptions(raw), raw, false)).toMatchObject({ schedule: '*/5 * * * *', resolveAfterMinutes: 10 });
  });
});

function router(): Router {
  const inventory = parseInventory('known_hosts: /dev/null\nnodes:\n  - { name: node-18, address: 127.0.0.1, roles: [compute] }\n', '/tmp/inv.yml');
  const executor: Executor = {
    exec: async () => {
      throw new Error('no remote command in these tests');
    },
    fanOut: async () => [],
  };
  const family = defineFamily({
    name: 'say',
    summary: 'say',
    commands: [
      defineCommand({
        family: 'say',
        name: 'hello',
        summary: 'hello',
        args: [],
        permission: 'viewer',
        run: async () => ({ ok: true, title: 'hello back', text: '' }),
      }),
    ],
  });
  const db = new SqliteStore(openDatabase(':memory:'));
  return new Router([family], inventory, executor, {
    audit: new AuditLog(db),
    locks: new NodeLocks(db, { cluster: 'test', replica: 'test', ttlSeconds: 30 }),
    clock: () => new Date(),
    catalog: () => loadCatalog(),
    incidents: new IncidentStore(db),
    runbookTiming: realRunbookTiming,
  });
}

/** A console whose background work is driven by the test. */
function consoleWith(tty: boolean, ready: Promise<void>) {
  const input = new PassThrough() as PassThrough & { isTTY?: boolean };
  if (tty) input.isTTY = true;
  const output = new PassThrough();
  const errors = new PassThrough();
  let out = '';
  let err = '';
  output.on('data', (d: Buffer) => (out += d.toString()));
  errors.on('data', (d: Buffer) => (err += d.toString()));
  let side: ConsoleOutput | undefined;
  let stopped = false;
  const background = (o: ConsoleOutput): BackgroundWork => {
    side = o;
    return {
      ready,
      stop: async () => {
        stopped = true;
      },
      halt: () => undefined,
    };
  };
  const historyFile = join(mkdtempSync(join(tmpdir(), 'stackmedic-history-')), 'history');
  const done = runConsole({
    router: router(),
    actor: { id: 'console:op', name: 'op', via: 'console' },
    role: 'admin',
    json: false,
    yes: false,
    input,
    output,
    errorOutput: errors,
    historyFile,
    background,
  });
  return { input, done, out: () => out, err: () => err, side: () => side as ConsoleOutput, stopped: () => stopped };
}

const tick = (ms = 30): Promise<void> => new Promise((r) => setTimeout(r, ms));

describe('printing beside the prompt', () => {
  it('on a terminal, clears the line being typed, prints, then redraws the prompt and the typing', async () => {
    const c = consoleWith(true, Promise.resolve());
    await until(() => c.out().includes('stackmedic> '), { what: 'the prompt' });
    c.input.write('/say hel');
    await until(() => c.out().endsWith('/say hel'), { what: 'the typing echoed' });
    const before = c.out().length;
    c.side().print('[incident channel] Incident #1 (critical): Root disk full (ENOSPC) on node-10');
    c.side().warn('stackmedic: opened incident #1');
    const after = c.out().slice(before);
    // ESC[2K clears the line, ESC[1G goes to its start; the message follows, then the prompt and "/say hel" again.
    expect(after.startsWith('\x1b[2K\x1b[1G[incident channel] Incident #1 (critical): Root disk full (ENOSPC) on node-10\n')).toBe(true);
    // ... and the cursor back after "/say hel" (column 21), where the typing goes on.
    expect(after).toMatch(/stackmedic> \/say hel\x1b\[21G$/);
    expect(c.err()).toBe('stackmedic: opened incident #1\n');
    c.input.write('lo\n');
    await until(() => c.out().includes('hello back'), { what: 'the answer to /say hello' });
    c.input.end();
    expect(await c.done).toBe(0);
    expect(c.stopped()).toBe(true);
  });

  it('from a pipe, runs no command before the first pass is over, so its messages come first', async () => {
    let release: () => void = () => undefined;
    const ready = new Promise<void>((r) => (release = r));
    const c = consoleWith(false, ready);
    c.input.end('/say hello\n');
    await tick(100);
    expect(c.out()).not.toContain('hello back');
    c.side().print('[incident channel] Incident #1 (critical)');
    release();
    expect(await c.done).toBe(0);
    expect(c.out()).toBe('[incident channel] Incident #1 (critical)\nhello back\n');
    expect(c.stopped()).toBe(true);
  });
});

describe('pictures in a terminal', () => {
  it('writes binary files into the directory and says where; text files stay in the reply', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'stackmedic-saved-'));
    const lines = saveBinaryFiles(
      [
        { filename: 'postmortem-incident-1.md', title: 'Post-mortem', content: '# text' },
        { filename: '../evil/timeline.png', title: 'Timeline of incident #1', content: 'mermaid', base64: Buffer.from('PNG bytes').toString('base64') },
      ],
      dir,
    );
    expect(lines).toEqual([`Timeline of incident #1: ${join(dir, '.._evil_timeline.png')}`]);
    expect(readdirSync(dir)).toEqual(['.._evil_timeline.png']);
    expect(readFileSync(join(dir, '.._evil_timeline.png'), 'utf8')).toBe('PNG bytes');
    expect(saveBinaryFiles([{ filename: 'a.txt', title: 'a', content: 'a' }], dir)).toEqual([]);
    expect(saveBinaryFiles(undefined, dir)).toEqual([]);
  });
});
