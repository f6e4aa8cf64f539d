/**
 * Telling a node's deployment on the node itself, cheaply: kolla-ansible writes its configuration
 * under /etc/kolla and runs its services in containers, and installs no pacemaker.
 */
import { ShellScript } from '../ssh/shell.js';
import type { Deployment } from './types.js';

/** Printed by a probe that found its tool is not part of the node's deployment. */
export const DEPLOYMENT_MARKER = '@@deployment';

/**
 * Runs `script` unless the node is a kolla-ansible node without the tool `tool`, in which case it
 * prints `@@deployment kolla-ansible` (the tool is not used by this deployment, rather than missing).
 */
export function unlessKollaWithout(tool: string, script: ShellScript): ShellScript {
  return ShellScript.raw(
    `if test -d /etc/kolla && ! command -v ${tool} >/dev/null 2>&1; then echo ${DEPLOYMENT_MARKER} kolla-ansible; else ${script.text}; fi`,
  );
}

/** The deployment a probe's output says its node runs, when it printed the marker. */
export function deploymentMarked(stdout: string): Deployment | undefined {
  return new RegExp(`^${DEPLOYMENT_MARKER} kolla-ansible$`, 'm').test(stdout) ? 'kolla-ansible' : undefined;
}
