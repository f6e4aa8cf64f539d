/** Builds the state of a scenario without any networking (tests use it directly). */
import { manualClock, realTimeClock, type SimClock } from './clock.js';
import { SCENARIOS } from './scenarios/index.js';
import type { ScenarioName } from './scenarios/types.js';
import { buildCluster } from './state/build.js';
import type { ClusterState, InitSystem } from './state/types.js';

/** Options of `createClusterState`. */
export interface CreateStateOptions {
  readonly scenario: ScenarioName;
  readonly controllers?: number;
  readonly computes?: number;
  /** Defaults to a clock starting at the scenario's date and moving with real time. */
  readonly clock?: SimClock;
  /** Overrides the scenario's init system, for every node or per node name. */
  readonly init?: InitSystem | Readonly<Record<string, InitSystem>>;
  /** seed-incident: cinder-volume still holds the conversion file open. */
  readonly holdConversionFile?: boolean;
}

/** The cluster state of a scenario, ready to be served or driven directly. */
export function createClusterState(o: CreateStateOptions): ClusterState {
  const scenario = SCENARIOS[o.scenario];
  const clock = o.clock ?? realTimeClock(scenario.startsAt);
  const init = o.init;
  const state = buildCluster({
    name: `sim-${scenario.name}`,
    controllers: o.controllers ?? 3,
    computes: o.computes ?? 3,
    clock,
    initOf: (name, roles) => (typeof init === 'string' ? init : (init?.[name] ?? scenario.initOf(name, roles))),
    seedLog: (node, path) => scenario.seedLog(node, path),
  });
  scenario.apply(state, { holdConversionFile: o.holdConversionFile ?? false });
  return state;
}

/** A manual clock at a scenario's start, for tests. */
export function scenarioClock(name: ScenarioName): ReturnType<typeof manualClock> {
  return manualClock(SCENARIOS[name].startsAt);
}
