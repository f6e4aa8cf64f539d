import { describe, expect, it } from 'vitest';
import type { Inventory } from '../../../src/inventory/types.js';
import type { Executor } from '../../../src/ssh/types.js';
import { executeRunbook } from '../../../src/runbooks/engine.js';
import { renderRunbookReport } from '../../../src/runbooks/report.js';
import type { Runbook, RunbookContext } from '../../../src/runbooks/types.js';
import { remote, sh } from '../../../src/ssh/shell.js';
import type { ExecOutcome } from '../../../src/ssh/types.js';

const inventory: Inventory = {
  cluster: 't',
  knownHostsPath: '/dev/null',
  nodes: [{ name: 'n1', roles: ['controller'], address: '127.0.0.1', port: 22, user: 'root', become: false }],
  jumpHosts: [],
  source: 'test',
};

function context(
  answer: (command: string, timeoutMs: number | undefined) => ExecOutcome,
  extra: Partial<RunbookContext> = {},
): RunbookContext & { sent: string[] } {
  const sent: string[] = [];
  const executor: Executor = {
    exec: async (_node, command, options) => {
      sent.push(command.script.text);
      return answer(command.script.text, options?.timeoutMs);
    },
    fanOut: async () => [],
  };
  let now = 0;
  return {
    inventory,
    executor,
    progress: () => undefined,
    catalog: () => Promise.reject(new Error('no catalog in these tests')),
    sleep: async (ms) => void (now += ms),
    now: () => now,
    sent,
    ...extra,
  };
}

const okOut = (command: string, exitCode = 0, stderr = ''): ExecOutcome => ({
  ok: true,
  node: 'n1',
  command,
  stdout: '',
  stderr,
  exitCode,
  signal: undefined,
  durationMs: 1,
  truncated: false,
});

function runbook(extra: Partial<Runbook> = {}): Runbook {
  return {
    id: 'test',
    title: 'Test',
    nodes: ['n1'],
    steps: [
      { kind: 'check', description: 'precondition', run: async () => ({ ok: true, detail: 'fine' }) },
      { kind: 'act', description: 'do it', node: 'n1', command: remote(sh`do-it ${'a b'}`), timeoutMs: 60_000, onFailure: 'undo it by hand' },
      { kind: 'verify', description: 'it is done', deadlineMs: 10_000, intervalMs: 1_000, poll: async () => ({ ok: true, detail: 'done' }), onFailure: 'look' },
    ],
    ...extra,
  };
}

describe('executeRunbook', () => {
  it('reports what is still down elsewhere after success, never in a dry run', async () => {
    const rb = runbook({ followUp: async () => ({ notes: ['nova-compute on c1 is down'], next: '/compute fix-libvirt c1' }) });
    const done = await executeRunbook(
      rb,
      context((c) => okOut(c)),
    );
    expect(done).toMatchObject({ status: 'succeeded', notes: ['nova-compute on c1 is down'], next: '/compute fix-libvirt c1' });
    expect(renderRunbookReport(done).text).toContain('Still to do elsewhere:\n  - nova-compute on c1 is down\nNext: /compute fix-libvirt c1');
    const ctx = context((c) => okOut(c));
    const dry = await executeRunbook(rb, ctx, { dryRun: true });
    expect(dry.status).toBe('planned');
    expect(dry.notes).toBeUndefined();
    expect(ctx.sent).toEqual([]);
  });

  it('reads the node state when an act fails, and says what to do', async () => {
    const rb = runbook({ stateNow: async () => 'service stopped' });
    const r = await executeRunbook(
      rb,
      context((c) => okOut(c, 1, 'boom')),
    );
    expect(r).toMatchObject({ status: 'failed', state: 'service stopped', next: 'undo it by hand' });
    expect(r.reason).toBe('step 2 (do it) failed (exit 1) on n1: boom');
    expect(renderRunbookReport(r).text).toContain('State now: service stopped\nNext: undo it by hand');
  });

  it('stops a verify at its deadline with the last answer (polls at 0, 1, ... 10 s)', async () => {
    let polls = 0;
    const rb = runbook({
      steps: [
        {
          kind: 'verify',
          description: 'never',
          deadlineMs: 10_000,
          intervalMs: 1_000,
          poll: async () => ({ ok: false, detail: `still down (${++polls})` }),
          onFailure: 'look at the log',
        },
      ],
      stateNow: async () => 'down',
    });
    const r = await executeRunbook(
      rb,
      context((c) => okOut(c)),
    );
    expect(r.status).toBe('failed');
    expect(r.reason).toBe('step 1 (never) did not pass within 10 s: still down (11)');
    expect(r).toMatchObject({ state: 'down', next: 'look at the log' });
  });

  it('caps act timeouts with maxActTimeoutMs', async () => {
    const seen: (number | undefined)[] = [];
    await executeRunbook(
      runbook(),
      context((c, t) => (seen.push(t), okOut(c)), { maxActTimeoutMs: 1_500 }),
    );
    expect(seen).toEqual([1_500]);
  });
});
