/**
 * Time-driven log growth: while AMQP is down, every OpenStack client on a node keeps logging its
 * reconnect attempts. Lines are added lazily, when the node is next asked anything, so idle nodes
 * cost nothing (oslo retries every few seconds; one line per 30 s keeps logs readable).
 */
import { osloLine, reqContext } from '../logs/format.js';
import { amqpHealthy } from './derive.js';
import { logService } from './logging.js';
import { isAmqpClient } from './topology.js';
import type { ClusterState, SimNode } from './types.js';

const EVERY_MS = 30_000;
const MAX_LINES = 10;
const caughtUp = new WeakMap<SimNode, number>();

/** Appends the retry lines `node`'s services would have written since the last catch-up. */
export function catchUpLogs(c: ClusterState, node: SimNode): void {
  const now = c.clock.now();
  const last = caughtUp.get(node) ?? now;
  caughtUp.set(node, now);
  if (amqpHealthy(c) || now - last < EVERY_MS) return;
  const broker = c.controllers.find((n) => !n.rabbit.appRunning) ?? c.controllers[0];
  const endpoint = `${broker?.ip ?? '192.168.0.2'}:5673`;
  const from = Math.max(last, now - EVERY_MS * MAX_LINES);
  for (const [service, st] of node.services) {
    if (!st.running || !isAmqpClient(service)) continue;
    const lines: string[] = [];
    for (let t = from + EVERY_MS; t <= now; t += EVERY_MS) {
      lines.push(
        osloLine(
          t,
          st.pid,
          'ERROR',
          'oslo.messaging._drivers.impl_rabbit',
          `AMQP server on ${endpoint} is unreachable: [Errno 111] ECONNREFUSED. Trying again in 32 seconds.`,
          reqContext(`${node.name}/${service}/${t}`),
        ),
      );
    }
    if (lines.length > 0) logService(node, service, lines, now);
  }
}
