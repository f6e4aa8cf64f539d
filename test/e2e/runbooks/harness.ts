/** Shared set-up of the runbook e2e tests: a simulated cluster and an app wired to it. */
import { createApp, type StackmedicApp } from '../../../src/app/create-app.js';
import { readEnvOptions } from '../../../src/config/env.js';
import { allProbes } from '../../../src/probes/index.js';
import { assessSnapshot, type HealthReport } from '../../../src/health/assess.js';
import { takeSnapshot } from '../../../src/health/snapshot.js';
import type { DispatchResult } from '../../../src/router/router.js';
import type { PermissionRole, Reply } from '../../../src/router/types.js';
import { realRunbookTiming } from '../../../src/runbooks/command.js';
import type { RunbookTiming } from '../../../src/runbooks/types.js';
import { startSimCluster, type SimCluster, type SimClusterOptions } from '../../../src/sim/index.js';

/** Runbook timing a test may change between commands (the rig's own object, handed to its app). */
export type RigTiming = { -readonly [K in keyof RunbookTiming]: RunbookTiming[K] };

/** A simulated cluster with a stackmedic app in front of it. */
export interface RunbookRig {
  readonly sim: SimCluster;
  readonly app: StackmedicApp;
  /** The app's runbook timing: set `now`/`sleep` to make long verifications instant. */
  readonly timing: RigTiming;
  /** Sends one command as an operator (confirmed) and returns the reply; progress lines are kept. */
  run(
    text: string,
    options?: { role?: PermissionRole; confirmed?: boolean; actor?: string },
  ): Promise<{ result: DispatchResult; reply: Reply | undefined; progress: string[] }>;
  health(): Promise<HealthReport>;
  close(): Promise<void>;
}

/** Starts the simulator and the app (`extra.env`: more configuration, e.g. SIGNATURES_DIR). */
export async function startRig(options: SimClusterOptions, extra: { env?: NodeJS.ProcessEnv } = {}): Promise<RunbookRig> {
  const sim = await startSimCluster(options);
  const timing: RigTiming = { ...realRunbookTiming };
  const app = createApp({ inventory: sim.inventory, env: readEnvOptions({ STACKMEDIC_DB: ':memory:', ...extra.env }), runbookTiming: timing });
  return {
    sim,
    app,
    timing,
    async run(text, o = {}) {
      const progress: string[] = [];
      const result = await app.router.dispatch({
        text,
        actor: { id: `U-${o.actor ?? 'alice'}`, name: o.actor ?? 'alice', via: 'console' },
        role: o.role ?? 'operator',
        confirmed: o.confirmed ?? true,
        progress: (m) => progress.push(m),
      });
      return { result, reply: result.kind === 'reply' ? result.reply : undefined, progress };
    },
    async health() {
      const snap = await takeSnapshot(sim.inventory, app.pool, { probes: allProbes });
      return assessSnapshot(snap);
    },
    async close() {
      await app.close();
      await sim.stop();
    },
  };
}

/** Commands the simulator received that change something (everything else is a read). */
export function writeCommands(sim: SimCluster, from = 0): string[] {
  const WRITES =
    /\b(rm|stop_app|start_app|reset|join_cluster|forget_cluster_node|set_disk_free_limit|--cleanup|restart|service \S+ (start|stop)|systemctl (start|stop|restart))\b/;
  return sim.commandLog
    .slice(from)
    .map((e) => e.command)
    .filter((c) => WRITES.test(c));
}
