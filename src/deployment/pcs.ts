/**
 * pcs's syntax for a node argument changed in 0.10: `pcs resource cleanup RES node=NODE` since then
 * (RHEL 8 and 9, OSP 16 and 17), `pcs resource cleanup RES --node NODE` in 0.9 (RHEL 7, OSP 13),
 * which refuses a second positional word, as 0.10 refuses `--node`. Sources in
 * test/fixtures/deployment/tripleo/pcs/SOURCE.md.
 */
import { sh, type ShellScript } from '../ssh/shell.js';

/** How a pcs version names the node of `resource cleanup`. */
export type PcsNodeSyntax = 'node=' | '--node';

/** What `pcs --version` prints on the 0.9 line (`0.9.169`): the one that takes `--node`. */
const PCS_09 = '^0\\.9\\.';

/** The node syntax of the pcs that printed `versionOutput` (`pcs --version`), or undefined when it is no version. */
export function pcsNodeSyntax(versionOutput: string): PcsNodeSyntax | undefined {
  const v = /^\s*(\d+)\.(\d+)(?:\.\d+)*\S*\s*$/.exec(versionOutput);
  if (!v) return undefined;
  return new RegExp(PCS_09).test(versionOutput.trim()) ? '--node' : 'node=';
}

/** `pcs resource cleanup [RES] node=NODE` or `... --node NODE`, as `syntax` has it. */
export function pcsCleanupWith(syntax: PcsNodeSyntax, resource: string | undefined, node: string): ShellScript {
  const nodeArg = syntax === '--node' ? sh`--node ${node}` : sh`${`node=${node}`}`;
  return resource === undefined ? sh`pcs resource cleanup ${nodeArg}` : sh`pcs resource cleanup ${resource} ${nodeArg}`;
}

/**
 * Cleans up `resource` (every failed resource when undefined) on `node` with the node's own pcs:
 * its version is read in the same command (`pcs --version`), so the form always matches the pcs
 * that runs it; a pcs that prints no 0.9 version gets the current form.
 */
export function pcsCleanupScript(resource: string | undefined, node: string): ShellScript {
  return sh`if pcs --version 2>/dev/null | grep -q ${PCS_09}; then ${pcsCleanupWith('--node', resource, node)}; else ${pcsCleanupWith('node=', resource, node)}; fi`;
}
