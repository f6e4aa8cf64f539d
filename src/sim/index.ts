/** The simulated OpenStack cluster: in-process SSH nodes answering from a state model. */
export { startSimCluster, type CommandHold, type SimCluster, type SimClusterOptions } from './cluster.js';
export { serveSim, type ServeSimHandle, type ServeSimOptions } from './serve.js';
export { createClusterState, scenarioClock, type CreateStateOptions } from './create.js';
export { execOnNode } from './exec.js';
export { manualClock, realTimeClock, type ManualClock, type SimClock } from './clock.js';
export { SCENARIOS, isScenarioName, type Scenario, type ScenarioName } from './scenarios/index.js';
export type { ClusterState, SimNode } from './state/types.js';
export type { CommandLogEntry } from './server/node-server.js';
export { programNames } from './programs/index.js';
export * as simFacts from './state/derive.js';
