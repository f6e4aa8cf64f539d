/**
 * The per-deployment commands runbooks act with. The commands operators type stay the same on
 * every deployment; what runs on the node differs: a classic node's init system, a kolla node's
 * container engine (or kolla's `kolla-<name>-container` systemd units where kolla-ansible wrote them).
 */
import { sh, shellQuote, ShellScript } from '../ssh/shell.js';
import { kollaContainerUnit } from './kolla.js';
import type { NodeDeployment } from './probe.js';

/** Restarts, stops or starts kolla container `container` on a node of deployment `d`. */
export function containerScript(d: NodeDeployment, container: string, verb: 'restart' | 'stop' | 'start'): ShellScript {
  if (d.systemdUnits) return sh`systemctl ${verb} ${kollaContainerUnit(container)}`;
  return ShellScript.raw(`${d.engine ?? 'docker'} ${verb} ${shellQuote(container)}`);
}

/** Runs a trusted tool script inside `container` (`docker exec rabbitmq sh -c '...'`). */
export function execInContainer(d: NodeDeployment, container: string, script: ShellScript): ShellScript {
  return ShellScript.raw(`${d.engine ?? 'docker'} exec ${shellQuote(container)} sh -c ${shellQuote(script.text)}`);
}

/** Whether the node runs kolla containers. */
export function isKolla(d: NodeDeployment | undefined): d is NodeDeployment & { deployment: 'kolla-ansible' } {
  return d?.deployment === 'kolla-ansible';
}
