import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp, type StackmedicApp } from '../../src/app/create-app.js';
import { readEnvOptions } from '../../src/config/env.js';
import { startSimCluster, type SimCluster } from '../../src/sim/index.js';

const CORPUS = readFileSync(join(import.meta.dirname, '../fixtures/hostile/command-texts.jsonl'), 'utf8')
  .trim()
  .split('\n')
  .map((line) => JSON.parse(line) as string);

describe('the hostile command-text corpus, as an admin with the confirmation already given', () => {
  let sim: SimCluster;
  let app: StackmedicApp;
  beforeAll(async () => {
    sim = await startSimCluster({ scenario: 'seed-incident' });
    app = createApp({ inventory: sim.inventory, env: readEnvOptions({ STACKMEDIC_DB: ':memory:' }) });
  });
  afterAll(async () => {
    await app?.close();
    await sim?.stop();
  });

  it('holds hundreds of texts', () => {
    expect(CORPUS.length).toBeGreaterThan(600);
  });

  it('refuses every text, sends nothing it carries to a node, and never crashes', async () => {
    const accepted: string[] = [];
    const leaked: string[] = [];
    for (const text of CORPUS) {
      const before = sim.commandLog.length;
      const result = await app.router.dispatch({ text, actor: { id: 'U1', name: 'mallory', via: 'console' }, role: 'admin', confirmed: true });
      const sent = sim.commandLog.slice(before).map((e) => e.command);
      if (sent.some((c) => /pwned/i.test(c))) leaked.push(text);
      // Anything that ran must have been a plain command the corpus does not mean to be hostile.
      if (result.kind === 'confirm' || (result.kind === 'reply' && result.reply.ok)) accepted.push(text);
    }
    expect(leaked).toEqual([]);
    expect(accepted.map((t) => JSON.stringify(t.slice(0, 80)))).toEqual([]);
    expect(existsSync('/tmp/stackmedic-PWNED')).toBe(false);
  }, 600_000);

  it('names an invisible or direction character by its code point instead of echoing it', async () => {
    const result = await app.router.dispatch({
      text: '/cluster status\u202e;touch /tmp/stackmedic-PWNED',
      actor: { id: 'U1', name: 'mallory', via: 'console' },
      role: 'admin',
    });
    expect(result.kind).toBe('reply');
    const title = result.kind === 'reply' ? result.reply.title : '';
    expect(title).toContain('U+202E');
    expect(title).not.toContain('\u202e');
  });
});
