/**
 * The cheap check of a node's deployment that runbooks make before they act: /etc/kolla and the
 * container engine that lists kolla's containers, and whether kolla-ansible manages them through
 * `kolla-<name>-container` systemd units.
 */
import { KNOWN_ROLES } from '../inventory/roles.js';
import { rawText } from '../probes/text.js';
import { ok, unknown, type Probe, type ProbeOutput, type ProbeResult } from '../probes/types.js';
import { remote, ShellScript } from '../ssh/shell.js';
import { KOLLA_CONTAINERS } from './kolla.js';
import type { ContainerEngine, Deployment } from './types.js';

/** What one node runs, as the node itself says. */
export interface NodeDeployment {
  readonly deployment: Deployment;
  /** The engine that lists kolla containers (kolla-ansible only). */
  readonly engine: ContainerEngine | undefined;
  /** Container names the engine lists, running or not. */
  readonly containers: readonly string[];
  /** kolla-ansible wrote a systemd unit for the rabbitmq container (its systemd container control). */
  readonly systemdUnits: boolean;
}

/** Reads `kolla=yes|no`, `engine=...`, `container=...` and `units=systemd` lines. */
export function parseNodeDeployment(output: ProbeOutput): ProbeResult<NodeDeployment> {
  const kolla = /^kolla=(yes|no)$/m.exec(output.stdout)?.[1];
  if (!kolla) return unknown('expected a kolla=yes|no line', rawText(output));
  const engine = /^engine=(docker|podman)$/m.exec(output.stdout)?.[1] as ContainerEngine | undefined;
  const containers = [...output.stdout.matchAll(/^container=(\S+)$/gm)].map((m) => m[1] ?? '');
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
  'true',
].join('; ');

/** A node's deployment: classic or kolla-ansible, with its container engine. */
export const nodeDeployment = {
  id: 'node-deployment',
  title: 'Deployment',
  roles: KNOWN_ROLES,
  scope: 'node',
  command: remote(ShellScript.raw(SCRIPT), { privileged: true }),
  timeoutMs: 15_000,
  parse: parseNodeDeployment,
} satisfies Probe<NodeDeployment>;
