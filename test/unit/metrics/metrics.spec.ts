import { describe, expect, it, vi } from 'vitest';
import { NodeLocks } from '../../../src/app/locks.js';
import { AuditLog } from '../../../src/audit/audit-log.js';
import { UserError } from '../../../src/errors.js';
import { IncidentStore } from '../../../src/incidents/store.js';
import { parseInventory } from '../../../src/inventory/load.js';
import { MeteredExecutor, exitClassOf } from '../../../src/metrics/metered-executor.js';
import { MeteredRouter } from '../../../src/metrics/metered-router.js';
import { StackmedicMetrics } from '../../../src/metrics/metrics.js';
import { meteredSlackFetch, slackMethodOf } from '../../../src/metrics/slack-fetch.js';
import { defineCommand, defineFamily } from '../../../src/router/command.js';
import type { Actor } from '../../../src/router/types.js';
import { realRunbookTiming } from '../../../src/runbooks/command.js';
import { loadCatalog } from '../../../src/signatures/index.js';
import { remote, sh } from '../../../src/ssh/shell.js';
import type { ExecOutcome } from '../../../src/ssh/types.js';
import { openDatabase } from '../../../src/store/database.js';
import { SqliteStore } from '../../../src/store/sqlite-store.js';
import { parseExposition, valueOf } from './exposition.js';

const inventory = parseInventory(
  'cluster: t\nknown_hosts: /dev/null\nnodes:\n  - { name: node-10, address: 127.0.0.1, roles: [controller] }\n  - { name: node-18, address: 127.0.0.1, roles: [compute] }\n',
  '/tmp/inv.yml',
);

/** node-10 answers with the exit code asked for; node-18 cannot be reached. */
const inner = {
  async exec(node: string, command: { script: { text: string } }): Promise<ExecOutcome> {
    if (node === 'node-18') return { ok: false, node, command: command.script.text, kind: 'unreachable', message: 'connection refused', durationMs: 1 };
    const code = Number(/exit (\d+)/.exec(command.script.text)?.[1] ?? 0);
    return { ok: true, node, command: command.script.text, stdout: '', stderr: '', exitCode: code, signal: undefined, durationMs: 1, truncated: false };
  },
  async fanOut(nodes: readonly string[], command: { script: { text: string } }): Promise<ExecOutcome[]> {
    return Promise.all(nodes.map((n) => this.exec(n, command)));
  },
};

const family = defineFamily({
  name: 'cluster',
  summary: 'the cluster',
  commands: [
    defineCommand({
      family: 'cluster',
      name: 'ping',
      summary: 'ping',
      args: [],
      permission: 'viewer',
      async run(ctx) {
        await ctx.executor.fanOut(['node-10', 'node-18'], remote(sh`true`));
        return { ok: true, title: 'pinged', text: '' };
      },
    }),
    defineCommand({ family: 'cluster', name: 'refuse', summary: 'x', args: [], permission: 'viewer', run: () => Promise.reject(new UserError('no')) }),
    defineCommand({ family: 'cluster', name: 'boom', summary: 'x', args: [], permission: 'viewer', run: () => Promise.reject(new Error('internal')) }),
    defineCommand({
      family: 'cluster',
      name: 'fail',
      summary: 'x',
      args: [],
      permission: 'viewer',
      run: async () => ({ ok: false, title: 'found problems', text: '' }),
    }),
    defineCommand({
      family: 'cluster',
      name: 'heal',
      summary: 'x',
      args: [],
      permission: 'operator',
      run: async () => ({ ok: true, title: 'healed', text: '' }),
    }),
  ],
});

function setup() {
  const metrics = new StackmedicMetrics();
  const db = new SqliteStore(openDatabase(':memory:'));
  const executor = new MeteredExecutor(inner, metrics);
  const router = new MeteredRouter(
    metrics,
    [family],
    inventory,
    executor,
    {
      audit: new AuditLog(db),
      locks: new NodeLocks(db, { cluster: 'test', replica: 'test', ttlSeconds: 30 }),
      clock: () => new Date(),
      catalog: () => loadCatalog(),
      incidents: new IncidentStore(db),
      runbookTiming: realRunbookTiming,
    },
    vi.fn(),
  );
  const actor: Actor = { id: 'U1', name: 'alice', via: 'slack', channel: 'C1' };
  return { metrics, router, executor, actor };
}

const scrape = async (m: StackmedicMetrics): Promise<ReturnType<typeof parseExposition>> => parseExposition(await m.text());

