import Database from 'better-sqlite3';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCliInProcess } from '../support/cli.js';
import { OWNER_FILE, SIM_DIR_PREFIX } from '../../src/sim/temp-dirs.js';

interface Row {
  command: string;
  kind: string;
  outcome: string;
  detail: string;
}

const dir = mkdtempSync(join(tmpdir(), 'stackmedic-sim-store-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('--sim and STACKMEDIC_DB', () => {
  it('writes the audit to the store STACKMEDIC_DB names when the user set it', async () => {
    const db = join(dir, 'mine.sqlite');
    const r = await runCliInProcess(['run', '/cluster ping', '--sim', 'healthy'], { STACKMEDIC_DB: db });
    expect(r.code).toBe(0);
    const store = new Database(db, { readonly: true });
    const rows = store.prepare(`SELECT command, outcome FROM audit_invocation`).all();
    store.close();
    expect(rows).toEqual([{ command: '/cluster ping', outcome: 'ok' }]);
  });

  it('keeps a throwaway store in the simulator dir when STACKMEDIC_DB is unset, and removes that dir after', async () => {
    const cwd = process.cwd();
    const r = await runCliInProcess(['run', '/cluster ping', '--sim', 'healthy'], {});
    expect(r.code).toBe(0);
    expect(existsSync(join(cwd, 'stackmedic.sqlite'))).toBe(false);
    // Other test files run simulators too: only dirs owned by this process must be gone.
    const ours = readdirSync(tmpdir())
      .filter((n) => n.startsWith(SIM_DIR_PREFIX))
      .filter((n) => {
        try {
          return (JSON.parse(readFileSync(join(tmpdir(), n, OWNER_FILE), 'utf8')) as { pid?: number }).pid === process.pid;
        } catch {
          return false;
        }
      });
    expect(ours).toEqual([]);
  });

  it('leaves no pending row after a confirmed command: the request ends when it is confirmed, the run on its own', async () => {
    const db = join(dir, 'confirmed.sqlite');
    const r = await runCliInProcess(['run', '/cluster free-disk node-10', '--sim', 'seed-incident', '--yes'], { STACKMEDIC_DB: db });
    expect(r.code, r.output).toBe(0);
    const store = new Database(db, { readonly: true });
    const rows = store.prepare(`SELECT command, kind, outcome, detail FROM audit_invocation ORDER BY id`).all() as Row[];
    store.close();
    expect(rows.filter((x) => x.outcome === 'pending')).toEqual([]);
    // The request (confirmed: not an action of its own), then the run (its steps have rows of their own).
    expect(rows.filter((x) => x.kind === 'command').map((x) => [x.command, x.outcome])).toEqual([
      ['/cluster free-disk node-10', 'confirmed'],
      ['/cluster free-disk node-10', 'ok'],
    ]);
    expect(rows[0]?.detail).toMatch(/^confirmed with --yes/);
  });
});
