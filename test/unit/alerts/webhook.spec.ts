import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { WebhookPayload } from '../../../src/alerts/payload.js';
import { alertmanagerWebhook, type WebhookStatus } from '../../../src/alerts/webhook.js';
import { AuditLog } from '../../../src/audit/audit-log.js';
import { openDatabase } from '../../../src/store/database.js';
import { SqliteStore } from '../../../src/store/sqlite-store.js';

const TOKEN = 'am-token-0123456789';
const firing = readFileSync(join(import.meta.dirname, '../../fixtures/alertmanager/webhook-v4-firing.json'), 'utf8');

let server: Server;
let url: string;
let db: SqliteStore;
let audit: AuditLog;
const received: WebhookPayload[] = [];
const statuses: WebhookStatus[] = [];
const logs: string[] = [];
let receiving = true;

beforeAll(async () => {
  db = new SqliteStore(openDatabase(':memory:'));
  audit = new AuditLog(db, () => new Date());
  const handler = alertmanagerWebhook({
    credentials: { token: TOKEN, user: 'am', password: 'pw' },
    receive: () =>
      receiving
        ? async (p) => {
            received.push(p);
            if (p.receiver === 'explode') throw new Error('boom');
            return { group: 'alertname=RabbitmqDiskAlarm', firing: p.alerts.length, resolved: 0, unknownHosts: [] };
          }
        : undefined,
    audit,
    log: (l) => logs.push(l),
    maxBytes: 64 * 1024,
    answered: (s) => statuses.push(s),
  });
  server = createServer(handler);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/alertmanager`;
});

afterAll(async () => {
  await new Promise<void>((r) => server.close(() => r()));
  db.close();
});

beforeEach(async () => {
  received.length = 0;
  statuses.length = 0;
  receiving = true;
});

async function post(
  body: string,
  headers: Record<string, string> = { authorization: `Bearer ${TOKEN}` },
): Promise<{ status: number; json: Record<string, unknown> }> {
  const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body });
  return { status: res.status, json: (await res.json()) as Record<string, unknown> };
}

/** Refusals in the audit log, newest first. */
const denials = async (): Promise<string[]> => (await audit.list(100)).filter((e) => e.outcome === 'denied').map((e) => e.detail ?? '');

describe('POST /alertmanager', () => {
  it('takes a real Alertmanager notification with the bearer token and answers what it took', async () => {
    const r = await post(firing);
    expect(r).toEqual({ status: 200, json: { status: 'accepted', group: 'alertname=RabbitmqDiskAlarm', firing: 1, resolved: 0, unknownHosts: [] } });
    expect(received[0]?.groupKey).toBe('{}:{alertname="RabbitmqDiskAlarm"}');
  });

  it('takes basic auth as Alertmanager sends it', async () => {
    const r = await post(firing, { authorization: `Basic ${Buffer.from('am:pw').toString('base64')}` });
    expect(r.status).toBe(200);
  });

  it('refuses a wrong token with 401 and a challenge, audited, without reading on', async () => {
    const before = (await denials()).length;
    const res = await fetch(url, { method: 'POST', headers: { authorization: 'Bearer nope' }, body: firing });
    expect(res.status).toBe(401);
    expect(res.headers.get('www-authenticate')).toBe('Bearer realm="stackmedic", Basic realm="stackmedic"');
    expect(received).toEqual([]);
    expect(await denials()).toHaveLength(before + 1);
    expect((await denials())[0]).toBe('wrong credentials from 127.0.0.1');
  });

  it('refuses a request without credentials with 401, audited', async () => {
    const before = (await denials()).length;
    const r = await post(firing, {});
    expect(r).toEqual({ status: 401, json: { error: 'unauthorized' } });
    expect(await denials()).toHaveLength(before + 1);
    expect((await denials())[0]).toBe('no credentials from 127.0.0.1');
  });

  it('refuses a body over the limit with 413, whether announced or streamed', async () => {
    const big = JSON.stringify({ pad: 'x'.repeat(70 * 1024) });
    expect((await post(big)).status).toBe(413);
    // Chunked, with no content-length to go by.
    const stream = new ReadableStream({
      start(c) {
        for (let i = 0; i < 10; i++) c.enqueue(new TextEncoder().encode('x'.repeat(10 * 1024)));
        c.close();
      },
    });
    const res = await fetch(url, { method: 'POST', headers: { authorization: `Bearer ${TOKEN}` }, body: stream, duplex: 'half' } as RequestInit);
    expect(res.status).toBe(413);
    expect(received).toEqual([]);
  });

  it('answers malformed JSON and other shapes with 400 saying what is wrong', async () => {
    expect(await post('{"version": "4", "alerts": [')).toMatchObject({ status: 400, json: { error: expect.stringMatching(/^malformed JSON/) } });
    expect(await post(JSON.stringify({ version: '4' }))).toMatchObject({ status: 400, json: { error: expect.stringMatching(/groupKey/) } });
    expect(received).toEqual([]);
  });

  it('answers 405 to anything but POST', async () => {
    const res = await fetch(url, { headers: { authorization: `Bearer ${TOKEN}` } });
    expect(res.status).toBe(405);
    expect(res.headers.get('allow')).toBe('POST');
  });

  it('answers 503 while incident monitoring is not running, so Alertmanager retries', async () => {
    receiving = false;
    expect((await post(firing)).status).toBe(503);
  });

  it('answers 500 when taking the notification fails, and keeps serving', async () => {
    const r = await post(JSON.stringify({ ...JSON.parse(firing), receiver: 'explode' }));
    expect(r.status).toBe(500);
    expect(logs.some((l) => l.includes('boom'))).toBe(true);
    expect((await post(firing)).status).toBe(200);
  });

  it('reports every answer', async () => {
    await post(firing);
    await post(firing, {});
    await post('nope');
    expect(statuses).toEqual([200, 401, 400]);
  });
});
