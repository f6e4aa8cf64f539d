import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable, Writable } from 'node:stream';
import { webApi, type Logger } from '@slack/bolt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { builtinFamilies } from '../../commands/index.js';
import { createApp, type StackmedicApp } from '../../src/app/create-app.js';
import { AuditLog } from '../../src/audit/audit-log.js';
import { runCli } from '../../src/cli/cli.js';
import { readEnvOptions } from '../../src/config/env.js';
import { runLine } from '../../src/console/session.js';
import { formatReply, replyJson } from '../../src/console/format.js';
import { IncidentStore, renderPostmortem, summaryReply } from '../../src/incidents/index.js';
import { parseInventory } from '../../src/inventory/load.js';
import { Router, type DispatchResult } from '../../src/router/router.js';
import type { Actor, Reply } from '../../src/router/types.js';
import type { Executor } from '../../src/ssh/types.js';
import { loadCatalog } from '../../src/signatures/index.js';
import { startSimCluster, type SimCluster } from '../../src/sim/index.js';
import { appendLog } from '../../src/sim/state/logging.js';
import { SlackPoster } from '../../src/slack/poster.js';
import { renderReply } from '../../src/slack/render.js';
import { openDatabase } from '../../src/store/database.js';
import { SqliteStore } from '../../src/store/sqlite-store.js';
import { asLogLines, leaks, secretShapes, showsEverySecret, type SecretShape } from '../support/secrets.js';

/**
 * The secret corpus (test/fixtures/secrets) placed in node logs and command outputs, then read
 * through every door stackmedic has: `stackmedic diagnose` (text and --json), /trace, /cluster
 * node (console text and --json), Slack messages and files, the incident store and everything it
 * keeps, incident summaries and post-mortems. No door may show a secret; each door is also shown
 * to carry the text (the secret is there without redaction, or the names around it are).
 */

const shapes = secretShapes();
const actor: Actor = { id: 'console:op', name: 'op', via: 'console' };

/** The windows of every shape's secrets found in `output`, by shape id. */
function leaksOf(output: string, of: readonly SecretShape[] = shapes): Record<string, string[]> {
  const found: Record<string, string[]> = {};
  for (const s of of) {
    const l = leaks(output, s);
    if (l.length > 0) found[s.id] = l;
  }
  return found;
}

function capture(): { stream: Writable; text: () => string } {
  const chunks: string[] = [];
  return {
    stream: new Writable({
      write(chunk: Buffer, _enc, done) {
        chunks.push(chunk.toString());
        done();
      },
    }),
    text: () => chunks.join(''),
  };
}

function replyOf(result: DispatchResult): Reply {
  if (result.kind !== 'reply') throw new Error(`expected a reply, got ${result.kind}`);
  return result.reply;
}

/** Everything a reply shows through the console and Slack: text, --json, and Slack messages and files. */
function everyRendering(result: DispatchResult): string {
  const reply = replyOf(result);
  const slack = renderReply(reply);
  return [
    formatReply(reply),
    replyJson(result),
    JSON.stringify(slack.main),
    JSON.stringify(slack.thread),
    ...slack.files.map((f) => `${f.title}\n${f.content}`),
  ].join('\n');
}

