/**
 * The cheap check of a node's deployment that runbooks make before they act: /etc/kolla or
 * TripleO's /var/lib/tripleo-config, the container engine and the containers it lists, and whether
 * the containers are run by systemd units (kolla's `kolla-<name>-container`, TripleO's `tripleo_<name>`).
 */
import { KNOWN_ROLES } from '../inventory/roles.js';
import { rawText } from '../probes/text.js';
import { ok, unknown, type Probe, type ProbeOutput, type ProbeResult } from '../probes/types.js';
import { remote, ShellScript } from '../ssh/shell.js';
import { KOLLA_CONTAINERS } from './kolla.js';
import { TRIPLEO_BUNDLES, TRIPLEO_CONFIG_DIR, bundleContainerIn } from './tripleo.js';
import type { ContainerEngine, Deployment } from './types.js';

/** What one node runs, as the node itself says. */
export interface NodeDeployment {
  readonly deployment: Deployment;
  /** The engine that lists the deployment's containers (kolla-ansible and TripleO). */
  readonly engine: ContainerEngine | undefined;
  /** Container names the engine lists, running or not. */
  readonly containers: readonly string[];
  /**
   * The containers are run by systemd units: kolla-ansible's `kolla-<name>-container` where it
   * wrote them, TripleO's `tripleo_<name>` for every container pacemaker does not run.
   */
  readonly systemdUnits: boolean;
}

/** Reads `kolla=yes|no`, `tripleo=yes`, `engine=...`, `container=...` and `units=...` lines. */
export function parseNodeDeployment(output: ProbeOutput): ProbeResult<NodeDeployment> {
  const kolla = /^kolla=(yes|no)$/m.exec(output.stdout)?.[1];
  if (!kolla) return unknown('expected a kolla=yes|no line', rawText(output));
  const engine = /^engine=(docker|podman)$/m.exec(output.stdout)?.[1] as ContainerEngine | undefined;
  const containers = [...output.stdout.matchAll(/^container=(\S+)$/gm)].map((m) => m[1] ?? '');
  // TripleO's own mark, or a container of one of its pacemaker bundles: kolla-ansible makes neither
  // (TripleO's images are kolla-built, so container names like nova_compute prove nothing).
  const isTripleo = /^tripleo=yes$/m.test(output.stdout) || Object.values(TRIPLEO_BUNDLES).some((b) => bundleContainerIn(containers, b) !== undefined);
  if (isTripleo) {
    return ok({ deployment: 'tripleo', engine: engine ?? 'podman', containers, systemdUnits: /^units=tripleo$/m.test(output.stdout) });
  }
  // Containers without /etc/kolla, or /etc/kolla without containers, are both kolla nodes: either
  // is kolla-ansible's own mark, and a classic node has neither.
  const isKolla = kolla === 'yes' || containers.some((c) => Object.values(KOLLA_CONTAINERS).includes(c as never) || c === 'kolla_toolbox');
  return ok({
    deployment: isKolla ? 'kolla-ansible' : 'classic',
    engine: isKolla ? (engine ?? 'docker') : undefined,
    containers,
    systemdUnits: /^units=systemd$/m.test(output.stdout),
  });
}

const SCRIPT = [
  'if test -d /etc/kolla; then echo kolla=yes; else echo kolla=no; fi',
  `for e in docker podman; do if $e ps -a --format '{{.Names}}' >/dev/null 2>&1; then echo engine=$e; $e ps -a --format 'container={{.Names}}' 2>/dev/null; break; fi; done`,
  `if systemctl cat ${'kolla-rabbitmq-container.service'} >/dev/null 2>&1 || systemctl cat kolla-nova_compute-container.service >/dev/null 2>&1; then echo units=systemd; fi`,
  `if test -d ${TRIPLEO_CONFIG_DIR}; then echo tripleo=yes; fi`,
  // tripleo-ansible writes one unit per plain container (none on docker-era OSP 13).
  'for u in /etc/systemd/system/tripleo_*.service; do if test -f "$u"; then echo units=tripleo; fi; done',
  'true',
].join('; ');

/** A node's deployment: classic, kolla-ansible or TripleO, with its container engine. */
export const nodeDeployment = {
  id: 'node-deployment',
  title: 'Deployment',
  roles: KNOWN_ROLES,
  scope: 'node',
  command: remote(ShellScript.raw(SCRIPT), { privileged: true }),
  timeoutMs: 15_000,
  parse: parseNodeDeployment,
} satisfies Probe<NodeDeployment>;
