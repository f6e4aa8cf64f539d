import { afterEach, describe, expect, it, vi } from 'vitest';
import type { AlertmanagerApi, Silence } from '../../../src/alerts/alertmanager-api.js';
import { AlertBook } from '../../../src/alerts/book.js';
import { PassQueue } from '../../../src/alerts/passes.js';
import { AlertService } from '../../../src/alerts/service.js';
import { AuditLog } from '../../../src/audit/audit-log.js';
import { UserError } from '../../../src/errors.js';
import { IncidentStore } from '../../../src/incidents/store.js';
import { parseInventory } from '../../../src/inventory/load.js';
import { loadCatalog } from '../../../src/signatures/index.js';
import { openDatabase } from '../../../src/store/database.js';
import { SqliteStore } from '../../../src/store/sqlite-store.js';

const inventory = parseInventory(
  'cluster: t\nknown_hosts: /dev/null\nnodes:\n  - { name: node-10, address: 127.0.0.1, roles: [controller] }\n',
  '/tmp/inv.yml',
);
const press = { incidentId: 1, groupId: 'alert-0123456789ab', matchers: [{ name: 'alertname', value: 'RabbitmqDiskAlarm' }], duration: '1h' as const };

/** An Alertmanager API that records silences and says what `state` they are in when asked. */
function fakeApi(state: () => Silence['state']): { api: AlertmanagerApi; created: unknown[] } {
  const created: unknown[] = [];
  const api = {
    url: 'http://am/',
    async createSilence(s: unknown) {
      created.push(s);
      return 'sil-1';
    },
    async silence(id: string): Promise<Silence> {
      return { id, state: state(), startsAt: '', endsAt: '2026-12-01T11:00:00.000Z', createdBy: '', comment: '', matchers: [] };
    },
  } as unknown as AlertmanagerApi;
  return { api, created };
}

async function setup(api?: AlertmanagerApi) {
  const db = new SqliteStore(openDatabase(':memory:'));
  const store = new IncidentStore(db);
  const at = '2026-12-01T10:00:00.000Z';
  await store.open(
    {
      severity: 'critical',
      title: 'Root disk full on node-10',
      root: { signature: 'root-disk-full', node: 'node-10' },
      chain: null,
      chainText: '',
      impact: [],
      nextSteps: [],
    },
    [],
    at,
  );
  const synced: number[] = [];
  const service = new AlertService({
    inventory,
    store,
    audit: new AuditLog(db),
    book: new AlertBook(),
    queue: new PassQueue(async () => undefined),
    catalog: () => loadCatalog(),
    syncThread: async (id) => {
      synced.push(id);
    },
    api,
    clock: () => new Date(at),
    alertmanagerClock: () => new Date(Date.now()),
    log: () => undefined,
  });
  return { store, service, synced };
}

afterEach(async () => {
  vi.useRealTimers();
});

describe('AlertService silences', () => {
  it('creates the silence in Alertmanager, notes it in the incident and syncs its thread; notes its end when Alertmanager says it expired', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] });
    vi.setSystemTime(new Date('2026-12-01T10:00:00Z'));
    let state: Silence['state'] = 'active';
    const { api, created } = fakeApi(() => state);
    const { store, service, synced } = await setup(api);
    const outcome = await service.silence(press, { id: 'UOPER', name: 'oper' });
    expect(outcome).toEqual({ silenceId: 'sil-1', endsAt: '2026-12-01T11:00:00.000Z', matchers: 'alertname="RabbitmqDiskAlarm"' });
    expect(created).toEqual([
      {
        matchers: [{ name: 'alertname', value: 'RabbitmqDiskAlarm' }],
        startsAt: new Date('2026-12-01T10:00:00Z'),
        endsAt: new Date('2026-12-01T11:00:00Z'),
        createdBy: 'oper (stackmedic)',
        comment: 'Silenced from Slack for 1h during stackmedic incident #1: Root disk full on node-10',
      },
    ]);
    expect((await store.events(1)).map((e) => [e.kind, e.text, e.actor])).toContainEqual([
      'note',
      'Alertmanager silence sil-1 created by oper for 1h, until 2026-12-01 11:00 UTC: alertname="RabbitmqDiskAlarm"',
      'oper',
    ]);
    expect(synced).toEqual([1]);
    state = 'expired';
    await vi.advanceTimersByTimeAsync(3_600_000 + 1000);
    await service.idle();
    expect((await store.events(1)).at(-1)?.text).toBe('Alertmanager silence sil-1 is expired (ended 2026-12-01 11:00 UTC): its alerts notify again.');
    expect(synced).toEqual([1, 1]);
    await service.stop();
  });

  it('says what is missing without STACKMEDIC_ALERTMANAGER_URL, and refuses an incident that does not exist', async () => {
    await expect((await setup()).service.silence(press, { id: 'U', name: 'u' })).rejects.toThrow(UserError);
    await expect((await setup()).service.silence(press, { id: 'U', name: 'u' })).rejects.toThrow(/STACKMEDIC_ALERTMANAGER_URL/);
    const { api } = fakeApi(() => 'active');
    await expect((await setup(api)).service.silence({ ...press, incidentId: 9 }, { id: 'U', name: 'u' })).rejects.toThrow('There is no incident #9.');
  });
});
