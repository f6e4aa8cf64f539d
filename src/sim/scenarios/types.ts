/** What a scenario is: a start time, init systems, the logs' history and the breakage. */
import type { ClusterState, InitSystem, SimNode, SimRole } from '../state/types.js';

/** Names of the built-in scenarios. */
export type ScenarioName =
  | 'healthy'
  | 'seed-incident'
  | 'rabbit-inconsistent-cluster'
  | 'libvirt-socket-missing'
  | 'partition'
  | 'kolla-healthy'
  | 'kolla-seed-incident'
  | 'kolla-ovn-healthy'
  | 'kolla-podman-healthy'
  | 'tripleo-healthy'
  | 'tripleo-seed-incident'
  | 'tripleo-osp16-healthy'
  | 'tripleo-osp16-ovn-backup-lost'
  | 'tripleo-osp17-healthy'
  | 'tripleo-osp17-virtqemud-down';

/** Options a scenario may honour. */
export interface ScenarioOptions {
  /** cinder-volume still holds the cache file open (`fuser`/`lsof` report it; `rm` frees nothing). */
  readonly holdConversionFile?: boolean;
}

/** A scenario: data and two functions, no I/O. */
export interface Scenario {
  readonly name: ScenarioName;
  /** One line for banners and `--help`. */
  readonly description: string;
  /** Simulated "now" when the cluster starts. */
  readonly startsAt: number;
  initOf(name: string, roles: readonly SimRole[]): InitSystem;
  /** What log `path` on `node` holds at the start (called lazily). */
  seedLog(node: SimNode, path: string): readonly string[];
  /** Breaks the freshly built healthy cluster into the scenario's state. */
  apply(cluster: ClusterState, options: ScenarioOptions): void;
}