describe('stackmedic diagnose', () => {
  const dir = mkdtempSync(join(tmpdir(), 'stackmedic-secrets-'));
  const logs = join(dir, 'logs');
  const signatures = join(dir, 'signatures');

  beforeAll(async () => {
    // One node per shape, so that each shape is the evidence shown for its own finding; the
    // shape's lines continue the record (indented), as a traceback or a config dump does.
    shapes.forEach((shape, i) => {
      mkdirSync(join(logs, `n${i}`, 'var/log/corpus'), { recursive: true });
      const body = shape.text
        .split('\n')
        .map((l) => `\t${l}`)
        .join('\n');
      writeFileSync(join(logs, `n${i}`, 'var/log/corpus/corpus.log'), `2017-02-14 05:49:45 E shape ${i}:\n${body}\n`);
    });
    mkdirSync(signatures);
    writeFileSync(
      join(signatures, 'corpus.yaml'),
      [
        'signatures:',
        '  - id: corpus-shape',
        '    title: A line of the secret corpus',
        '    severity: major',
        '    source: { logs: { roles: [controller, compute], paths: [/var/log/corpus/*.log] } }',
        `    patterns: ['E shape (?<n>\\d+):(?<body>[\\s\\S]*)']`,
        '    remediation: Nothing; this finding carries the corpus through diagnose.',
        '',
      ].join('\n'),
    );
  });

  async function diagnose(...flags: string[]): Promise<string> {
    const out = capture();
    const err = capture();
    const env = { SIGNATURES_DIR: signatures, STACKMEDIC_DB: join(dir, 'db.sqlite') };
    const code = await runCli(['diagnose', '--logs', logs, ...flags], { env, stdin: Readable.from([]), stdout: out.stream, stderr: err.stream });
    expect(err.text()).toBe('');
    expect(code).toBe(1);
    return out.text();
  }

  it('text output shows every shape as evidence and no secret', async () => {
    const text = await diagnose();
    for (let i = 0; i < shapes.length; i++) expect(text).toContain(`corpus-shape on n${i} x1`);
    expect(leaksOf(text)).toEqual({});
  });

  it('--json shows every shape in its fields, names kept, and no secret', async () => {
    const json = JSON.parse(await diagnose('--json')) as { findings: { node: string; fields: Record<string, string> }[] };
    expect(json.findings).toHaveLength(shapes.length);
    for (const f of json.findings) {
      const shape = shapes[Number(f.fields.n)] as SecretShape;
      expect(f.node).toBe(`n${f.fields.n}`);
      expect(leaks(f.fields.body ?? '', shape), shape.id).toEqual([]);
      for (const kept of shape.keep) expect(f.fields.body, shape.id).toContain(kept);
    }
  });

  it('--no-redact shows an operator their own logs as they are', async () => {
    const text = await diagnose('--no-redact');
    const json = JSON.parse(await diagnose('--json', '--no-redact')) as { findings: { fields: Record<string, string> }[] };
    for (const shape of shapes) expect(showsEverySecret(text, shape), shape.id).toBe(true);
    for (const f of json.findings) expect(f.fields.body).toContain((shapes[Number(f.fields.n)] as SecretShape).secrets[0]);
  });
});

describe('/trace on the simulator', () => {
  const REQ = 'req-5ec7e700-1111-4222-8333-444455556666';
  const logged = shapes.filter((s) => !s.file);
  let sim: SimCluster;
  let app: StackmedicApp;
  let router: Router;
  let lines = 0;

  beforeAll(async () => {
    sim = await startSimCluster({ scenario: 'healthy' });
    app = createApp({ inventory: sim.inventory, env: readEnvOptions({ STACKMEDIC_DB: join(mkdtempSync(join(tmpdir(), 'stackmedic-trace-')), 'db.sqlite') }) });
    router = new Router(builtinFamilies, sim.inventory, app.pool, app.services);
    const node = sim.state.nodes.get('node-10');
    if (!node) throw new Error('no node-10 in the simulator');
    const text = logged.map((s) => asLogLines(s.text, `2017-02-14 06:00:00.000 4242 INFO nova.api.openstack [${REQ} admin admin] `)).join('\n');
    lines = text.split('\n').length;
    appendLog(node, '/var/log/nova/nova-api.log', text.split('\n'), Date.parse('2017-02-14T06:00:00Z'));
    // A private key logged line by line: only the whole run of lines shows it is one.
    const pem = shapes.find((s) => s.id === 'pem-rsa') as SecretShape;
    appendLog(
      node,
      '/var/log/nova/nova-conductor.log',
      asLogLines(pem.text, `2017-02-14 06:00:01.000 4243 DEBUG nova.conductor [${REQ} - -] `).split('\n'),
      Date.now(),
    );
  }, 60_000);

  afterAll(async () => {
    await app?.close();
    await sim?.stop();
  });

  it('finds every line and shows no secret in text, --json or Slack', async () => {
    const result = await router.dispatch({ text: `/trace ${REQ}`, actor, role: 'viewer' });
    const reply = replyOf(result);
    expect((reply.data as { total: number }).total).toBe(lines + 5);
    const shown = everyRendering(result);
    expect(leaksOf(shown)).toEqual({});
    for (const s of logged) for (const kept of s.keep) expect(reply.text, s.id).toContain(kept);
  }, 60_000);
});

