import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { builtinFamilies } from '../../../commands/index.js';
import { createApp, type StackmedicApp } from '../../../src/app/create-app.js';
import { readEnvOptions } from '../../../src/config/env.js';
import { Router } from '../../../src/router/router.js';
import type { Reply } from '../../../src/router/types.js';
import { tempDatabasePath } from '../../unit/incidents/fixtures.js';
import { startSimCluster, type SimCluster } from '../../../src/sim/index.js';

const SEED_REQUEST = 'req-36aaf95c-53ed-4b77-8bc9-9cc0f6d90feb';

let sim: SimCluster;
let app: StackmedicApp;
let router: Router;

async function trace(text: string): Promise<{ reply: Reply; ephemeral: boolean }> {
  const result = await router.dispatch({ text, actor: { id: 'U-carol', name: 'carol', via: 'console' }, role: 'viewer' });
  if (result.kind !== 'reply') throw new Error(`expected a reply, got ${result.kind}`);
  return { reply: result.reply, ephemeral: result.ephemeral };
}

beforeAll(async () => {
  sim = await startSimCluster({ scenario: 'seed-incident' });
  app = createApp({ inventory: sim.inventory, env: readEnvOptions({ STACKMEDIC_DB: tempDatabasePath() }) });
  router = new Router(builtinFamilies, sim.inventory, app.pool, app.services);
});

afterAll(async () => {
  await app?.close();
  await sim?.stop();
});

describe('/trace request REQ_ID on the simulated seed cluster', () => {
  it("finds the seed request's cinder lines, merged by time across services, asking every node", async () => {
    const { reply } = await trace(`/trace request ${SEED_REQUEST}`);
    expect(reply.ok).toBe(true);
    expect(reply.title).toMatch(new RegExp(`^${SEED_REQUEST}: \\d+ lines in 2 logs on node-10$`));
    const data = reply.data as { lines: { node: string; file: string; time: string | null; text: string }[]; total: number; problems: string[] };
    expect(data.problems).toEqual([]);
    expect(new Set(data.lines.map((l) => l.file))).toEqual(new Set(['/var/log/cinder/cinder-scheduler.log', '/var/log/cinder/cinder-volume.log']));
    expect(data.lines.every((l) => l.text.includes(SEED_REQUEST))).toBe(true);
    const times = data.lines.map((l) => l.time ?? '');
    expect(times).toEqual([...times].sort());
    expect(data.lines[0]?.text).toMatch(/^2017-02-14 10:35:53\.231 29058 ERROR cinder\.scheduler\.filter_scheduler/);
    expect(data.lines.at(-1)?.text).toMatch(/Image c99a47d5-3f75-448b-bb6d-1c67134e11a3 is unacceptable: Size is 100GB/);
    // Scheduler and volume lines interleave by time, not by file.
    expect(data.lines.map((l) => (l.file.endsWith('scheduler.log') ? 's' : 'v')).join('')).toMatch(/^s+v+$/);
    expect(reply.text).toContain('node-10 /var/log/cinder/cinder-volume.log:');
    const asked = new Set(sim.commandLog.filter((e) => e.command.includes(SEED_REQUEST)).map((e) => e.node));
    expect(asked).toEqual(new Set(sim.inventory.nodes.map((n) => n.name)));
  }, 60_000);

  it('says so when a well-formed request id is nowhere', async () => {
    const { reply } = await trace('/trace request req-00000000-0000-4000-8000-000000000000');
    expect(reply.ok).toBe(false);
    expect(reply.title).toBe(`req-00000000-0000-4000-8000-000000000000: not found in the logs of ${sim.inventory.nodes.length} nodes`);
  }, 60_000);

  it.each(['req-36aaf95c', 'req-36aaf95c-53ed-4b77-8bc9-9cc0f6d90feb-0', 'req-36AAF95C-53ED-4B77-8BC9-9CC0F6D90FEB', '36aaf95c-53ed-4b77-8bc9-9cc0f6d90feb'])(
    'refuses %j as a usage error with the usage, before anything runs',
    async (bad) => {
      const before = sim.commandLog.length;
      const { reply, ephemeral } = await trace(`/trace request ${bad}`);
      expect(ephemeral).toBe(true);
      expect(reply.ok).toBe(false);
      expect(reply.title).toMatch(/^ID must be a request id: req- and a uuid/);
      expect(reply.text).toContain('/trace request ID');
      expect(sim.commandLog.length).toBe(before);
    },
  );

  it.each(['req-36aaf95c-53ed-4b77-8bc9-9cc0f6d90feb;reboot', "req-36aaf95c-53ed-4b77-8bc9-9cc0f6d90fe'"])(
    'refuses %j (shell syntax) before anything runs',
    async (bad) => {
      const before = sim.commandLog.length;
      const { reply, ephemeral } = await trace(`/trace request ${bad}`);
      expect(ephemeral).toBe(true);
      expect(reply.ok).toBe(false);
      expect(reply.title).toMatch(/^unexpected ".*" in the command/);
      expect(sim.commandLog.length).toBe(before);
    },
  );
});
