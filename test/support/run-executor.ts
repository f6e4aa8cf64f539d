import type { RemoteCommand } from '../../src/ssh/shell.js';
import type { ExecOutcome, Executor } from '../../src/ssh/types.js';

/** What a shell run answered: as the simulator's `execOnNode`/`runScript` give it. */
export interface ShellRun {
  readonly stdout: string;
  readonly stderr: string;
  readonly code: number | null;
}

/**
 * An executor that runs every command through `run` (one simulated node's shell) and reports it
 * as node `name` answered it: for unit tests of probes and runbooks without SSH. Fan-outs are not
 * part of what these tests use.
 */
export function runExecutor(name: string, run: (script: string) => Promise<ShellRun>): Executor {
  return {
    async exec(_node: string, command: RemoteCommand): Promise<ExecOutcome> {
      const r = await run(command.script.text);
      return {
        ok: true,
        node: name,
        command: command.script.text,
        stdout: r.stdout,
        stderr: r.stderr,
        exitCode: r.code,
        signal: undefined,
        durationMs: 1,
        truncated: false,
      };
    },
    fanOut: () => Promise.reject(new Error('runExecutor does no fan-outs')),
  };
}
