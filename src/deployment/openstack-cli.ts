/**
 * Where the overcloud's `openstack` CLI runs. TripleO operators run it on the undercloud with the
 * overcloud's credentials (`source ~/overcloudrc`): tripleoclient writes `<stack>rc` (mode 0600)
 * into the deploying user's home on the undercloud, and the overcloud's controllers hold no
 * credentials file at all. A cluster whose inventory names such a host (TripleO's `Undercloud`
 * group, or `openstack_cli:` in stackmedic's YAML) reads the OpenStack API there; any other cluster
 * reads it on a controller with the configured openrc, as before. Source of the file's name and
 * place: openstack/python-tripleoclient `tripleoclient/workflows/deployment.py`, `create_overcloudrc`.
 */
import type { Inventory, NodeSpec, OpenstackCliHost } from '../inventory/types.js';
import type { Probe } from '../probes/types.js';
import { remote, sh, type RemoteCommand } from '../ssh/shell.js';

/** The overcloud's credentials where tripleoclient writes them for the `overcloud` stack and the `stack` user. */
export const DEFAULT_OVERCLOUDRC = '/home/stack/overcloudrc';

/** TripleO's inventory group of the undercloud (tripleo-ansible-inventory writes `Undercloud`). */
export function isUndercloudGroup(name: string): boolean {
  return name.toLowerCase() === 'undercloud';
}

/**
 * The rc file of the stack the inventory names (`plan: overcloud` in the Undercloud group's vars):
 * tripleoclient names it after the stack, in the stack user's home. Any other value gives the default.
 */
export function overcloudrcOf(plan: string | undefined): string {
  return plan !== undefined && /^[A-Za-z0-9][A-Za-z0-9_-]*$/.test(plan) ? `/home/stack/${plan}rc` : DEFAULT_OVERCLOUDRC;
}

/** Whether a command reads the OpenStack API (it sources the credentials first). */
export function needsOpenstackApi(command: RemoteCommand): boolean {
  return command.openrc;
}

/**
 * `command` with `rcPath` sourced first, as the operator types it on the undercloud. The rc file
 * is part of the command itself, so the executor's configured openrc (meant for controllers) is
 * never sourced on top of it, and the audit record shows the file that was used.
 */
export function withRcFile(command: RemoteCommand, rcPath: string): RemoteCommand {
  return remote(sh`. ${rcPath} && ${command.script}`, { privileged: command.privileged });
}

/** One place a cluster-scope read may run: the node, the exact command, and the CLI host when it is one. */
export interface ApiTarget {
  readonly node: NodeSpec;
  readonly command: RemoteCommand;
  /** Set when the read runs on the inventory's openstack CLI host with its rc file. */
  readonly cliHost?: OpenstackCliHost;
}

/** The inventory's openstack CLI host, when `command` reads the API and the inventory names one. */
export function cliHostFor(inventory: Pick<Inventory, 'openstackCli'>, command: RemoteCommand): OpenstackCliHost | undefined {
  return needsOpenstackApi(command) ? inventory.openstackCli : undefined;
}

/**
 * The nodes to ask, in order, for a cluster-scope probe. A read of the OpenStack API goes to the
 * inventory's CLI host alone when there is one. There is deliberately no fallback to a controller:
 * on TripleO the overcloudrc exists only on the undercloud, so a controller would answer "Missing
 * value auth-url" at best, and at worst (an openrc copied there by hand, for another cloud or user)
 * a listing nobody asked for would pass for the one operators read. An unreachable CLI host makes
 * the area "not checked: undercloud unreachable" instead. Every other probe, and every cluster
 * without a CLI host, runs on the nodes with the probe's roles, as before.
 */
export function clusterProbeTargets(inventory: Pick<Inventory, 'nodes' | 'openstackCli'>, probe: Pick<Probe<unknown>, 'roles' | 'command'>): ApiTarget[] {
  const cliHost = cliHostFor(inventory, probe.command);
  if (cliHost) {
    const node = inventory.nodes.find((n) => n.name === cliHost.node);
    return node ? [{ node, command: withRcFile(probe.command, cliHost.rcPath), cliHost }] : [];
  }
  return inventory.nodes.filter((n) => n.roles.some((r) => probe.roles.includes(r))).map((node) => ({ node, command: probe.command }));
}

/** "on undercloud with /home/stack/overcloudrc": where an API read ran, for what is posted. */
export function describeCliHost(cliHost: OpenstackCliHost): string {
  return `on ${cliHost.node} with ${cliHost.rcPath}`;
}

/**
 * The probes whose commands run on `node`, for what the doctor looks up there: with a CLI host,
 * the cluster-scope API reads leave the controllers and run on that host (given its roles, so
 * that they count as its own); without one, every probe of the node's roles, as before.
 */
export function probesOnNode<P extends Pick<Probe<unknown>, 'roles' | 'scope' | 'command'>>(
  inventory: Pick<Inventory, 'openstackCli'>,
  node: Pick<NodeSpec, 'name' | 'roles'>,
  probes: readonly P[],
): P[] {
  const cliHost = inventory.openstackCli;
  const onCliHost = (p: P): boolean => cliHost !== undefined && p.scope === 'cluster' && needsOpenstackApi(p.command);
  const own = probes.filter((p) => !onCliHost(p) && p.roles.some((r) => node.roles.includes(r)));
  const moved = cliHost?.node === node.name ? probes.filter(onCliHost).map((p) => ({ ...p, roles: node.roles })) : [];
  return [...own, ...moved];
}
