import type { Inventory } from '../inventory/types.js';

/** Labels that name the machine an alert is about, most specific first. */
export const NODE_LABELS: readonly string[] = ['node', 'hostname', 'instance'];

/** Where an alert points in the inventory. */
export interface AlertPlace {
  /** The inventory node, or the host as the alert named it when it is not in the inventory. */
  readonly node: string;
  readonly known: boolean;
  /** The label the place was read from; `null` when no label names a host. */
  readonly label: string | null;
  /** Why a named host is not taken as a node (not in the inventory, or several nodes share its address). */
  readonly note?: string | undefined;
}

/**
 * The host part of a label value: `node-10:9100`, `[fd00::6]:9100`, `http://node-10:15692/metrics`
 * and `rabbit@node-10` all name `node-10` (or `fd00::6`).
 */
export function hostOf(value: string): string {
  let v = value.trim();
  v = v.replace(/^[a-z][a-z0-9+.-]*:\/\//i, '');
  v = v.replace(/[/?#].*$/, '');
  // RabbitMQ and Erlang name nodes `name@host`; URLs may carry `user@host`.
  if (v.includes('@')) v = v.slice(v.lastIndexOf('@') + 1);
  const bracketed = /^\[([^\]]+)\](?::\d+)?$/.exec(v);
  if (bracketed) return bracketed[1] as string;
  // One colon is host:port; more is a bare IPv6 address, which has no port without brackets.
  if ((v.match(/:/g) ?? []).length === 1) v = v.replace(/:\d*$/, '');
  return v;
}

/** Inventory nodes a host names: by name, by address, or by the first label of a domain name. */
function nodesNamed(host: string, inventory: Inventory): string[] {
  const h = host.toLowerCase();
  const byName = inventory.nodes.filter((n) => n.name.toLowerCase() === h);
  if (byName.length > 0) return byName.map((n) => n.name);
  const byAddress = inventory.nodes.filter((n) => n.address.toLowerCase() === h);
  if (byAddress.length > 0) return byAddress.map((n) => n.name);
  const short = h.split('.')[0] ?? h;
  if (short !== h && !/^\d+$/.test(short)) {
    const byShort = inventory.nodes.filter((n) => n.name.toLowerCase() === short || n.address.toLowerCase().split('.')[0] === short);
    if (byShort.length > 0) return byShort.map((n) => n.name);
  }
  return [];
}

/**
 * Maps an alert's labels to an inventory node. The configured label (STACKMEDIC_ALERT_NODE_LABEL)
 * is tried first, then `node`, `hostname` and `instance`; the first one naming exactly one node
 * wins. openstack-exporter's alerts carry the agent's host in `hostname` and the exporter in
 * `instance`, which is why `instance` comes last. A host the inventory does not have is kept as
 * it was named, so that the alert is still shown; an alert naming no host at all is about the cluster.
 */
export function placeAlert(labels: Readonly<Record<string, string>>, inventory: Inventory, nodeLabel?: string): AlertPlace {
  const order = [...(nodeLabel ? [nodeLabel] : []), ...NODE_LABELS.filter((l) => l !== nodeLabel)];
  let first: AlertPlace | undefined;
  for (const label of order) {
    const raw = labels[label];
    if (raw === undefined || raw.trim() === '') continue;
    const host = hostOf(raw);
    if (host === '') continue;
    const named = nodesNamed(host, inventory);
    if (named.length === 1) return { node: named[0] as string, known: true, label };
    first ??= {
      node: host,
      known: false,
      label,
      note: named.length > 1 ? `${host} is the address of ${named.length} nodes (${named.join(', ')})` : `${host} is not in the inventory`,
    };
  }
  return first ?? { node: inventory.cluster, known: false, label: null, note: `no ${order.join('/')} label: taken as about the whole cluster` };
}
