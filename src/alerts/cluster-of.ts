import type { Inventory } from '../inventory/types.js';
import { placeAlert } from './nodes.js';

/** The label that names an alert's cluster unless STACKMEDIC_ALERT_CLUSTER_LABEL says otherwise. */
export const DEFAULT_CLUSTER_LABEL = 'cluster';

/**
 * Why no cluster could be given an alert: its cluster label names none of the inventory; its node
 * is in several clusters, or in none; it names no node (Watchdog); the webhook path names no
 * cluster; or (decided by the router) its cluster is not monitored here.
 */
export type UnroutedKind = 'unknown-cluster' | 'several-clusters' | 'unknown-node' | 'no-node' | 'unknown-path' | 'unmonitored';

/** How an alert's cluster was decided, or why it could not be. */
export type ClusterChoice =
  | { readonly cluster: string; readonly by: 'path' | 'label' | 'node' | 'only' }
  | { readonly cluster: null; readonly kind: UnroutedKind; readonly reason: string };

/** What `clusterOfAlert` needs besides the alert. */
export interface ClusterOfOptions {
  readonly clusters: readonly Inventory[];
  /** The label naming the cluster (STACKMEDIC_ALERT_CLUSTER_LABEL, default `cluster`). */
  readonly clusterLabel?: string | undefined;
  /** The extra node label (STACKMEDIC_ALERT_NODE_LABEL). */
  readonly nodeLabel?: string | undefined;
  /** The cluster the webhook's path names (`/alertmanager/east`): it wins over labels. */
  readonly pathCluster?: string | undefined;
}

/**
 * The cluster an alert belongs to: the one the webhook path names; with one cluster, that one
 * (as before several clusters existed: a one-cluster installation's `cluster` label is often
 * Prometheus' external label, not the inventory's name); else the one the cluster label names;
 * else the only cluster one of its node labels (instance, hostname, node) names a node of. An
 * unknown cluster name, or nodes found in no cluster or in several, decide nothing: the alert is
 * not given to a cluster it may not belong to.
 */
export function clusterOfAlert(labels: Readonly<Record<string, string>>, options: ClusterOfOptions): ClusterChoice {
  const names = options.clusters.map((c) => c.cluster);
  if (options.pathCluster !== undefined) {
    return names.includes(options.pathCluster)
      ? { cluster: options.pathCluster, by: 'path' }
      : { cluster: null, kind: 'unknown-path', reason: `the webhook path names cluster "${options.pathCluster}", which the inventory lacks` };
  }
  const only = options.clusters.length === 1 ? options.clusters[0] : undefined;
  if (only) return { cluster: only.cluster, by: 'only' };
  const label = options.clusterLabel ?? DEFAULT_CLUSTER_LABEL;
  const named = labels[label]?.trim();
  if (named) {
    if (names.includes(named)) return { cluster: named, by: 'label' };
    // Prometheus label values are case-sensitive, inventory names are typed by people: accept a case-only difference.
    const folded = names.filter((n) => n.toLowerCase() === named.toLowerCase());
    if (folded.length === 1) return { cluster: folded[0] as string, by: 'label' };
    return { cluster: null, kind: 'unknown-cluster', reason: `label ${label}="${named}" names no cluster of the inventory (${names.join(', ')})` };
  }
  const found: string[] = [];
  let host: string | undefined;
  for (const inventory of options.clusters) {
    const place = placeAlert(labels, inventory, options.nodeLabel);
    if (place.label !== null) host ??= place.node;
    if (place.known) found.push(inventory.cluster);
  }
  if (found.length === 1) return { cluster: found[0] as string, by: 'node' };
  if (found.length > 1)
    return {
      cluster: null,
      kind: 'several-clusters',
      reason: `no ${label} label, and ${host ?? 'its node'} is a node of several clusters (${found.join(', ')})`,
    };
  if (host !== undefined) return { cluster: null, kind: 'unknown-node', reason: `no ${label} label, and ${host} is a node of no cluster` };
  return { cluster: null, kind: 'no-node', reason: `no ${label} label and no node label (instance, hostname, node)` };
}