describe('/cluster node on node outputs full of secrets', () => {
  const inventory = parseInventory('known_hosts: /dev/null\nnodes:\n  - { name: node-1, address: 127.0.0.1, roles: [controller] }\n', '/tmp/inv.yml');
  let app: StackmedicApp;
  let dbPath: string;

  beforeAll(async () => {
    dbPath = join(mkdtempSync(join(tmpdir(), 'stackmedic-node-')), 'db.sqlite');
    app = createApp({ inventory, env: readEnvOptions({ STACKMEDIC_DB: dbPath }) });
  });
  afterAll(async () => {
    await app?.close();
  });

  /** A router whose node answers every probe with `text` on stdout and stderr. */
  function routerAnswering(text: string): Router {
    const executor: Executor = {
      async exec(node, command) {
        return { ok: true, node, command: command.script.text, stdout: text, stderr: text, exitCode: 1, signal: undefined, durationMs: 1, truncated: false };
      },
      async fanOut(nodes, command) {
        return Promise.all(nodes.map((n) => this.exec(n, command)));
      },
    };
    return new Router(builtinFamilies, inventory, executor, app.services);
  }

  it.each(shapes.map((s) => [s.id, s] as const))('%s: console text, --json and Slack show no secret', async (_id, shape) => {
    const router = routerAnswering(shape.text);
    const result = await router.dispatch({ text: '/cluster node node-1', actor, role: 'viewer' });
    expect(leaksOf(everyRendering(result), [shape])).toEqual({});
    // The door carried the output: probes that could not read it keep it, redacted, as raw text.
    const probes = Object.values((JSON.parse(replyJson(result)) as { data: { probes: Record<string, { kind: string; raw?: string }> } }).data.probes);
    const raw = probes.map((p) => p.raw ?? '').join('\n');
    expect(probes.some((p) => p.kind === 'unknown')).toBe(true);
    for (const kept of shape.keep) expect(raw).toContain(kept);
  });

  it('the audit keeps no secret from failures and replies', async () => {
    const failing: Executor = {
      async exec(node, command) {
        return {
          ok: false,
          node,
          command: command.script.text,
          kind: 'error',
          message: `could not start the command: ${shapes.map((s) => s.text).join(' | ')}`,
          durationMs: 1,
        };
      },
      async fanOut(nodes, command) {
        return Promise.all(nodes.map((n) => this.exec(n, command)));
      },
    };
    const result = await new Router(builtinFamilies, inventory, failing, app.services).dispatch({ text: '/cluster node node-1', actor, role: 'viewer' });
    expect(leaksOf(everyRendering(result))).toEqual({});
    const db = new SqliteStore(openDatabase(dbPath));
    try {
      const failures = db.db.prepare(`SELECT failure FROM audit_remote WHERE failure IS NOT NULL`).all() as { failure: string }[];
      expect(failures.length).toBeGreaterThan(0);
      expect(failures.every((f) => f.failure.includes('rabbit_password'))).toBe(true);
      const tables = (db.db.prepare(`SELECT name FROM sqlite_master WHERE type = 'table'`).all() as { name: string }[]).map((t) => t.name);
      expect(leaksOf(tables.map((t) => JSON.stringify(db.db.prepare(`SELECT * FROM "${t}"`).all())).join('\n'))).toEqual({});
    } finally {
      db.close();
    }
  });

  it('runLine prints no secret, with and without --json', async () => {
    const shape = shapes.find((s) => s.id === 'pem-rsa') as SecretShape;
    const printed: string[] = [];
    for (const json of [false, true]) {
      await runLine('/cluster node node-1', {
        router: routerAnswering(shape.text),
        actor,
        role: 'admin',
        json,
        yes: false,
        io: { print: (t) => printed.push(t) },
      });
    }
    expect(printed.length).toBeGreaterThanOrEqual(2);
    expect(leaksOf(printed.join('\n'))).toEqual({});
  });
});

