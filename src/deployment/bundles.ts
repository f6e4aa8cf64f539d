/**
 * Reading pacemaker bundles (TripleO's RabbitMQ, Galera, HAProxy, OVN databases) back onto the
 * cluster nodes that host them. Inside a bundle, pacemaker runs the service's resource on a guest
 * node named after the replica (`rabbitmq-bundle-0`), and reports its failures there; the
 * operator's node is the host the replica's container runs on.
 */
import type { PacemakerClusterState, PacemakerFailedAction } from '../probes/pacemaker-ops.js';

/** Each guest node's host: the node its connection resource (`rabbitmq-bundle-0`, ocf:pacemaker:remote) runs on. */
export function guestHosts(v: PacemakerClusterState): Map<string, string> {
  const hosts = new Map<string, string>();
  for (const guest of v.nodes.filter((n) => n.kind === 'guest')) {
    const host = v.resources.find((r) => r.id === guest.name && r.nodes.length > 0)?.nodes[0];
    if (host) hosts.set(guest.name, host);
  }
  return hosts;
}

/** The cluster node a failed action happened on: its own node, or the host of the guest it names. */
export function failureHost(v: PacemakerClusterState, f: PacemakerFailedAction, hosts: ReadonlyMap<string, string> = guestHosts(v)): string {
  return hosts.get(f.node) ?? f.node;
}

/** The bundle a resource id belongs to (`rabbitmq`, `rabbitmq-bundle-podman-0`, `rabbitmq-bundle-0` -> `rabbitmq-bundle`). */
export function bundleOf(v: PacemakerClusterState, id: string): string | undefined {
  return v.resources.find((r) => r.id === id)?.parents.find((p) => p.kind === 'bundle')?.id;
}

/** Whether a guest node belongs to `bundle` (pacemaker names guests `<bundle>-<replica>`). */
export function isGuestOf(guest: string, bundle: string): boolean {
  return guest.startsWith(`${bundle}-`) && /^\d+$/.test(guest.slice(bundle.length + 1));
}
