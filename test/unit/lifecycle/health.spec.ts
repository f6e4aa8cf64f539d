import { describe, expect, it } from 'vitest';
import { healthReport, startHealthServer, type HealthSources } from '../../../src/lifecycle/health.js';
import { openDatabase } from '../../../src/store/database.js';
import { SqliteStore } from '../../../src/store/sqlite-store.js';

function sources(over: Partial<HealthSources> = {}): HealthSources {
  return {
    slack: () => ({ ok: true, state: 'connected' }),
    store: new SqliteStore(openDatabase(':memory:')),
    stopping: () => false,
    ...over,
  };
}

describe('healthReport', () => {
  it('is 200 when Slack, the store and the scheduler are up', async () => {
    const at = new Date('2026-12-01T10:00:00Z');
    const r = await healthReport(sources({ scheduler: { busy: false, lastRun: { at, outcome: 'ran', durationMs: 812 } }, undelivered: () => 2 }));
    expect(r.httpStatus).toBe(200);
    expect(r.report).toMatchObject({
      status: 'ok',
      slack: { ok: true, state: 'connected' },
      store: { ok: true, state: 'open' },
      scheduler: { ok: true, state: 'ok', lastRunAt: '2026-12-01T10:00:00.000Z', lastRunMs: 812 },
      undeliveredAnswers: 2,
    });
  });

  it('is 503 when the Slack connection is down', async () => {
    const r = await healthReport(sources({ slack: () => ({ ok: false, state: 'reconnecting' }) }));
    expect(r.httpStatus).toBe(503);
    expect(r.report.status).toBe('down');
  });

  it('is 503 when the store is closed', async () => {
    const store = new SqliteStore(openDatabase(':memory:'));
    await store.close();
    const r = await healthReport(sources({ store }));
    expect(r.httpStatus).toBe(503);
    expect(r.report.store).toEqual({ ok: false, state: 'closed' });
  });

  it('is 503 when the last scheduled check failed, and says it is not configured when nothing is scheduled', async () => {
    const failed = await healthReport(sources({ scheduler: { busy: false, lastRun: { at: new Date(), outcome: 'failed', durationMs: 5 } } }));
    expect(failed.httpStatus).toBe(503);
    expect(failed.report.scheduler.state).toBe('failed');
    expect((await healthReport(sources())).report.scheduler).toMatchObject({ ok: true, state: 'not configured' });
  });

  it('is 503 "stopping" once shutdown began, even when everything is up', async () => {
    const r = await healthReport(sources({ stopping: () => true }));
    expect(r).toMatchObject({ httpStatus: 503, report: { status: 'stopping' } });
  });

  it('serves GET /healthz as JSON, 404 elsewhere, 405 for other methods', async () => {
    const { server, port } = await startHealthServer(sources(), 0, '127.0.0.1');
    try {
      const ok = await fetch(`http://127.0.0.1:${port}/healthz`);
      expect(ok.status).toBe(200);
      expect(ok.headers.get('content-type')).toBe('application/json');
      expect(((await ok.json()) as { status: string }).status).toBe('ok');
      expect((await fetch(`http://127.0.0.1:${port}/other`)).status).toBe(404);
      expect((await fetch(`http://127.0.0.1:${port}/healthz`, { method: 'POST' })).status).toBe(405);
    } finally {
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });
});
