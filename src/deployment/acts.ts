/**
 * The per-deployment commands runbooks act with. The commands operators type stay the same on
 * every deployment; what runs on the node differs: a classic node's init system, a kolla node's
 * container engine (or kolla's `kolla-<name>-container` systemd units where kolla-ansible wrote them),
 * a TripleO node's `tripleo_<name>` units and, for what pacemaker runs there, `pcs` on the bundle.
 */
import { sh, shellQuote, ShellScript } from '../ssh/shell.js';
import { kollaContainerUnit } from './kolla.js';
import { pcsCleanupScript } from './pcs.js';
import type { NodeDeployment } from './probe.js';
import { bundleContainerIn, TRIPLEO_BUNDLE_OF, tripleoContainerUnit } from './tripleo.js';

/**
 * Restarts, stops or starts plain container `container` on a node of deployment `d`: through its
 * systemd unit where one runs it (restarting the container under systemd's feet would be undone),
 * through the engine otherwise.
 */
export function containerScript(d: NodeDeployment, container: string, verb: 'restart' | 'stop' | 'start'): ShellScript {
  if (d.deployment === 'tripleo' && d.systemdUnits) return sh`systemctl ${verb} ${tripleoContainerUnit(container)}`;
  if (d.deployment === 'kolla-ansible' && d.systemdUnits) return sh`systemctl ${verb} ${kollaContainerUnit(container)}`;
  return ShellScript.raw(`${d.engine ?? 'docker'} ${verb} ${shellQuote(container)}`);
}

/**
 * The container running the service kolla's images call `container` on this node: the same name on
 * kolla-ansible, the node's replica of the pacemaker bundle on TripleO (`rabbitmq-bundle-podman-1`).
 */
export function serviceContainer(d: NodeDeployment, container: string): string {
  if (d.deployment !== 'tripleo') return container;
  const bundle = TRIPLEO_BUNDLE_OF[container];
  return (bundle && bundleContainerIn(d.containers, bundle)) ?? container;
}

/** Runs a trusted tool script inside the service's container (`docker exec rabbitmq sh -c '...'`). */
export function execInContainer(d: NodeDeployment, container: string, script: ShellScript): ShellScript {
  return ShellScript.raw(`${d.engine ?? 'docker'} exec ${shellQuote(serviceContainer(d, container))} sh -c ${shellQuote(script.text)}`);
}

/** `pcs resource restart BUNDLE NODE`: only the node's replica restarts, pacemaker does it its way. */
export function bundleRestartScript(bundle: string, node: string): ShellScript {
  return sh`pcs resource restart ${bundle} ${node}`;
}

/**
 * `pcs resource cleanup BUNDLE node=NODE` (`--node NODE` with pcs 0.9, told on the node): forgets the
 * replica's failures there so pacemaker starts it again.
 */
export function bundleCleanupScript(bundle: string, node: string): ShellScript {
  return pcsCleanupScript(bundle, node);
}

/** Whether the node runs kolla containers. */
export function isKolla(d: NodeDeployment | undefined): d is NodeDeployment & { deployment: 'kolla-ansible' } {
  return d?.deployment === 'kolla-ansible';
}

/** Whether the node is a TripleO node (podman containers, pacemaker bundles). */
export function isTripleo(d: NodeDeployment | undefined): d is NodeDeployment & { deployment: 'tripleo' } {
  return d?.deployment === 'tripleo';
}
