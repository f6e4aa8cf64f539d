import { createClusterState, execOnNode, scenarioClock, type ClusterState, type ScenarioName } from '../../../src/sim/index.js';
import type { ManualClock } from '../../../src/sim/clock.js';
import type { ProgramResult } from '../../../src/sim/shell/types.js';

/** A scenario's state on a manual clock, with a `sh` helper that runs commands on a node. */
export function simulate(
  scenario: ScenarioName,
  opts: { controllers?: number; computes?: number; holdConversionFile?: boolean } = {},
): {
  state: ClusterState;
  clock: ManualClock;
  sh: (node: string, command: string) => Promise<ProgramResult>;
} {
  const clock = scenarioClock(scenario);
  const state = createClusterState({ scenario, clock, ...opts });
  return {
    state,
    clock,
    sh: (node, command) => {
      const n = state.nodes.get(node);
      if (!n) throw new Error(`no node ${node}`);
      clock.advance(1_000);
      return execOnNode(state, n, command);
    },
  };
}