describe('the exposition parser', () => {
  it.each([
    ['a sample before its TYPE', 'a_total 1\n'],
    ['a bad metric name', '# TYPE 1a counter\n'],
    ['an unquoted label value', '# TYPE a counter\na{x=1} 1\n'],
    ['a bad escape', '# TYPE a counter\na{x="\\t"} 1\n'],
    ['a duplicate series', '# TYPE a counter\na{x="1"} 1\na{x="1"} 2\n'],
    ['a value that is not a float', '# TYPE a gauge\na 1,5\n'],
    ['no final newline', '# TYPE a gauge\na 1'],
    ['buckets that shrink', '# TYPE h histogram\nh_bucket{le="1"} 5\nh_bucket{le="+Inf"} 3\nh_sum 1\nh_count 3\n'],
    ['no +Inf bucket', '# TYPE h histogram\nh_bucket{le="1"} 1\nh_sum 1\nh_count 1\n'],
  ])('refuses %s', (_what, text) => {
    expect(() => parseExposition(text)).toThrow();
  });

  it('reads escaped label values', async () => {
    const f = parseExposition('# HELP a A.\n# TYPE a gauge\na{x="q\\"\\\\\\n"} -Inf\n');
    expect(f.get('a')?.samples[0]).toEqual({ name: 'a', labels: { x: 'q"\\\n' }, value: -Infinity });
  });
});

describe('StackmedicMetrics', () => {
  it("exposes Prometheus' text format with the process's default metrics and every stackmedic family", async () => {
    const { metrics } = setup();
    const families = await scrape(metrics);
    expect(metrics.contentType).toMatch(/^text\/plain; version=0\.0\.4/);
    expect(families.get('process_cpu_user_seconds_total')?.type).toBe('counter');
    expect(families.get('nodejs_heap_size_used_bytes')?.type).toBe('gauge');
    for (const name of [
      'stackmedic_commands_total',
      'stackmedic_command_duration_seconds',
      'stackmedic_slack_ack_seconds',
      'stackmedic_slack_early_acks_total',
      'stackmedic_remote_commands_total',
      'stackmedic_node_reachable',
      'stackmedic_ssh_connections',
      'stackmedic_check_duration_seconds',
      'stackmedic_check_last_success_timestamp_seconds',
      'stackmedic_incidents_open',
      'stackmedic_signatures_fired_total',
      'stackmedic_slack_api_requests_total',
      'stackmedic_slack_api_retries_total',
      'stackmedic_alertmanager_webhook_requests_total',
    ]) {
      expect(families.has(name), name).toBe(true);
      expect(families.get(name)?.help, name).not.toBe('');
    }
  });

  it('counts commands by family, outcome and role, and times the ones that run', async () => {
    const { metrics, router, actor } = setup();
    await router.dispatch({ text: '/cluster ping', actor, role: 'viewer' });
    await router.dispatch({ text: '/cluster refuse', actor, role: 'viewer' });
    await router.dispatch({ text: '/cluster boom', actor, role: 'viewer' });
    await router.dispatch({ text: '/cluster fail', actor, role: 'viewer' });
    await router.dispatch({ text: '/cluster heal', actor, role: 'viewer' });
    await router.dispatch({ text: '/cluster nope', actor, role: 'admin' });
    await router.dispatch({ text: '/cluster help', actor, role: 'admin' });
    await router.dispatch({ text: '/x3cr3t-typed-text', actor, role: 'admin' });
    const f = await scrape(metrics);
    const count = (outcome: string, role = 'viewer', fam = 'cluster'): number | undefined =>
      valueOf(f, 'stackmedic_commands_total', { family: fam, outcome, role });
    expect([count('ok'), count('refused'), count('error'), count('failed'), count('denied')]).toEqual([1, 1, 1, 1, 1]);
    expect([count('usage', 'admin'), count('help', 'admin'), count('usage', 'admin', 'unknown')]).toEqual([1, 1, 1]);
    expect(valueOf(f, 'stackmedic_command_duration_seconds_count', { family: 'cluster' })).toBe(4);
    // What was typed never becomes a label.
    expect(await metrics.text()).not.toContain('x3cr3t');
  });

  it('counts remote commands by exit class and keeps each node reachable or not', async () => {
    const { metrics, executor } = setup();
    await executor.exec('node-10', remote(sh`exit 0`));
    await executor.exec('node-10', remote(sh`exit 3`));
    await executor.fanOut(['node-10', 'node-18'], remote(sh`true`));
    const f = await scrape(metrics);
    expect(valueOf(f, 'stackmedic_remote_commands_total', { exit: 'ok' })).toBe(2);
    expect(valueOf(f, 'stackmedic_remote_commands_total', { exit: 'nonzero' })).toBe(1);
    expect(valueOf(f, 'stackmedic_remote_commands_total', { exit: 'unreachable' })).toBe(1);
    expect(valueOf(f, 'stackmedic_node_reachable', { node: 'node-10' })).toBe(1);
    expect(valueOf(f, 'stackmedic_node_reachable', { node: 'node-18' })).toBe(0);
    expect(exitClassOf({ ok: true, node: 'n', command: '', stdout: '', stderr: '', exitCode: null, signal: 'KILL', durationMs: 1, truncated: false })).toBe(
      'signal',
    );
  });

  it('reads SSH connections and open incidents at scrape time, and passes as they end', async () => {
    const { metrics } = setup();
    let open = 2;
    metrics.watch({ sshConnections: () => open, openIncidents: () => ({ critical: 1, minor: 3 }) });
    let f = await scrape(metrics);
    expect(valueOf(f, 'stackmedic_ssh_connections')).toBe(2);
    expect([0, 1, 2, 3].map((i) => valueOf(f, 'stackmedic_incidents_open', { severity: ['critical', 'major', 'minor', 'info'][i] as string }))).toEqual([
      1, 0, 3, 0,
    ]);
    open = 5;
    metrics.pass('ok', 1.5, ['rabbit-disk-alarm', 'rabbit-disk-alarm', 'alert'], new Date('2026-12-01T10:00:00Z'));
    metrics.pass('failed', 0.2);
    f = await scrape(metrics);
    expect(valueOf(f, 'stackmedic_ssh_connections')).toBe(5);
    expect(valueOf(f, 'stackmedic_checks_total', { outcome: 'ok' })).toBe(1);
    expect(valueOf(f, 'stackmedic_checks_total', { outcome: 'failed' })).toBe(1);
    expect(valueOf(f, 'stackmedic_check_duration_seconds_count')).toBe(2);
    expect(valueOf(f, 'stackmedic_check_last_success_timestamp_seconds')).toBe(Date.parse('2026-12-01T10:00:00Z') / 1000);
    expect(valueOf(f, 'stackmedic_signatures_fired_total', { signature: 'rabbit-disk-alarm' })).toBe(1);
  });

  it('keeps the last values when a scrape-time source fails (a store closed at shutdown)', async () => {
    const { metrics } = setup();
    metrics.watch({ sshConnections: () => 1 });
    await metrics.text();
    metrics.watch({
      sshConnections: () => {
        throw new Error('closed');
      },
    });
    expect(valueOf(await scrape(metrics), 'stackmedic_ssh_connections')).toBe(1);
  });
});

