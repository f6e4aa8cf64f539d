import Database from 'better-sqlite3';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { afterAll, describe, expect, it } from 'vitest';
import { AuditLog } from '../../src/audit/audit-log.js';
import { runCli } from '../../src/cli/cli.js';
import { openDatabase } from '../../src/store/database.js';
import { SqliteStore } from '../../src/store/sqlite-store.js';
import { migrations } from '../../src/store/migrations.js';

async function cli(argv: string[], env: NodeJS.ProcessEnv): Promise<{ code: number; out: string; err: string }> {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let out = '';
  let err = '';
  stdout.on('data', (d: Buffer) => (out += d.toString()));
  stderr.on('data', (d: Buffer) => (err += d.toString()));
  const code = await runCli(argv, { env: { HOME: process.env.HOME, ...env }, stdin: new PassThrough(), stdout, stderr });
  return { code, out, err };
}

const dir = mkdtempSync(join(tmpdir(), 'stackmedic-backup-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('stackmedic backup FILE', () => {
  it('copies a store another process is writing to, write-ahead log included, and checks the copy', async () => {
    const source = join(dir, 'live.sqlite');
    // A serving stackmedic: the store stays open and its recent writes sit in the WAL.
    const live = new SqliteStore(openDatabase(source));
    const audit = new AuditLog(live);
    for (let i = 0; i < 50; i++)
      await audit.record({ actor: { id: 'U1', name: 'alice', via: 'slack' }, command: `/cluster ping #${i}`, kind: 'command', outcome: 'ok' });
    const copy = join(dir, 'copy.sqlite');
    const r = await cli(['backup', copy], { STACKMEDIC_DB: source });
    live.close();
    expect(r).toMatchObject({ code: 0, err: '' });
    expect(r.out).toMatch(new RegExp(`^stackmedic: copied ${source} to ${copy} \\(\\d+ pages, schema ${migrations.at(-1)?.version}, integrity ok\\)\\n$`));
    const db = new Database(copy, { readonly: true });
    expect(db.prepare('SELECT COUNT(*) AS n FROM audit_invocation').get()).toEqual({ n: 50 });
    db.close();
  });

  it('never overwrites a file, and says when there is no store', async () => {
    const existing = join(dir, 'exists.sqlite');
    writeFileSync(existing, 'keep me');
    const source = join(dir, 'src.sqlite');
    openDatabase(source).close();
    expect(await cli(['backup', existing], { STACKMEDIC_DB: source })).toMatchObject({
      code: 2,
      err: `stackmedic: ${existing} exists; stackmedic backup never overwrites a file\n`,
    });
    const missing = join(dir, 'nothing-here.sqlite');
    expect(await cli(['backup', join(dir, 'b.sqlite')], { STACKMEDIC_DB: missing })).toMatchObject({
      code: 2,
      err: `stackmedic: no store at ${missing} (STACKMEDIC_DB); nothing to back up\n`,
    });
    expect((await cli(['backup'], { STACKMEDIC_DB: source })).code).toBe(2);
    expect((await cli(['backup', '--help'], {})).out).toMatch(/^Usage: stackmedic backup FILE\n/);
  });
});
