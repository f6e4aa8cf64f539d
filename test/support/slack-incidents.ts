/**
 * A simulated cluster, the signed-Slack harness on it and incident monitoring wired as
 * `stackmedic serve` wires it (the Slack adapter's own publisher), its ticks driven by the test:
 * the setup of the e2e tests that check what incidents post through Slack.
 */
import { readEnvOptions } from '../../src/config/env.js';
import { startIncidentMonitoring, type IncidentMonitoring } from '../../src/app/incident-monitoring.js';
import { startSimCluster, type SimCluster } from '../../src/sim/index.js';
import type { ScenarioName } from '../../src/sim/scenarios/index.js';
import { OPS_CHANNEL, startHarness, type Harness } from '../e2e/slack/harness.js';

/** What `startSlackIncidents` started. */
export interface SlackIncidents {
  readonly sim: SimCluster;
  readonly h: Harness;
  readonly monitoring: IncidentMonitoring;
  /** What the monitoring logged. */
  readonly logs: string[];
  close(): Promise<void>;
}

/** Starts the cluster of `scenario` (default seed-incident) with incidents posted in the ops channel. */
export async function startSlackIncidents(scenario: ScenarioName = 'seed-incident'): Promise<SlackIncidents> {
  const logs: string[] = [];
  const sim = await startSimCluster({ scenario });
  const h = await startHarness({ inventory: sim.inventory });
  const monitoring = startIncidentMonitoring({
    stackmedic: h.stackmedic,
    env: readEnvOptions({ STACKMEDIC_INCIDENT_CHANNEL: OPS_CHANNEL }),
    publisher: h.slackApp.publisher,
    log: (l) => logs.push(l),
    start: false,
  });
  return {
    sim,
    h,
    monitoring,
    logs,
    async close() {
      await monitoring.stop();
      await h.close();
      await sim.stop();
    },
  };
}