describe('Slack API requests', () => {
  const json = (body: unknown, status = 200): Response => new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });

  it('names the Web API method of a URL, never its query or ids', async () => {
    expect(slackMethodOf('https://slack.com/api/chat.postMessage')).toBe('chat.postMessage');
    expect(slackMethodOf('https://files.slack.com/upload/v1/ABC123')).toBe('upload');
    expect(slackMethodOf('https://hooks.slack.com/commands/T1/2/secret')).toBe('other');
  });

  it('counts results and recognises a retry of a failed request', async () => {
    const metrics = new StackmedicMetrics({ defaultMetrics: false });
    const answers = [
      json({ ok: true }),
      json({ ok: false, error: 'channel_not_found' }),
      json({}, 429),
      new Error('ECONNRESET'),
      json({ ok: true }),
      json({}, 500),
    ];
    const base = async (): Promise<Response> => {
      const a = answers.shift();
      if (a instanceof Error) throw a;
      return a as Response;
    };
    const f = meteredSlackFetch(metrics, base);
    const post = (body: string): Promise<Response> => f('https://slack.com/api/chat.postMessage', { method: 'POST', body });
    await post('a=1');
    const refused = await post('a=2');
    expect(await refused.json()).toEqual({ ok: false, error: 'channel_not_found' });
    await post('a=3');
    await expect(post('a=3')).rejects.toThrow('ECONNRESET');
    await post('a=3');
    await f('https://slack.com/api/auth.test', { method: 'POST', body: 'x' });
    const e = parseExposition(await metrics.text());
    const n = (result: string, method = 'chat.postMessage'): number | undefined => valueOf(e, 'stackmedic_slack_api_requests_total', { method, result });
    expect([n('ok'), n('api-error'), n('rate-limited'), n('network-error'), n('http-error', 'auth.test')]).toEqual([2, 1, 1, 1, 1]);
    // a=3 was sent three times: the second and third are retries.
    expect(valueOf(e, 'stackmedic_slack_api_retries_total', { method: 'chat.postMessage' })).toBe(2);
  });
});
