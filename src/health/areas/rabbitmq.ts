import { rabbitmqStatus, type RabbitAlarm, type RabbitPartition } from '../../probes/rabbitmq-status.js';
import { defineArea, listNodes, shortRabbitNode, type AreaProblem } from '../area.js';
import type { ClusterSnapshot } from '../snapshot.js';

/** What is wrong with the broker, each once however many controllers report it. */
type RabbitCondition =
  | { readonly kind: 'alarm'; readonly alarm: RabbitAlarm }
  | { readonly kind: 'partition'; readonly partition: RabbitPartition }
  | { readonly kind: 'member-stopped'; readonly member: string };

/** Controllers where rabbitmqctl cannot reach the local node, or finds its rabbit app stopped. */
function nodesDown(s: ClusterSnapshot): { node: string; message: string; appStopped: boolean }[] {
  return s
    .values(rabbitmqStatus)
    .flatMap(({ node, value }) => (value.running ? [] : [{ node, message: value.message, appStopped: value.state === 'app-stopped' }]));
}

/**
 * Alarms, partitions and stopped members as the running nodes report them. Every member reports
 * the whole cluster's alarms, so each is kept once; a stopped member already seen down on its own
 * controller is left to that.
 */
function conditions(s: ClusterSnapshot): RabbitCondition[] {
  const down = nodesDown(s).map((d) => d.node);
  const seen = new Set<string>();
  const once = (key: string): boolean => {
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  };
  const out: RabbitCondition[] = [];
  for (const { value } of s.values(rabbitmqStatus)) {
    if (!value.running) continue;
    for (const alarm of value.alarms) if (once(`${alarm.node}/${alarm.kind}`)) out.push({ kind: 'alarm', alarm });
    for (const partition of value.partitions) if (once(`partition/${partition.node}`)) out.push({ kind: 'partition', partition });
    for (const member of value.stoppedNodes) {
      if (down.includes(shortRabbitNode(member))) continue;
      if (once(`stopped/${member}`)) out.push({ kind: 'member-stopped', member });
    }
  }
  return out;
}

function problemOf(c: RabbitCondition): AreaProblem {
  switch (c.kind) {
    case 'alarm':
      return { severity: 'critical', nodes: [shortRabbitNode(c.alarm.node)], summary: `${c.alarm.kind} alarm on ${c.alarm.node}: publishers are blocked` };
    case 'partition':
      return {
        severity: 'critical',
        nodes: [shortRabbitNode(c.partition.node)],
        summary: `network partition: ${c.partition.node} cannot see ${c.partition.partitionedFrom.join(', ')}`,
      };
    case 'member-stopped':
      return { severity: 'critical', nodes: [shortRabbitNode(c.member)], summary: `cluster member ${c.member} is not running` };
  }
}

/** RabbitMQ: the broker on every controller, its alarms, partitions and stopped members. */
export default defineArea({
  id: 'rabbitmq',
  title: 'RabbitMQ',
  reportOrder: 20,
  causeOrder: 20,
  probes: [rabbitmqStatus],
  assess(s) {
    const down = nodesDown(s);
    const vmDown = down.filter((d) => !d.appStopped).map((d) => d.node);
    const appStopped = down.filter((d) => d.appStopped).map((d) => d.node);
    const problems: AreaProblem[] = [];
    if (vmDown.length) problems.push({ severity: 'critical', nodes: vmDown, summary: `RabbitMQ not running on ${listNodes(vmDown)}` });
    // The Erlang VM answers but the rabbit app is stopped (stop_app, paused minority): a different fix.
    if (appStopped.length)
      problems.push({ severity: 'critical', nodes: appStopped, summary: `RabbitMQ app stopped on ${listNodes(appStopped)} (Erlang VM running)` });
    problems.push(...conditions(s).map(problemOf));
    const running = s.values(rabbitmqStatus).find((v) => v.value.running);
    const okNote = running && running.value.running ? `${running.value.runningNodes.length} nodes running, no alarms, no partitions` : '';
    return { problems, okNote };
  },
  facts: {
    'rabbitmq-status/node-down': (s) =>
      nodesDown(s).map(({ node, message }) => ({ node, time: s.takenAt.toISOString(), fields: {}, text: message.split('\n')[0] ?? '' })),
    'rabbitmq-status/alarm': (s) =>
      conditions(s).flatMap((c) =>
        c.kind === 'alarm'
          ? [
              {
                node: shortRabbitNode(c.alarm.node),
                time: s.takenAt.toISOString(),
                fields: { kind: c.alarm.kind, rabbitNode: c.alarm.node },
                text: `${c.alarm.kind} alarm on ${c.alarm.node}`,
              },
            ]
          : [],
      ),
  },
});
