import { describe, expect, it } from 'vitest';
import { AuditLog, type AuditEntry } from '../../../src/audit/audit-log.js';
import { isOperatorAction } from '../../../src/incidents/report.js';
import { openDatabase } from '../../../src/store/database.js';
import { SqliteStore } from '../../../src/store/sqlite-store.js';

describe('operator actions in an incident timeline', () => {
  it('counts a confirmed command once: the run, not the confirmation request that preceded it', async () => {
    const db = new SqliteStore(openDatabase(':memory:'));
    try {
      const audit = new AuditLog(db);
      const actor = { id: 'U1', name: 'alice', via: 'console' as const };
      const request = await audit.begin({ actor, command: '/cluster free-disk node-10', kind: 'command' });
      await audit.end(request, 'confirmed', 'confirmed with --yes (alice)');
      const run = await audit.begin({ actor, command: '/cluster free-disk node-10', kind: 'command' });
      await audit.end(run, 'ok');
      const shown = (await audit.list(10)).filter((e: AuditEntry) => isOperatorAction(e));
      expect(shown.map((e) => [e.id, e.outcome])).toEqual([[run, 'ok']]);
    } finally {
      db.close();
    }
  });
});
