/** What an emulated program receives and returns. */
import type { ClusterState, InitSystem, SimDeployment, SimNode, SimRole } from '../state/types.js';

/** The result of running a command: one value, like zx's ProcessOutput. */
export interface ProgramResult {
  readonly stdout: string;
  readonly stderr: string;
  readonly code: number;
}

/** Everything an emulated program may look at or change. */
export interface ProgramContext {
  readonly cluster: ClusterState;
  readonly node: SimNode;
  /** argv[0] as typed (basename). */
  readonly name: string;
  /** Arguments after the program name, already expanded. */
  readonly args: readonly string[];
  readonly stdin: string;
  readonly env: Map<string, string>;
  readonly cwd: string;
  /** Aborted when the client goes away or `timeout` fires. */
  readonly signal: AbortSignal;
  /** Runs another program (for `sudo`, `timeout`, `xargs`). */
  run(argv: readonly string[], stdin: string, signal?: AbortSignal): Promise<ProgramResult>;
  /** Runs a script in a child shell (for `sh -c`), with `extraEnv` added to its environment. */
  runScript(script: string, stdin: string, extraEnv?: ReadonlyMap<string, string>): Promise<ProgramResult>;
}

/** An emulated program. */
export type Program = (ctx: ProgramContext) => ProgramResult | Promise<ProgramResult>;

/** A program and the roles of the nodes it is installed on (all nodes when absent). */
export interface ProgramDef {
  readonly roles?: readonly SimRole[];
  /** Only on nodes with this init system (`systemctl` is absent from SysV nodes). */
  readonly init?: InitSystem;
  /** Only on nodes of these deployments (pacemaker is absent from kolla nodes, docker from classic ones). */
  readonly deployments?: readonly SimDeployment[];
  /** On nodes of these deployments, only inside containers (a TripleO host has no rabbitmqctl or mysql of its own). */
  readonly containerOnlyOn?: readonly SimDeployment[];
  /** Only on the nodes it says (kolla's container engine is docker or podman, per node); `env` tells inside a container from the host. */
  readonly installedOn?: (node: SimNode, env?: ReadonlyMap<string, string>) => boolean;
  readonly run: Program;
}

/** Shorthand for a result. */
export function result(stdout: string, stderr = '', code = 0): ProgramResult {
  return { stdout, stderr, code };
}

/** Shorthand for a failure with a message on stderr. */
export function fail(stderr: string, code = 1, stdout = ''): ProgramResult {
  return { stdout, stderr: stderr.endsWith('\n') || stderr === '' ? stderr : `${stderr}\n`, code };
}

/** Resolves after `ms`, or rejects with the abort reason when `signal` fires first. */
export function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) {
      reject(signal.reason);
      return;
    }
    const t = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = (): void => {
      clearTimeout(t);
      reject(signal.reason);
    };
    signal.addEventListener('abort', onAbort, { once: true });
  });
}
