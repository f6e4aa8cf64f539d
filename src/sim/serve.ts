/** `stackmedic sim serve`: a simulated cluster as a long-running process. */
import { startSimCluster, type SimCluster } from './cluster.js';
import type { ScenarioName } from './scenarios/types.js';

/** Parsed options of `stackmedic sim serve --nodes N --scenario S [--dir D]`. */
export interface ServeSimOptions {
  readonly scenario: ScenarioName;
  /** Total node count; 3 of them (or fewer, for tiny clusters) are controllers. */
  readonly nodes?: number;
  readonly controllers?: number;
  readonly dir?: string;
  readonly basePort?: number;
  /** Where the inventory path and status lines go (stdout by default). */
  readonly print?: (line: string) => void;
  /** Stop on these signals (default SIGINT and SIGTERM); pass [] to manage the lifetime yourself. */
  readonly signals?: readonly NodeJS.Signals[];
}

/** A served cluster and the way to end it. */
export interface ServeSimHandle {
  readonly cluster: SimCluster;
  /** Resolves once the cluster has stopped (after a signal or `stop()`). */
  readonly done: Promise<void>;
  stop(): Promise<void>;
}

/** Starts the cluster, prints the inventory path, and stops cleanly on SIGINT/SIGTERM. */
export async function serveSim(o: ServeSimOptions): Promise<ServeSimHandle> {
  const total = o.nodes ?? 6;
  const controllers = o.controllers ?? Math.min(3, total);
  const print = o.print ?? ((line: string) => process.stdout.write(`${line}\n`));
  const cluster = await startSimCluster({
    scenario: o.scenario,
    controllers,
    computes: Math.max(0, total - controllers),
    ...(o.dir ? { dir: o.dir } : {}),
    ...(o.basePort !== undefined ? { basePort: o.basePort } : {}),
  });
  print(cluster.inventoryPath);
  let resolveDone: () => void = () => undefined;
  const done = new Promise<void>((r) => {
    resolveDone = r;
  });
  const signals = o.signals ?? (['SIGINT', 'SIGTERM'] as const);
  let stopping: Promise<void> | undefined;
  const stop = (): Promise<void> => {
    stopping ??= (async () => {
      for (const s of signals) process.off(s, onSignal);
      await cluster.stop();
      resolveDone();
    })();
    return stopping;
  };
  const onSignal = (): void => {
    void stop();
  };
  for (const s of signals) process.on(s, onSignal);
  return { cluster, done, stop };
}
