/** RabbitMQ cluster membership changes: reset, join_cluster, forget_cluster_node. */
import { rabbitReport } from '../logs/format.js';
import { mutate, type ActionResult } from './actions.js';
import { rabbitRunning } from './derive.js';
import { logService } from './logging.js';
import type { ClusterState, SimNode } from './types.js';

/**
 * `rabbitmqctl reset` (graceful: running members forget this node) or `force_reset` (only the local
 * database is wiped, so members still list the node: a later join then hits inconsistent_cluster).
 */
export function resetRabbitNode(c: ClusterState, node: SimNode, force: boolean): void {
  mutate(c, () => {
    if (!force) {
      for (const m of node.rabbit.members) {
        const peer = c.nodes.get(m);
        if (peer && peer !== node && rabbitRunning(peer)) removeEverywhere(c, peer, node.name);
      }
    }
    node.rabbit.members = [node.name];
    node.rabbit.alarms.clear();
    const at = c.clock.now();
    logService(node, 'rabbitmq-server', rabbitReport(at, 'INFO', [`Resetting Rabbit${force ? ' forcefully' : ''}`]), at);
  });
}

function removeEverywhere(c: ClusterState, from: SimNode, gone: string): void {
  for (const m of from.rabbit.members) {
    const n = c.nodes.get(m);
    if (n && n.name !== gone) n.rabbit.members = n.rabbit.members.filter((x) => x !== gone);
  }
}

/** `rabbitmqctl join_cluster rabbit@SEED` on `node` (its app stopped). */
export function joinRabbitCluster(c: ClusterState, node: SimNode, seed: SimNode): ActionResult {
  return mutate(c, () => {
    if (seed.rabbit.members.includes(node.name) && !node.rabbit.members.includes(seed.name)) {
      return { ok: false, reason: 'inconsistent_cluster', peer: seed.name };
    }
    const members = [...new Set([...seed.rabbit.members, node.name])];
    for (const m of members) {
      const n = c.nodes.get(m);
      if (n && (n === node || rabbitRunning(n) || n.rabbit.members.includes(seed.name))) n.rabbit.members = [...members];
    }
    const at = c.clock.now();
    logService(node, 'rabbitmq-server', rabbitReport(at, 'INFO', [`Clustering with [rabbit@${seed.name}] as disc node`]), at);
    return { ok: true };
  });
}

/** `rabbitmqctl forget_cluster_node rabbit@GONE` run on `on`. */
export function forgetRabbitNode(c: ClusterState, on: SimNode, gone: SimNode): ActionResult {
  return mutate(c, () => {
    if (!on.rabbit.members.includes(gone.name) || gone === on) return { ok: false, reason: 'not_a_cluster_node' };
    if (rabbitRunning(gone) && gone.rabbit.members.includes(on.name)) return { ok: false, reason: 'active' };
    removeEverywhere(c, on, gone.name);
    on.rabbit.members = on.rabbit.members.filter((x) => x !== gone.name);
    const at = c.clock.now();
    logService(on, 'rabbitmq-server', rabbitReport(at, 'INFO', [`Removing node 'rabbit@${gone.name}' from the cluster`]), at);
    return { ok: true };
  });
}
