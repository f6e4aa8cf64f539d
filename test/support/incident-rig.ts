/**
 * A simulated cluster, the app on it and an incident monitor posting to a strict fake Slack: the
 * setup the incident e2e tests of each deployment (classic, kolla-ansible, TripleO) share. The
 * bot's clock is the simulator's plus what the test skips ahead (`skip`), so green windows pass
 * without waiting.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createApp, type StackmedicApp } from '../../src/app/create-app.js';
import { readEnvOptions } from '../../src/config/env.js';
import { IncidentMonitor, IncidentThread, type IncidentStore } from '../../src/incidents/index.js';
import type { Reply } from '../../src/router/types.js';
import { startSimCluster, type SimCluster } from '../../src/sim/index.js';
import type { ScenarioName } from '../../src/sim/scenarios/index.js';
import { StrictSlack } from '../e2e/incidents/slack-fake.js';

/** Options of `startIncidentRig`. */
export interface IncidentRigOptions {
  readonly scenario: ScenarioName;
  /** The incident channel (default CINCIDENTS). */
  readonly channel?: string;
  /** Green minutes before an incident resolves (default 10). */
  readonly resolveAfterMinutes?: number;
  readonly log?: (line: string) => void;
}

/** What `startIncidentRig` started. */
export interface IncidentRig {
  readonly sim: SimCluster;
  readonly app: StackmedicApp;
  readonly store: IncidentStore;
  readonly monitor: IncidentMonitor;
  readonly slack: StrictSlack;
  readonly channel: string;
  /** The store file (SQLite) in the rig's own directory. */
  readonly dbPath: string;
  /** Runs a command as operator `actor` (default alice) from the incident channel, confirmed. */
  run(text: string, actor?: string): Promise<Reply>;
  /** Moves the bot's clock ahead of the simulator's by `ms`. */
  skip(ms: number): void;
  close(): Promise<void>;
}

/** Starts the rig on `opts.scenario`; `close()` stops everything and removes its directory. */
export async function startIncidentRig(opts: IncidentRigOptions): Promise<IncidentRig> {
  const channel = opts.channel ?? 'CINCIDENTS';
  const resolveAfterMinutes = opts.resolveAfterMinutes ?? 10;
  const sim = await startSimCluster({ scenario: opts.scenario });
  const dir = mkdtempSync(join(tmpdir(), 'stackmedic-incident-rig-'));
  const dbPath = join(dir, 'stackmedic.sqlite');
  let skewMs = 0;
  const clock = (): Date => new Date(sim.state.clock.now() + skewMs);
  const app = createApp({ inventory: sim.inventory, env: readEnvOptions({ STACKMEDIC_DB: dbPath }), clock });
  const store = app.services.incidents;
  const slack = new StrictSlack();
  slack.install();
  const monitor = new IncidentMonitor({
    inventory: sim.inventory,
    executor: app.pool,
    catalog: app.services.catalog,
    store,
    audit: app.services.audit,
    clock,
    policy: { resolveAfterMs: resolveAfterMinutes * 60_000, reopenWithinMs: 60 * 60_000 },
    check: { evidenceHours: 48 },
    thread: new IncidentThread({ publisher: slack.poster(), store, channel, clock, resolveAfterMinutes }),
    log: opts.log ?? (() => undefined),
  });
  return {
    sim,
    app,
    store,
    monitor,
    slack,
    channel,
    dbPath,
    async run(text, actor = 'alice') {
      const result = await app.router.dispatch({
        text,
        actor: { id: `U-${actor}`, name: actor, via: 'slack', channel },
        role: 'operator',
        confirmed: true,
      });
      if (result.kind !== 'reply') throw new Error(`${text}: expected a reply, got ${result.kind}`);
      return result.reply;
    },
    skip(ms) {
      skewMs += ms;
    },
    async close() {
      slack.uninstall();
      await app.close();
      await sim.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