describe('Slack messages and files', () => {
  it('a long reply split over messages, thread and files shows no secret, not even a key cut in two', async () => {
    const calls: unknown[] = [];
    const client = {
      chat: {
        postMessage: async (args: unknown) => (calls.push(args), { ok: true, channel: 'C1', ts: `${calls.length}.0` }),
        update: async (args: unknown) => (calls.push(args), { ok: true }),
        postEphemeral: async (args: unknown) => (calls.push(args), { ok: true }),
      },
      filesUploadV2: async (args: unknown) => (calls.push(args), { ok: true }),
    } as unknown as webApi.WebClient;
    const logger = { debug: () => undefined, info: () => undefined, warn: () => undefined, error: () => undefined } as unknown as Logger;
    const poster = new SlackPoster(client, logger);
    // Padding puts each private key across the boundary of a section or a message.
    const text = shapes.map((s, i) => `${'padding line\n'.repeat(i * 37)}${s.text}`).join('\n');
    await poster.postReply('C1', { ok: false, title: 'corpus', text });
    expect(calls.length).toBeGreaterThan(1);
    expect(leaksOf(JSON.stringify(calls))).toEqual({});
  });
});

describe('the incident store, incident summaries and post-mortems', () => {
  it('keep and show no secret', async () => {
    const catalog = await loadCatalog();
    const db = new SqliteStore(openDatabase(join(mkdtempSync(join(tmpdir(), 'stackmedic-store-')), 'db.sqlite')));
    try {
      const store = new IncidentStore(db);
      const audit = new AuditLog(db, () => new Date('2017-02-14T07:00:00Z'));
      const all = shapes.map((s) => s.text).join('\n');
      const id = await store.open(
        {
          severity: 'critical',
          title: `Root disk full on node-10 (${shapes[0]?.text ?? ''})`,
          root: { signature: 'root-disk-full', node: 'node-10' },
          chain: null,
          chainText: all,
          impact: shapes.map((s) => ({ area: 'disk', severity: 'critical', nodes: ['node-10'], summary: s.text })),
          nextSteps: ['/cluster free-disk node-10'],
        },
        shapes.map((s, i) => ({
          key: `log|corpus|node-10|/var/log/corpus.log|${i}`,
          kind: 'log' as const,
          signature: 'root-disk-full',
          node: 'node-10',
          file: '/var/log/nova/nova-compute.log',
          line: i + 1,
          time: `2017-02-14T05:${String(i % 60).padStart(2, '0')}:00.000Z`,
          fields: { body: s.text },
          text: s.text,
        })),
        '2017-02-14T06:00:00.000Z',
      );
      const inv = await audit.begin({ actor, command: '/cluster free-disk node-10', kind: 'command' });
      await audit.end(inv, 'ok', 'freed 77.9 GB');
      await store.addEvent(id, { at: '2017-02-14T06:30:00.000Z', kind: 'action', text: all, actor: 'op', auditId: inv });
      await store.resolve(id, '2017-02-14T07:00:00.000Z', 'op', all);

      const tables = (db.db.prepare(`SELECT name FROM sqlite_master WHERE type = 'table'`).all() as { name: string }[]).map((t) => t.name);
      expect(tables).toEqual(expect.arrayContaining(['incident', 'incident_evidence', 'incident_event']));
      const kept = tables.map((t) => JSON.stringify(db.db.prepare(`SELECT * FROM "${t}"`).all())).join('\n');
      expect(leaksOf(kept)).toEqual({});
      const evidence = await store.evidence(id);
      expect(evidence).toHaveLength(shapes.length);
      // Stored redacted, not erased: the names around each secret are still there.
      for (const e of evidence) {
        const shape = shapes[(e.line ?? 0) - 1] as SecretShape;
        for (const k of shape.keep) expect(e.text, shape.id).toContain(k);
      }

      const incident = await store.get(id);
      if (!incident) throw new Error('the incident was not stored');
      const data = {
        incident,
        evidence,
        events: await store.events(id),
        signatures: catalog.signatures,
        now: '2017-02-14T07:00:00.000Z',
        audit: await audit.between(new Date('2017-02-14T00:00:00Z'), new Date('2017-02-15T00:00:00Z')),
      };
      const summary = summaryReply(data);
      expect(leaksOf([formatReply(summary), JSON.stringify(renderReply(summary)), renderPostmortem(data)].join('\n'))).toEqual({});
    } finally {
      db.close();
    }
  });
});
