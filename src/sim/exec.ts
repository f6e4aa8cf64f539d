/** One command received by a simulated node, run to completion. */
import { lookupProgram } from './programs/index.js';
import { runScript } from './shell/interpreter.js';
import type { ProgramResult } from './shell/types.js';
import { catchUpLogs } from './state/periodic.js';
import type { ClusterState, SimNode } from './state/types.js';

/** Runs `command` (the exec request's text) on `node` like `sh -c` would, never throwing. */
export async function execOnNode(cluster: ClusterState, node: SimNode, command: string, signal?: AbortSignal): Promise<ProgramResult> {
  catchUpLogs(cluster, node);
  try {
    return await runScript({ cluster, node, lookup: lookupProgram, ...(signal ? { signal } : {}) }, command);
  } catch (e) {
    if (signal?.aborted) return { stdout: '', stderr: '', code: 143 };
    // A bug in an emulated program must look like a crashed tool, not take the simulator down.
    return { stdout: '', stderr: `sh: 1: internal simulator error: ${e instanceof Error ? e.message : String(e)}\n`, code: 70 };
  }
}
